package solver

import (
	"reflect"
	"slices"
)

// A plain cumulative problem (the RCPSP): resources without calendars, each
// demand on one resource, end-to-start precedences with non-negative lags and no
// maximum, makespan the only goal, nothing fixed, released, due or grouped by a
// rule. Its activity lists decode on integer resource profiles, several times
// faster than the general serial scheme (state.construct), which it matches start
// for start; the genetic search uses it for every child and builds the general
// state only for a schedule it offers.

// plainSGS decodes activity lists of a plain problem, forward and on the
// mirrored problem (for the justification).
type plainSGS struct {
	n      int
	dur    []int
	req    [][]plainReq
	cap    []int32
	preds  [][]arc // min lags only
	succs  [][]arc
	rank   []int // position in a topological order
	use    [][]int32
	weight float64
	// scratch
	est, start, back []int
	list, key        []int
}

// maxPlainHorizon bounds the sum of durations and lags of a plain problem
// decoded on profiles (4 MiB a resource).
const maxPlainHorizon = 1 << 20

type plainReq struct {
	r int
	a int32
}

// newPlainSGS returns nil when c's problem is not plain.
func newPlainSGS(c *compiled) *plainSGS {
	p := c.p
	if p.Objective.Makespan <= 0 {
		return nil
	}
	// What a plain problem may hold, copied: the problem must equal it.
	q := Problem{Resources: make([]Resource, len(p.Resources)), Tasks: make([]Task, len(p.Tasks)),
		Precedences: make([]Precedence, len(p.Precedences)), Objective: Objective{Makespan: p.Objective.Makespan}}
	for i, r := range p.Resources {
		q.Resources[i] = Resource{Name: r.Name, Capacity: r.Capacity}
	}
	s := &plainSGS{n: len(p.Tasks), dur: make([]int, len(p.Tasks)), req: make([][]plainReq, len(p.Tasks)),
		cap: make([]int32, len(p.Resources)), preds: make([][]arc, len(p.Tasks)), succs: make([][]arc, len(p.Tasks)),
		rank: make([]int, len(p.Tasks)), use: make([][]int32, len(p.Resources)), weight: p.Objective.Makespan}
	for k, r := range p.Resources {
		if r.Capacity > 1<<30 {
			return nil
		}
		s.cap[k] = int32(r.Capacity)
	}
	h := 1
	for i, t := range p.Tasks {
		q.Tasks[i] = Task{Name: t.Name, Duration: t.Duration, Contiguous: t.Contiguous, Demands: t.Demands, Group: t.Group}
		for _, d := range t.Demands {
			if len(d.Alternatives) != 1 || d.WhilePresent || len(d.Preferred) > 0 || d.Amount > r32(p.Resources, d.Alternatives[0]) {
				return nil
			}
			s.req[i] = append(s.req[i], plainReq{d.Alternatives[0], int32(d.Amount)})
		}
		s.dur[i] = t.Duration
		h += t.Duration
	}
	for i, pr := range p.Precedences {
		if pr.MinLag < 0 || pr.MaxLag >= 0 {
			return nil
		}
		q.Precedences[i] = Precedence{From: pr.From, To: pr.To, MinLag: pr.MinLag, MaxLag: pr.MaxLag}
		s.preds[pr.To] = append(s.preds[pr.To], arc{other: pr.From, minLag: pr.MinLag, maxLag: -1})
		s.succs[pr.From] = append(s.succs[pr.From], arc{other: pr.To, minLag: pr.MinLag, maxLag: -1})
		h += pr.MinLag
	}
	// the profiles take h units of time per resource: long horizons keep the
	// general scheme, whose timelines grow with the events, not the time
	if h > maxPlainHorizon || !reflect.DeepEqual(*p, q) {
		return nil
	}
	for k, t := range c.topo {
		s.rank[t] = k
	}
	for k := range s.use {
		s.use[k] = make([]int32, h)
	}
	s.est, s.start, s.back = make([]int, s.n), make([]int, s.n), make([]int, s.n)
	s.list, s.key = make([]int, 0, s.n), make([]int, s.n)
	return s
}

// r32 is resource k's capacity (0 when k is out of range: no demand fits).
func r32(rs []Resource, k int) int {
	if k < 0 || k >= len(rs) {
		return 0
	}
	return rs[k].Capacity
}

// decode runs the serial scheme over list (every task after the ones before it
// along preds) and writes each task's start to start; it returns the makespan.
func (s *plainSGS) decode(list []int, preds [][]arc, start []int) int {
	mk := 0
	for _, t := range list {
		es := 0
		for _, a := range preds[t] {
			es = max(es, start[a.other]+s.dur[a.other]+a.minLag)
		}
		st := s.fit(t, es)
		start[t] = st
		end := st + s.dur[t]
		for _, rq := range s.req[t] {
			u := s.use[rq.r][st:end]
			for i := range u {
				u[i] += rq.a
			}
		}
		mk = max(mk, end)
	}
	for k := range s.use {
		clear(s.use[k][:mk])
	}
	return mk
}

// fit is the earliest start from es at which t's demands fit the profiles.
func (s *plainSGS) fit(t, es int) int {
	d := s.dur[t]
	if d == 0 {
		return es
	}
	st := es
next:
	for {
		for _, rq := range s.req[t] {
			u, lim := s.use[rq.r], s.cap[rq.r]-rq.a
			for x := st + d - 1; x >= st; x-- {
				if u[x] > lim {
					st = x + 1
					continue next
				}
			}
		}
		return st
	}
}

// byKey sorts s.list by s.key, ties by topological rank (ascending when
// forward, descending otherwise), so that a list sorted by start (forward) or by
// end, latest first (backward), keeps every task after its predecessors.
func (s *plainSGS) byKey(forward bool) {
	slices.SortFunc(s.list, func(a, b int) int {
		if s.key[a] != s.key[b] {
			return s.key[a] - s.key[b]
		}
		if forward {
			return s.rank[a] - s.rank[b]
		}
		return s.rank[b] - s.rank[a]
	})
}

// justified decodes list, then improves the schedule by forward-backward passes
// (at most two, while they shorten it), as justifier.improve does on the general
// state. It leaves the starts in s.start and returns the makespan.
func (s *plainSGS) justified(list []int) int {
	mk := s.decode(list, s.preds, s.start)
	for pass := 0; pass < 2; pass++ {
		// backward: latest end first, on the mirrored problem
		s.list = s.list[:0]
		for t := 0; t < s.n; t++ {
			s.list = append(s.list, t)
			s.key[t] = -(s.start[t] + s.dur[t])
		}
		s.byKey(false)
		bmk := s.decode(s.list, s.succs, s.back)
		// forward: earliest start of the right-shifted schedule first
		for t := 0; t < s.n; t++ {
			s.key[t] = bmk - s.back[t] - s.dur[t]
		}
		s.byKey(true)
		fmk := s.decode(s.list, s.preds, s.est)
		if fmk > mk {
			break
		}
		s.start, s.est = s.est, s.start
		if fmk == mk {
			break
		}
		mk = fmk
	}
	return mk
}
