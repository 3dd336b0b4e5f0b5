package solver

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// The paced construction (issue 20, item 3 at scale). Dwelling by dwelling, each
// task at its earliest, every trade's crews run their own train through the
// dwellings at their own pace: the fast trades run ahead, the slow ones behind,
// and a dwelling's works spread over weeks with a day to themselves for each
// trade. Here each group's run of the list is placed, then placed again with a
// later common release (every task of the group starts no earlier) while that
// makes the group touch fewer days without ending later: the trades before the
// slow one wait for it, and the whole train goes through the dwelling on shared
// days. The later groups, placed after, find the crews' earlier time free.
// Last, the group's train is set to its bottleneck, line-of-balance style
// (paceToBottleneck): releases on and before the first free day of the slowest
// crews it met, so that the trades ahead can come in a compact train just
// before them (a release never after that day leaves them that time).

// paceTries bounds the releases tried for one group.
const paceTries = 8

// constructPaced is construct over list for the paced construction: list is
// group-major (a group's tasks in one run); each run is paced (paceGroup). The
// releases stay on the groups' tasks only for the construction.
func (st *state) constructPaced(list []int, rng *rand.Rand, stop func() bool) {
	c := st.c
	st.placeFixed()
	sc := newSGSScratch(c, list)
	st.release = make([]int, len(c.p.Tasks))
	defer func() { st.release = nil }()
	for a := 0; a < len(list); {
		g := c.p.Tasks[list[a]].Group
		b := a + 1
		for g >= 0 && b < len(list) && c.p.Tasks[list[b]].Group == g {
			b++
		}
		sc.low = a
		st.constructRange(list, a, b, sc, rng, stop)
		if stop != nil && stop() {
			st.leaveTimedOut(list[b:])
			return
		}
		if g >= 0 && sc.low >= a {
			st.paceGroup(list, a, b, sc, rng)
		}
		a = b
	}
}

// paceGroup paces group g, whose tasks list[a:b] are placed (or, when the
// crews the earlier groups were paced to leave it no room, placed again later,
// unblockRun): later releases for the whole group, each its first start moved
// on by one of the waits and gaps of its chain (paceShifts), the longest first;
// a release is kept when the group touches fewer days (or as many, ending
// earlier) without ending later than at first, and the next ones are tried
// from there. Then the releases around the slowest crew's job
// (paceToBottleneck).
func (st *state) paceGroup(list []int, a, b int, sc *sgsScratch, rng *rand.Rand) {
	c := st.c
	run := list[a:b]
	g := c.p.Tasks[run[0]].Group
	days, end, ok := st.runDays(run, g)
	if !ok {
		if days, end, ok = st.unblockRun(list, a, b, sc, rng); !ok {
			return
		}
	}
	pc := &paceRun{list: list, a: a, b: b, g: g, sc: sc, rng: rng, end0: end, days: days, end: end, saved: st.saveRun(run)}
	bt, bday := st.bottleneckOf(run)
	st.shiftRun(pc)
	st.paceToBottleneck(pc, bt, bday)
}

// shiftRun tries the releases of paceGroup, each the group's first start moved
// on by one of its waits and gaps (paceShifts), the longest first, from the
// last kept, up to paceTries in all.
func (st *state) shiftRun(pc *paceRun) {
	c := st.c
	run := pc.list[pc.a:pc.b]
	for tries := 0; tries < paceTries; {
		improved := false
		first := MaxTime
		for _, t := range run {
			first = min(first, st.pl[t].Start)
		}
		for _, w := range st.paceShifts(run) {
			if tries >= paceTries {
				break
			}
			tries++
			r := st.dayStart(c.dayOf(first) + w)
			if r >= MaxTime {
				continue
			}
			if improved = st.tryRun(pc, r); improved || pc.stop {
				break
			}
		}
		if !improved || pc.stop {
			break
		}
	}
}

// paceRun is one group's pacing: its run list[a:b] and the scratch of the
// construction, the group's end when first placed (end0), the best days and
// end so far and their placements; stop: a backjump went back before the
// group, whose schedule then stays.
type paceRun struct {
	list      []int
	a, b, g   int
	sc        *sgsScratch
	rng       *rand.Rand
	end0      int
	days, end int
	saved     []runPlacement
	stop      bool
}

// tryRun places the run again with the release r for each of its tasks and
// keeps it if the group touches fewer days, or as many ending earlier,
// without ending after pc.end0; otherwise it puts the best placement back.
func (st *state) tryRun(pc *paceRun, r int) bool {
	run := pc.list[pc.a:pc.b]
	old := make([]int, len(run))
	st.unplaceRun(run)
	for i, t := range run {
		old[i], st.release[t] = st.release[t], r
	}
	pc.sc.low = pc.a
	st.constructRange(pc.list, pc.a, pc.b, pc.sc, pc.rng, nil)
	if pc.sc.low < pc.a {
		pc.stop = true
		return false
	}
	days, end, ok := st.runDays(run, pc.g)
	if ok && end <= pc.end0 && (days < pc.days || days == pc.days && end < pc.end) {
		pc.days, pc.end = days, end
		pc.saved = st.saveRun(run)
		return true
	}
	for i, t := range run {
		st.release[t] = old[i]
	}
	st.restoreRun(run, pc.saved)
	return false
}

// paceBackDays bounds how many days before the start day of the group's
// bottleneck job (bottleneckOf) the group's release is tried at
// (paceToBottleneck).
const paceBackDays = 12

// bottleneckOf is the task of the run, as first placed (at its earliest, the
// earlier groups' jobs in place), that waits the most days after its
// predecessors and release allow: the job of the slowest crews this group
// meets, at their first free time; -1 when no task waits.
func (st *state) bottleneckOf(run []int) (bt, day int) {
	c := st.c
	bt, most := -1, 0
	for _, t := range run {
		if est, ok, _ := st.earliestFromPreds(t); ok {
			if w := c.dayOf(st.pl[t].Start) - c.dayOf(max(est, st.release[t])); w > most {
				bt, most = t, w
			}
		}
	}
	if bt < 0 {
		return -1, 0
	}
	return bt, c.dayOf(st.pl[bt].Start)
}

// paceToBottleneck is the line-of-balance step of the pacing: the group's train
// set to the bottleneck's rhythm. The whole group is placed again from releases
// on the bottleneck job's first start day and on each of the paceBackDays days
// before it, so that the trades ahead of it come in a compact train just before
// the slowest crews' free time (which the release, never later than that day,
// leaves them), with the same rule as paceGroup's: kept when the group touches
// fewer days (or as many, ending earlier) without ending later than at first.
func (st *state) paceToBottleneck(pc *paceRun, bt, day int) {
	if bt < 0 || st.noBottleneck {
		return
	}
	for k := 0; k <= paceBackDays && day-k >= 0 && !pc.stop; k++ {
		if r := st.dayStart(day - k); r < MaxTime {
			st.tryRun(pc, r)
		}
	}
}

// paceShifts are the distinct positive numbers of days, longest first, that a
// task of the run waits after its earliest start (its placed predecessors and
// the group's release) or that separate the end of a task of the run from the
// start of a successor's.
func (st *state) paceShifts(run []int) []int {
	c := st.c
	var ws []int
	for _, t := range run {
		p := st.pl[t]
		if est, ok, _ := st.earliestFromPreds(t); ok {
			if w := c.dayOf(p.Start) - c.dayOf(max(est, st.release[t])); w > 0 {
				ws = append(ws, w)
			}
		}
		for _, a := range c.succs[t] {
			if q := st.pl[a.other]; q.Placed && c.p.Tasks[a.other].Group == c.p.Tasks[t].Group {
				if w := c.dayOf(q.Start) - c.dayOf(p.End-1) - 1; w > 0 {
					ws = append(ws, w)
				}
			}
		}
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	slices.Reverse(ws)
	return ws
}

// runDays is the number of days group g touches, the latest end of the run's
// tasks, and whether they are all placed.
func (st *state) runDays(run []int, g int) (days, end int, ok bool) {
	end = MinTime
	for _, t := range run {
		if !st.pl[t].Placed {
			return 0, 0, false
		}
		end = max(end, st.pl[t].End)
	}
	return len(st.groupDays(g)), end, true
}

type runPlacement struct {
	pl   Placement
	mode int
}

func (st *state) saveRun(run []int) []runPlacement {
	out := make([]runPlacement, len(run))
	for i, t := range run {
		out[i] = runPlacement{st.pl[t], st.mode[t]}
	}
	return out
}

func (st *state) unplaceRun(run []int) {
	for _, t := range run {
		if st.pl[t].Placed && !st.c.p.Tasks[t].Fixed {
			st.unplace(t)
		}
	}
}

func (st *state) restoreRun(run []int, saved []runPlacement) {
	st.unplaceRun(run)
	for i, t := range run {
		if p := saved[i].pl; p.Placed && !st.c.p.Tasks[t].Fixed {
			st.place(t, saved[i].mode, p.Start, p.End)
		} else if !p.Placed {
			st.pl[t] = p
		}
	}
}

// unblockRun places the group of list[a:b], not all placed, again from later
// releases (a week on, then two, four, ... from its earliest placed start) until
// all its tasks are placed; ok is false, the run left as placed at first, when
// none does within paceTries.
func (st *state) unblockRun(list []int, a, b int, sc *sgsScratch, rng *rand.Rand) (days, end int, ok bool) {
	c := st.c
	run := list[a:b]
	g := c.p.Tasks[run[0]].Group
	first := MaxTime
	for _, t := range run {
		if st.pl[t].Placed {
			first = min(first, st.pl[t].Start)
		}
	}
	if first == MaxTime {
		return 0, 0, false
	}
	saved := st.saveRun(run)
	for i, w := 0, 7; i < paceTries; i, w = i+1, 2*w {
		r := st.dayStart(c.dayOf(first) + w)
		if r >= MaxTime {
			break
		}
		st.unplaceRun(run)
		for _, t := range run {
			st.release[t] = r
		}
		sc.low = a
		st.constructRange(list, a, b, sc, rng, nil)
		if sc.low < a {
			return 0, 0, false
		}
		if days, end, ok = st.runDays(run, g); ok {
			return days, end, true
		}
	}
	for _, t := range run {
		st.release[t] = 0
	}
	st.restoreRun(run, saved)
	return 0, 0, false
}

// pacedMinGroups: from this many groups on, construction rule 2 is paced
// (pace.go) instead of earliest start. On 1,000 generated dwellings the
// earliest-start rule left 223-415 tasks out, and half of phase 1's time was
// spent on it; on the bundled example (60 dwellings) it places everything
// (bench/RESULTS.md, days22).
const pacedMinGroups = 200

// pacedRanks are the groups' ranks for the paced construction: first the
// groups with a task held in time (heldToTime: a dwelling whose water may be
// cut only a few days running, a household's stay elsewhere), placed at their
// earliest before the crews are paced to the others; each group's rank plus noise times
// a draw of up to 10 groups, ranked again (whole numbers, so that a group's
// tasks, a rank plus less than one apart, stay together).
func (c *compiled) pacedRanks(rank []int, noise float64, rng *rand.Rand) []float64 {
	key := make([]float64, len(rank))
	order := make([]int, len(rank))
	for g := range rank {
		key[g] = float64(rank[g])
		if noise > 0 {
			key[g] += noise * rng.Float64() * 10
		}
		order[g] = g
	}
	held := make([]bool, len(rank))
	for t := range c.p.Tasks {
		if g := c.p.Tasks[t].Group; g >= 0 && !held[g] && c.heldToTime(t) {
			held[g] = true
			key[g] -= float64(2*len(rank) + 20) // before every group not held
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return key[order[i]] < key[order[j]] })
	out := make([]float64, len(rank))
	for i, g := range order {
		out[g] = float64(i)
	}
	return out
}

// heldToTime reports whether task t is held to a span, a deadline, or a
// calendar that closes before the last heldDays days of the horizon.
func (c *compiled) heldToTime(t int) bool {
	task := &c.p.Tasks[t]
	if len(c.spansOf[t]) > 0 || task.Deadline > 0 {
		return true
	}
	ws := task.Calendar.Windows()
	ds := c.p.DayStarts
	return c.p.Horizon > 0 && len(ws) > 0 && len(ds) > heldDays && ws[len(ws)-1].End < ds[len(ds)-heldDays]
}

// heldDays: a calendar that closes before the horizon's last week holds a task
const heldDays = 7
