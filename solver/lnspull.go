package solver

import (
	"slices"
	"sort"
)

// Toward the end bound along the resources it binds by, keeping each
// dwelling's days shared. The end bound (ComputeBounds) names the set of
// interchangeable resources whose one-at-a-time windows, load or energetic
// reasoning proves the end. Where one of its resources idles between two jobs,
// or a job holds it beyond the least any start of that job holds, the schedule
// loses time on the resource the end waits for.
//
// The dwelling pull neighbourhood of the large-neighbourhood search (problems
// with groups and an end goal whose end bound binds by resources, not by the
// critical path): on one resource of that set, a position of its sequence of
// jobs drawn in proportion to the time lost there (the resource's working time
// idle since the previous job's end, plus what the job holds beyond the least
// it can hold); the jobs of a few groups adjacent in that sequence from there
// on, each with the whole of its group's movable tasks, are taken out. The
// repair puts the resource's jobs back first (after their own predecessors),
// in their old order, by least hold (lnshold.go), packed as early as they go;
// then the groups' other tasks by fewest days (lnsbounds.go), so that a
// dwelling's works move with its job and keep sharing days. (Pulling the jobs
// alone, with the later works of a few of them, was tried on branch ex20: a job
// pulled earlier left the day it shared with its dwelling's other works, and
// the days got worse; bench/RESULTS.md.) The schedule's score decides whether
// the result is kept.

// kindPull is the dwelling pull neighbourhood's kind (lns.drawKind).
const kindPull = 8

// pullOneIn: one draw in pullOneIn is the dwelling pull neighbourhood.
const pullOneIn = 8

// pullGroupsMax caps the groups the dwelling pull neighbourhood takes: 1 to
// pullGroupsMax, drawn.
const pullGroupsMax = 3

// pullResources is the set of resources the end bound binds by (sorted), for
// the dwelling pull neighbourhood: nil unless the problem has groups and an
// end goal and the bound binds by resources. Computed once per solve (and
// beside the search in Solve).
func (c *compiled) pullResources() []int {
	if c.noPullMove || c.groups == 0 || c.p.Objective.Makespan <= 0 {
		return nil
	}
	return c.bindingSet()
}

// bindingSet is the set of resources the end bound, computed without a known
// end, binds by (nil when the critical path binds); computed once.
func (c *compiled) bindingSet() []int {
	c.endBindOnce.Do(func() {
		c.endBound0 = c.endBound(0)
		if c.endBound0.Binding != BindPath {
			c.endBind = c.endBound0.Resources
		}
	})
	return c.endBind
}

// pickPull fills the dwelling pull neighbourhood (see above) through add.
func (l *lns) pickPull(add func(int)) {
	r := l.pullRes[l.rng.IntN(len(l.pullRes))]
	seq := l.sequenceOn(r)
	if len(seq) == 0 {
		return
	}
	i := l.drawLoss(l.lossesOn(r, seq))
	want := 1 + l.rng.IntN(pullGroupsMax)
	l.hold = r
	taken := 0
	for _, t := range seq[i:] {
		if taken >= want {
			break
		}
		g := l.c.p.Tasks[t].Group
		if g < 0 || l.pullG[g] || l.c.p.Tasks[t].Fixed {
			continue
		}
		l.pullG[g] = true
		l.pulled = append(l.pulled, g)
		l.front = append(l.front, t)
		taken++
		add(t)
		for _, u := range l.byGroup[g] {
			add(u)
		}
	}
}

// drawLoss draws a position in proportion to losses (uniformly when none).
func (l *lns) drawLoss(losses []int) int {
	total := 0
	for _, x := range losses {
		total += x
	}
	if total == 0 {
		return l.rng.IntN(len(losses))
	}
	x := l.rng.IntN(total)
	for i, y := range losses {
		if x < y {
			return i
		}
		x -= y
	}
	return len(losses) - 1
}

// clearPull forgets the last dwelling pull's groups and first tasks.
func (l *lns) clearPull() {
	for _, g := range l.pulled {
		l.pullG[g] = false
	}
	l.pulled = l.pulled[:0]
	l.front = l.front[:0]
}

// sequenceOn is the placed tasks whose mode uses resource r, by start.
func (l *lns) sequenceOn(r int) []int {
	var seq []int
	for _, t := range l.byRes[r] {
		if p := l.st.pl[t]; p.Placed && l.st.mode[t] >= 0 && l.modeUses(t, l.st.mode[t], r) {
			seq = append(seq, t)
		}
	}
	sort.Slice(seq, func(i, j int) bool {
		a, b := l.st.pl[seq[i]].Start, l.st.pl[seq[j]].Start
		return a < b || a == b && seq[i] < seq[j]
	})
	return seq
}

// modeUses reports whether mode m of t uses resource r.
func (l *lns) modeUses(t, m, r int) bool {
	for _, u := range l.c.modes[t][m].use {
		if u.r == r {
			return true
		}
	}
	return false
}

// lossesOn is, for each task of seq (resource r's sequence), the time r loses
// there: its working time idle between the end of the earlier tasks and the
// task's start, and what the task holds beyond the least it can hold.
func (l *lns) lossesOn(r int, seq []int) []int {
	cal := l.c.p.Resources[r].Calendar
	out := make([]int, len(seq))
	prevEnd := MinTime
	for i, t := range seq {
		p := l.st.pl[t]
		out[i] = max(0, l.c.heldBeyond(r, t, l.st.mode[t], p.Start, p.End)-l.leastBeyond(t, r))
		if i > 0 && p.Start > prevEnd {
			if cal == nil {
				out[i] += p.Start - prevEnd
			} else {
				out[i] += cal.Work(prevEnd, p.Start)
			}
		}
		prevEnd = max(prevEnd, p.End)
	}
	return out
}

// leastBeyond is the least working time of r that t holds beyond its work,
// whatever its start from its earliest (without resources) to its deadline;
// computed once per task.
func (l *lns) leastBeyond(t, r int) int {
	if l.minHeld == nil {
		l.minHeld = map[int]int{}
	}
	if h, ok := l.minHeld[t]; ok {
		return h
	}
	c := l.c
	h := 0
	for d, dm := range c.p.Tasks[t].Demands {
		if dm.Amount > 0 && c.heldTask(t, d) && slices.Contains(dm.Alternatives, r) {
			h = max(0, c.leastHeld(t, d, c.est[t], c.deadline[t], nil)-c.p.Tasks[t].Duration*dm.Amount)
			break
		}
	}
	l.minHeld[t] = h
	return h
}
