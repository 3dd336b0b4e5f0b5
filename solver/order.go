package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// A problem with same-order rules is searched over the order of its chains: a
// permutation per rule, decoded by the serial scheme with every chain placed after
// the chains before it (state.earliest keeps each rule's resources in chain order).
// The search is an iterated greedy (Ruiz and Stützle, 2007): the chains are
// inserted one by one, each where the schedule is best (NEH, Nawaz, Enscore and
// Ham, 1983); then, in turn, a few chains are taken out and reinserted where best,
// the result is improved by reinserting each chain where best until nothing
// improves, and it is accepted when better, or when worse with a probability that
// falls with how much worse it is.

// noFlowShopEvaluation turns the flow-shop evaluation off (tests compare the two).
var noFlowShopEvaluation = false

// ordered reports whether the problem has same-order rules.
func (c *compiled) ordered() bool { return len(c.chains) > 0 }

// orderSearch is one worker's search over chain orders.
type orderSearch struct {
	wk     *worker
	c      *compiled
	rng    *rand.Rand
	budget int // decodes left; < 0: no bound
	stop   func() bool
	// onlyChains: every task is in a chain of a single rule, so a decode lists the
	// chains' tasks one chain after another.
	onlyChains bool
	prio       []float64
	in         [][]bool
	list       []int
	decodes    int
	// resumable: onlyChains, and no maximum lag or span limit, so a decode may
	// keep the schedule of the chains it shares at the front with the last one
	// (last, the chain order the state holds)
	resumable bool
	last      []int
	// fs: the problem is a pure flow shop; bestInsert then evaluates every
	// position at once (flowshop.go)
	fs   *permFlow
	ties []int
}

func newOrderSearch(wk *worker, rng *rand.Rand, budget int, stop func() bool) *orderSearch {
	c := wk.c
	o := &orderSearch{wk: wk, c: c, rng: rng, budget: budget, stop: stop, prio: make([]float64, len(c.p.Tasks))}
	o.onlyChains = len(c.chains) == 1
	for t := range c.orderOf {
		if c.orderOf[t] < 0 {
			o.onlyChains = false
		}
	}
	o.resumable = o.onlyChains && len(c.p.Spans) == 0
	if !noFlowShopEvaluation {
		if c.flow != nil {
			fs := *c.flow // the processing times shared, scratch rows of its own
			o.fs = &fs
		}
	}
	for _, pr := range c.p.Precedences {
		if pr.MaxLag >= 0 {
			o.resumable = false
		}
	}
	o.in = make([][]bool, len(c.chains))
	for g := range c.chains {
		o.in[g] = make([]bool, len(c.chains[g]))
	}
	return o
}

// out reports whether the search must end: stopped or out of budget.
func (o *orderSearch) out() bool {
	return o.budget == 0 || o.decodes&7 == 0 && o.stop()
}

// decode schedules the chain orders ps (ps[g] may hold only some of rule g's
// chains: the others stay unplaced) into the worker's state and scores it.
func (o *orderSearch) decode(ps [][]int) Score {
	c, st := o.c, o.wk.st
	o.decodes++
	if o.budget > 0 {
		o.budget--
	}
	st.hints = false
	for g, p := range ps {
		clear(o.in[g])
		for pos, k := range p {
			st.chainPos[g][k] = pos
			o.in[g][k] = true
		}
	}
	o.list = o.list[:0]
	if o.onlyChains {
		for _, k := range ps[0] {
			o.list = append(o.list, c.chains[0][k]...)
		}
		if o.resumable {
			// keep the chains the state already holds at the front
			same := 0
			for same < len(o.last) && same < len(ps[0]) && o.last[same] == ps[0][same] {
				same++
			}
			from := 0
			for _, k := range ps[0][:same] {
				from += len(c.chains[0][k])
			}
			for i := len(o.last) - 1; i >= same; i-- {
				ts := c.chains[0][o.last[i]]
				for j := len(ts) - 1; j >= 0; j-- {
					st.unplace(ts[j])
				}
			}
			o.last = append(o.last[:0], ps[0]...)
			if from == 0 {
				st.construct(o.list, nil, nil)
			} else {
				st.constructFrom(o.list, from, nil, nil)
			}
			return st.score()
		}
	} else {
		scale := float64(max(1, c.horizonGuess()))
		n := float64(len(c.p.Tasks) + 1)
		for k, t := range c.topo {
			if g := c.orderOf[t]; g >= 0 {
				o.prio[t] = float64(st.chainPos[g][c.chainOf[t]]) + float64(k)/n
			} else {
				o.prio[t] = -1 + float64(c.est[t])/scale/2
			}
		}
		for _, t := range c.activityList(o.prio) {
			if g := c.orderOf[t]; g < 0 || o.in[g][c.chainOf[t]] {
				o.list = append(o.list, t)
			}
		}
	}
	st.construct(o.list, nil, nil)
	sc := st.score()
	return sc
}

// candidate copies the worker's state as a candidate numbered k.
func (o *orderSearch) candidate(k int) *candidate {
	st := o.wk.st
	pl := make([]Placement, len(st.pl))
	copy(pl, st.pl)
	mode := append([]int(nil), st.mode...)
	sc, tm := st.scoreTerms()
	return &candidate{pl: pl, mode: mode, score: sc, terms: tm, k: k}
}

// weights are the chains' total durations.
func (c *compiled) chainWeights(g int) []int {
	w := make([]int, len(c.chains[g]))
	for k, ch := range c.chains[g] {
		for _, t := range ch {
			w[k] += c.p.Tasks[t].Duration
		}
	}
	return w
}

// initialOrders sorts each rule's chains by decreasing total duration, with noise
// (a share of the largest weight) when noise > 0.
func (o *orderSearch) initialOrders(noise float64) [][]int {
	ps := make([][]int, len(o.c.chains))
	for g := range ps {
		w := o.c.chainWeights(g)
		key := make([]float64, len(w))
		top := 0
		for _, x := range w {
			top = max(top, x)
		}
		for k, x := range w {
			key[k] = float64(x)
			if noise > 0 {
				key[k] += noise * float64(top) * o.rng.Float64()
			}
		}
		p := make([]int, len(w))
		for k := range p {
			p[k] = k
		}
		sort.SliceStable(p, func(a, b int) bool { return key[p[a]] > key[p[b]] })
		ps[g] = p
	}
	return ps
}

// bestInsert tries chain ch at every position of ps[g] and returns the best
// position and its score (the state is left holding some decoded order: decode
// the one to keep). Ties go to the first best position, or, when the search
// has a random source, to one of the best drawn at random (ties are common, and
// always taking the first keeps the search in the same orders). ok is false when
// the search ran out before every position was tried.
func (o *orderSearch) bestInsert(ps [][]int, g, ch int) (pos int, best Score, ok bool) {
	seq := ps[g]
	trial := make([]int, len(seq)+1)
	pos = -1
	defer func() { ps[g] = seq }()
	o.ties = o.ties[:0]
	if n := len(seq) + 1; o.fs != nil && (o.budget < 0 || o.budget >= n) {
		// every position at once; the work counted is the decodes it replaces, so
		// that a run with a work limit does what it would without this evaluation
		if o.stop() {
			return pos, best, false
		}
		var mk int
		pos, mk = o.fs.bestPos(seq, ch, &o.ties)
		pos = o.pick(pos)
		copy(trial, seq[:pos])
		trial[pos] = ch
		copy(trial[pos+1:], seq[pos:])
		ps[g] = trial
		// the score the decoder would give: only the makespan counts, and the
		// chains left out are unplaced (pureFlowShop checked both)
		best = Score{Unplaced: len(o.c.p.Tasks) - len(trial)*o.fs.stages, Soft: o.c.p.Objective.Makespan * float64(mk)}
		o.decodes += n
		if o.budget > 0 {
			o.budget -= n
		}
		if st := o.wk.st; st.check {
			// in check mode the order is decoded, and both must agree
			budget, decodes := o.budget, o.decodes
			sc := o.decode(ps)
			o.budget, o.decodes = budget, decodes
			if _, tm := st.scoreTerms(); (tm.Makespan != mk || sc != best) && st.drift == nil {
				st.drift = fmt.Errorf("solver: the flow-shop insertion gives chain %d at %d a makespan of %d (%v) where the decoder gives %d (%v)", ch, pos, mk, best, tm.Makespan, sc)
			}
		}
		return pos, best, true
	}
	for i := 0; i <= len(seq); i++ {
		if o.out() {
			return pos, best, false
		}
		copy(trial, seq[:i])
		trial[i] = ch
		copy(trial[i+1:], seq[i:])
		ps[g] = trial
		sc := o.decode(ps)
		if pos < 0 || sc.Less(best) {
			pos, best = i, sc
			o.ties = o.ties[:0]
		}
		if !best.Less(sc) {
			o.ties = append(o.ties, i)
		}
	}
	return o.pick(pos), best, true
}

// pick draws one of the tied positions (o.ties) when the search has a random
// source; first otherwise.
func (o *orderSearch) pick(first int) int {
	if o.rng == nil || len(o.ties) < 2 {
		return first
	}
	return o.ties[o.rng.IntN(len(o.ties))]
}

func insertAt(seq []int, pos, ch int) []int {
	seq = append(seq, 0)
	copy(seq[pos+1:], seq[pos:])
	seq[pos] = ch
	return seq
}

func removeAt(seq []int, pos int) []int {
	return append(seq[:pos], seq[pos+1:]...)
}

// neh builds each rule's order by inserting its chains, in the order given, one by
// one where the schedule is best. ok is false when the search ran out first.
func (o *orderSearch) neh(order [][]int) ([][]int, Score, bool) {
	ps := make([][]int, len(order))
	for g := range ps {
		ps[g] = []int{}
	}
	var sc Score
	for g := range order {
		for _, ch := range order[g] {
			pos, s, ok := o.bestInsert(ps, g, ch)
			if !ok {
				return nil, sc, false
			}
			ps[g] = insertAt(ps[g], pos, ch)
			sc = s
		}
	}
	return ps, sc, true
}

func clonePerms(ps [][]int) [][]int {
	out := make([][]int, len(ps))
	for g := range ps {
		out[g] = append([]int(nil), ps[g]...)
	}
	return out
}

// maxLocalChains bounds the rules whose every chain the local search reinserts
// (that costs a decode per chain and position).
const maxLocalChains = 200

// localSearch reinserts each chain of rule g, in random order, where the schedule
// is best, until a whole round improves nothing.
func (o *orderSearch) localSearch(ps [][]int, g int, sc Score) (Score, bool) {
	if len(ps[g]) > maxLocalChains {
		return sc, true
	}
	for improved := true; improved; {
		improved = false
		order := append([]int(nil), ps[g]...)
		o.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, ch := range order {
			at := indexOf(ps[g], ch)
			ps[g] = removeAt(ps[g], at)
			pos, s, ok := o.bestInsert(ps, g, ch)
			if !ok {
				ps[g] = insertAt(ps[g], at, ch)
				return sc, false
			}
			if s.Less(sc) {
				ps[g] = insertAt(ps[g], pos, ch)
				sc = s
				improved = true
			} else {
				ps[g] = insertAt(ps[g], at, ch)
			}
		}
	}
	return sc, true
}

func indexOf(seq []int, x int) int {
	for i, y := range seq {
		if y == x {
			return i
		}
	}
	return -1
}

// destroyed is how many chains an iteration takes out.
const destroyed = 4

// temperature of the acceptance: 0.4 times a tenth of the mean task duration, in
// units of the makespan's weight (Ruiz and Stützle's setting for the makespan).
func (c *compiled) temperature() float64 {
	total, n := 0, 0
	for _, t := range c.p.Tasks {
		total += t.Duration
		n++
	}
	w := c.p.Objective.Makespan
	if w <= 0 {
		w = 1
	}
	return 0.4 * float64(total) / float64(max(1, n)) / 10 * w
}

// run builds a first order by NEH (the worker's own noise) and improves it by
// iterated greedy until stopped or out of budget, offering each better schedule.
func (o *orderSearch) run(offer func(*candidate)) {
	if o.fs != nil && !noFlowShopIG {
		o.runFlow(offer) // a pure flow shop: its own iterated greedy (flowshop_ig.go)
		return
	}
	noise := 0.0
	if o.wk.index > 0 {
		noise = 0.5
	}
	cur, curSc, ok := o.neh(o.initialOrders(noise))
	if !ok {
		return
	}
	o.decode(cur)
	k := 1<<40 + o.wk.index
	offer(o.candidate(k))
	best := curSc
	for g := range cur {
		curSc, ok = o.localSearch(cur, g, curSc)
		if curSc.Less(best) {
			best = curSc
			o.decode(cur)
			offer(o.candidate(k + 32))
		}
		if !ok {
			return
		}
	}
	var movable []int // the rules with chains to reorder
	for g := range cur {
		if len(cur[g]) > 1 {
			movable = append(movable, g)
		}
	}
	if len(movable) == 0 {
		return
	}
	temp := o.c.temperature()
	for iter := 1; !o.out(); iter++ {
		g := movable[o.rng.IntN(len(movable))]
		next := clonePerms(cur)
		d := min(destroyed, len(next[g])-1)
		var taken []int
		for range d {
			at := o.rng.IntN(len(next[g]))
			taken = append(taken, next[g][at])
			next[g] = removeAt(next[g], at)
		}
		var sc Score
		for _, ch := range taken {
			pos, s, ok := o.bestInsert(next, g, ch)
			if !ok {
				return // next is incomplete
			}
			next[g] = insertAt(next[g], pos, ch)
			sc = s
		}
		sc, ok = o.localSearch(next, g, sc)
		switch {
		case sc.Less(curSc):
			cur, curSc = next, sc
		case sc.Hard == curSc.Hard && sc.Unplaced == curSc.Unplaced && temp > 0 &&
			o.rng.Float64() < math.Exp(-(sc.Soft-curSc.Soft)/temp):
			cur, curSc = next, sc
		}
		if curSc.Less(best) {
			best = curSc
			o.decode(cur)
			offer(o.candidate(k + iter*64))
		}
		if !ok {
			return
		}
	}
}
