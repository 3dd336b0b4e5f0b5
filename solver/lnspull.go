package solver

import (
	"slices"
	"sort"
)

// Toward the end bound along the resources it binds by. The end bound
// (ComputeBounds) names the set of interchangeable resources whose
// one-at-a-time windows, load or energetic reasoning proves the end: what that
// set must do between its jobs' heads and tails, counting each job's work or
// the least working time it holds (held.go). Where one of its resources idles
// between two jobs, or a job holds it beyond the least any start of that job
// holds, the schedule loses time on the resource the end waits for.
//
// The pull neighbourhood of the large-neighbourhood search (problems with
// groups and an end goal whose end bound binds by resources, not by the
// critical path): on one resource of that set, a position of its sequence of
// jobs drawn in proportion to the time lost there (the resource's working time
// idle since the previous job's end, plus what the job holds beyond the least
// it can hold), the jobs from there to the end of the sequence (up to pullMax)
// and the later works of the groups of the last few of them are taken out and
// put back in their old order without noise, the resource's jobs by least hold
// (lnshold.go), the others at their earliest: the sequence is packed left from
// the loss on, so that its last jobs, and the works of the groups that follow
// them, can come earlier. The schedule's score decides whether the result is
// kept.

// kindPull is the pull neighbourhood's kind (lns.drawKind).
const kindPull = 8

// pullOneIn: one draw in pullOneIn is the pull neighbourhood.
const pullOneIn = 8

// pullByDays: the pull's repair places its tasks by fewest days (a variant).
const pullByDays = false

// pullAhead: the group of the task that ends last comes too, put back first (a variant).
const pullAhead = false

// pullMax caps the resource's jobs the pull neighbourhood takes.
const pullMax = 40

// pullFollow: the groups of the last 1 to pullFollow jobs taken come with
// their later works.
const pullFollow = 3

// pullResources is the set of resources the end bound binds by (sorted), for
// the pull neighbourhood: nil unless the problem has groups and an end goal and
// the bound binds by resources. Computed once per solve (and beside the search
// in Solve).
func (c *compiled) pullResources() []int {
	if c.noPullMove || c.groups == 0 || c.p.Objective.Makespan <= 0 {
		return nil
	}
	c.endBindOnce.Do(func() {
		if b := c.endBound(0); b.Binding != BindPath {
			c.endBind = b.Resources
		}
	})
	return c.endBind
}

// pickPull fills the pull neighbourhood (see above) through add.
func (l *lns) pickPull(add func(int)) {
	type pos struct{ k, i, loss int }
	var seqs [][]int
	var ps []pos
	total := 0
	for k, r := range l.pullRes {
		seq := l.sequenceOn(r)
		seqs = append(seqs, seq)
		for i, loss := range l.lossesOn(r, seq) {
			if loss > 0 {
				ps = append(ps, pos{k, i, loss})
				total += loss
			}
		}
	}
	if total == 0 {
		return
	}
	x := l.rng.IntN(total)
	at := ps[len(ps)-1]
	for _, q := range ps {
		if x < q.loss {
			at = q
			break
		}
		x -= q.loss
	}
	seq := seqs[at.k]
	to := min(len(seq), at.i+pullMax)
	l.hold = l.pullRes[at.k]
	l.inOrder = true
	for _, t := range seq[at.i:to] {
		add(t)
	}
	follow := 1 + l.rng.IntN(pullFollow)
	for _, t := range seq[max(at.i, to-follow):to] {
		l.followGroup(add, t, 0)
	}
	if pullAhead {
		last, end := -1, MinTime
		for t := range l.st.pl {
			if p := l.st.pl[t]; p.Placed && l.c.p.Tasks[t].Group >= 0 && p.End > end {
				last, end = t, p.End
			}
		}
		if last >= 0 {
			l.ahead = l.c.p.Tasks[last].Group
			for _, t := range l.byGroup[l.ahead] {
				add(t)
			}
		}
	}
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

// followGroup adds the placed successors of t in t's group, and theirs, up to
// a depth of four.
func (l *lns) followGroup(add func(int), t, depth int) {
	if depth > 4 {
		return
	}
	c := l.c
	for _, a := range c.succs[t] {
		if u := a.other; c.p.Tasks[u].Group == c.p.Tasks[t].Group && l.st.pl[u].Placed {
			add(u)
			l.followGroup(add, u, depth+1)
		}
	}
}
