package solver

import (
	"slices"
	"sort"
)

// The bottleneck-first construction (issue 20). Where the end bound binds by a
// set of interchangeable resources (the one-machine relaxation with heads and
// tails, endbound.go), the end is settled by the order of that set's jobs, and
// the search fixes that order early and seldom moves it again. This
// construction starts from the relaxation's own answer: the set's jobs
// sequenced by Schrage's rule (at each moment a unit frees, the released job
// with the longest tail goes next; none released, time moves to the next head),
// heads the earliest starts from predecessors, releases and calendars
// (basicBound), tails what must follow each job's end for the schedule to end
// at the bound (the latest ends of the bound's backward pass: lags included),
// each job taking the least time it can hold its unit (held.go's leastHeld).
// The groups are then built one after the other in the order of their first
// job in that sequence, each task by fewest days, the set's jobs by least hold
// (leastHold), and each group paced to its slowest crew as the paced
// construction does (pace.go): releases before the bottleneck job's day, so
// that the group's earlier works come in a compact train just before it. It is
// one more construction of phase 1 (Solve): the search starts from it only
// where it scores better than the others.

// schrageJob is a job of a one-machine problem: its head (earliest start) and
// tail (time that must follow its end).
type schrageJob struct{ head, tail int }

// schrage sequences jobs on units identical machines by Schrage's rule: the
// unit that frees first takes, among the jobs whose head has passed, the one
// with the longest tail (ties: the earlier head, then the lower index); when
// none has, it waits for the next head. run(u, s, j) places job j on unit u
// from s and returns its start and end. It returns the jobs in the order they
// go and the start of each.
func schrage(jobs []schrageJob, units int, run func(u, s, j int) (start, end int)) (order, starts []int) {
	return schrageSlack(jobs, units, run, -1)
}

// schrageSlack is schrage; with slack >= 0 the unit takes, among the released
// jobs that run would start within slack of the earliest such start, the one
// with the longest tail (a job that cannot start soon, e.g. its household
// away, does not hold the unit idle).
func schrageSlack(jobs []schrageJob, units int, run func(u, s, j int) (start, end int), slack int) (order, starts []int) {
	n := len(jobs)
	byHead := make([]int, n)
	for j := range byHead {
		byHead[j] = j
	}
	sort.SliceStable(byHead, func(a, b int) bool { return jobs[byHead[a]].head < jobs[byHead[b]].head })
	free := make([]int, max(1, units))
	for u := range free {
		free[u] = MinTime
	}
	starts = make([]int, n)
	var ready []int
	next := 0
	for len(order) < n {
		u := 0
		for v := range free {
			if free[v] < free[u] {
				u = v
			}
		}
		now := free[u]
		if len(ready) == 0 && jobs[byHead[next]].head > now {
			now = jobs[byHead[next]].head
		}
		for next < n && jobs[byHead[next]].head <= now {
			ready = append(ready, byHead[next])
			next++
		}
		bi := -1
		soon := MaxTime
		if slack >= 0 {
			for _, j := range ready {
				s, _ := run(u, max(now, jobs[j].head), j)
				soon = min(soon, s)
			}
		}
		for i, j := range ready {
			if slack >= 0 {
				if s, _ := run(u, max(now, jobs[j].head), j); s > soon+slack {
					continue
				}
			}
			if bi < 0 {
				bi = i
				continue
			}
			b := ready[bi]
			if jobs[j].tail > jobs[b].tail || jobs[j].tail == jobs[b].tail && (jobs[j].head < jobs[b].head || jobs[j].head == jobs[b].head && j < b) {
				bi = i
			}
		}
		j := ready[bi]
		ready = slices.Delete(ready, bi, bi+1)
		s, e := run(u, max(now, jobs[j].head), j)
		starts[j] = s
		free[u] = max(e, now)
		order = append(order, j)
	}
	return order, starts
}

// bottleneckOrder is the Schrage sequence of the jobs of the set of resources
// the end bound binds by: the tasks with a demand on exactly that set, with
// each one's start in the sequence, and the earliest starts (basicBound); nil when the bound binds by the critical
// path, or the backward pass fails at the bound. For the anchored form
// (anchor.go) each job runs on its own calendar by least hold (holdRun) and
// the sequence takes a job that can start soon over a longer tail
// (schrageSlack, anchorSlack): with the crew's calendar alone the jobs'
// starts ignore the households' availability and the anchors drift
// (bench/RESULTS.md, ex25b).
func (c *compiled) bottleneckOrder() (tasks, starts, est []int) {
	set := c.bindingSet()
	if len(set) == 0 {
		return nil, nil, nil
	}
	b := c.endBound0
	_, est = c.basicBound()
	lt := newLatest(c, est)
	if !lt.backward(b.Value) {
		return nil, nil, nil
	}
	var jobs []schrageJob
	var proc []int
	for t := range c.p.Tasks {
		task := &c.p.Tasks[t]
		if task.Fixed || task.Duration == 0 {
			continue
		}
		for d, dm := range task.Demands {
			if dm.Amount == 0 || !sameSet(dm.Alternatives, set) {
				continue
			}
			tasks = append(tasks, t)
			jobs = append(jobs, schrageJob{head: est[t], tail: b.Value - lt.lct[t]})
			proc = append(proc, max(1, c.leastHeld(t, d, est[t], c.deadline[t], nil)/dm.Amount))
			break
		}
	}
	if len(tasks) < 2 {
		return nil, nil, nil
	}
	base := func(u, s, j int) (int, int) {
		st, e, ok := c.p.Resources[set[u]].Calendar.Advance(s, proc[j])
		if !ok {
			return s, s + proc[j]
		}
		return st, e
	}
	run := base
	slack := -1
	if c.anchoredFirst {
		slack = anchorSlack
		run = func(u, s, j int) (int, int) {
			if st, e, ok := c.holdRun(tasks[j], s); ok {
				return st, e
			}
			return base(u, s, j)
		}
	}
	order, at := schrageSlack(jobs, len(set), run, slack)
	seq, seqAt := make([]int, len(order)), make([]int, len(order))
	for i, j := range order {
		seq[i], seqAt[i] = tasks[j], at[j]
	}
	return seq, seqAt, est
}

// sameSet reports whether alts, in any order, is the sorted set.
func sameSet(alts, set []int) bool {
	if len(alts) != len(set) {
		return false
	}
	for _, r := range alts {
		if _, ok := slices.BinarySearch(set, r); !ok {
			return false
		}
	}
	return true
}

// bottleneckFirstApplies reports whether the bottleneck-first construction is
// one of phase 1's: a problem with groups, toward the days bound and the end.
func (c *compiled) bottleneckFirstApplies() bool {
	return !c.noBottleneckFirst && c.groups > 0 && c.towardBounds() && c.p.Objective.Makespan > 0 &&
		!c.ordered() && !c.disjunctive() && len(c.p.Tasks) > listSearchMaxTasks
}

// bottleneckGroupRanks ranks the groups by the start of their first job in the
// bottleneck sequence, the groups without one by their earliest task's
// earliest start among them; nil when there is no sequence.
func (c *compiled) bottleneckGroupRanks() (rank []float64, held []bool) {
	seq, at, est := c.bottleneckOrder()
	if seq == nil {
		return nil, nil
	}
	key := make([]int, c.groups)
	for g := range key {
		key[g] = MaxTime
	}
	for i, t := range seq {
		if g := c.p.Tasks[t].Group; g >= 0 {
			key[g] = min(key[g], at[i])
		}
	}
	for t := range c.p.Tasks {
		if g := c.p.Tasks[t].Group; g >= 0 && !c.hasJobIn(g, seq) {
			key[g] = min(key[g], est[t])
		}
	}
	// first the groups with a task held to a deadline or to a calendar that
	// closes early (heldToTime: a household's stay elsewhere), whose works must
	// come in that time whatever the crews' order
	held = make([]bool, c.groups)
	for t := range c.p.Tasks {
		if g := c.p.Tasks[t].Group; g >= 0 && len(c.spansOf[t]) == 0 && c.heldToTime(t) {
			held[g] = true
		}
	}
	order := make([]int, c.groups)
	for g := range order {
		order[g] = g
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := order[a], order[b]
		return held[x] && !held[y] || held[x] == held[y] && key[x] < key[y]
	})
	rank = make([]float64, c.groups)
	for i, g := range order {
		rank[g] = float64(i)
	}
	return rank, held
}

// hasJobIn reports whether some task of seq belongs to group g.
func (c *compiled) hasJobIn(g int, seq []int) bool {
	for _, t := range seq {
		if c.p.Tasks[t].Group == g {
			return true
		}
	}
	return false
}

// buildBottleneck makes the bottleneck-first construction (see above) as
// construction number k; nil when the end bound names no resources to
// sequence.
func (wk *worker) buildBottleneck(k int, stop func() bool) *candidate {
	c := wk.c
	rank, held := c.bottleneckGroupRanks()
	if rank == nil {
		return nil
	}
	scale := float64(max(1, c.horizonGuess()))
	for t := range wk.prio {
		v := 0.0
		if g := c.p.Tasks[t].Group; g >= 0 {
			v = rank[g]
		}
		wk.prio[t] = v + float64(c.lft[t])/scale
		if task := &c.p.Tasks[t]; task.Anchored {
			// a repair: anchored tasks first, in their old order, as in build
			wk.prio[t] = -1e6 + float64(task.AnchorStart)/scale
		}
	}
	list := c.activityList(wk.prio)
	st := wk.st
	st.hints = true
	st.fewDays = true
	if set := c.bindingSet(); len(set) == 1 {
		st.holdFirst = set[0]
	}
	if c.anchoredFirst {
		seq, at, _ := c.bottleneckOrder()
		st.constructAnchored(list, seq, at, held)
	} else {
		st.constructPaced(list, nil, stop)
	}
	st.fewDays, st.holdFirst = false, -1
	pl := make([]Placement, len(st.pl))
	copy(pl, st.pl)
	mode := append([]int(nil), st.mode...)
	sc, tm := st.scoreTerms()
	return &candidate{pl: pl, mode: mode, score: sc, terms: tm, k: k}
}

// anchorSlack is how much later than the soonest released job's start the
// anchored form's sequence may start a job with a longer tail (schrageSlack).
const anchorSlack = 10080

// holdRun is where task t, started at or after s in its first mode, holds its
// resources least beyond its work (as state.leastHold, without the other
// tasks): its earliest start on its own calendar (e.g. a household's
// availability), or a later piece's start before that earliest end.
func (c *compiled) holdRun(t, s int) (int, int, bool) {
	if len(c.modes[t]) == 0 {
		return 0, 0, false
	}
	cal, d := c.modes[t][0].cal, c.p.Tasks[t].Duration
	bs, be, ok := cal.Advance(s, d)
	if !ok || c.p.Tasks[t].Contiguous {
		return bs, be, ok
	}
	held, e0 := c.heldAll(t, 0, bs, be), be
	var arr [maxWalk]int
	idx := arr[:min(len(cal.cs), maxWalk)]
	p, more := cal.pieceFrom(bs, idx)
	for k := 0; k < holdTries && held > 0 && more; k++ {
		if p, more = cal.pieceFrom(p.End, idx); !more || p.Start >= e0 {
			break
		}
		s2, e2, ok2 := cal.Advance(p.Start, d)
		if !ok2 {
			continue
		}
		if h := c.heldAll(t, 0, s2, e2); h < held || h == held && e2 < be {
			bs, be, held = s2, e2, h
		}
	}
	return bs, be, true
}
