package solver

import "sort"

// timeline is a resource's use over time. Unary resources keep a sorted list of
// disjoint busy intervals; cumulative ones a step profile of their usage.
type timeline struct {
	capacity int
	// cal is the resource's calendar (nil: always open); a unary timeline keeps
	// the working time before each busy interval's ends (busy.ws, busy.we)
	cal *Calendar
	// unary
	busy []busy
	// cumulative: usage holds from steps[i].t until steps[i+1].t; steps[0].t is MinTime.
	steps []step
}

type busy struct {
	s, e, task int
	// ws, we: the calendar's working time before s and before e (s and e
	// themselves without a calendar), so that a gap's working time costs nothing
	ws, we int
}

type step struct {
	t, use int
}

func newTimeline(capacity int, cal *Calendar) *timeline {
	tl := &timeline{capacity: capacity, cal: cal}
	if capacity > 1 {
		tl.steps = []step{{MinTime, 0}}
	}
	return tl
}

func (tl *timeline) reset() {
	tl.busy = tl.busy[:0]
	if tl.capacity > 1 {
		tl.steps = append(tl.steps[:0], step{MinTime, 0})
	}
}

// conflict reports whether amt units over [s, e) exceed the capacity; if so, next
// is a later start worth trying (no start in (s, next) can succeed while e grows
// with s), and task is one task in the way (-1 for cumulative resources).
//
// minLen is a length below which no task could fit (its duration: working time
// never exceeds elapsed time): gaps shorter than it are skipped at once.
func (tl *timeline) conflict(s, e, amt, minLen int) (bad bool, next int, task int) {
	return tl.conflictGaps(s, e, amt, minLen, false)
}

// conflictGaps is conflict; with work, for a task that holds the resource over
// its whole [s, e) and whose calendar is met with the resource's (a mode's held
// use, minLen its working time), the gaps of a unary timeline holding less than
// minLen of the resource's working time are skipped at once too (a night between
// two jobs of a crew: the task cannot fit there), so that a walk through a busy
// crew's weeks takes one step, not one a job.
func (tl *timeline) conflictGaps(s, e, amt, minLen int, work bool) (bad bool, next int, task int) {
	if e <= s || amt == 0 {
		return false, 0, -1
	}
	if tl.capacity == 1 {
		// the first busy interval ending after s (sort.Search written out: this
		// runs for every start the placement tries)
		i, hi := 0, len(tl.busy)
		for i < hi {
			h := int(uint(i+hi) >> 1)
			if tl.busy[h].e > s {
				hi = h
			} else {
				i = h + 1
			}
		}
		if i < len(tl.busy) && tl.busy[i].s < e {
			k := i
			gap := max(minLen, 1)
			for k+1 < len(tl.busy) && (tl.busy[k+1].s-tl.busy[k].e < gap || work && tl.busy[k+1].ws-tl.busy[k].we < minLen) {
				k++
			}
			return true, tl.busy[k].e, tl.busy[i].task
		}
		return false, 0, -1
	}
	lo, hi := 0, len(tl.steps)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if tl.steps[h].t > s {
			hi = h
		} else {
			lo = h + 1
		}
	}
	for i := lo - 1; i < len(tl.steps) && tl.steps[i].t < e; i++ {
		if tl.steps[i].use+amt > tl.capacity {
			if i+1 < len(tl.steps) {
				return true, tl.steps[i+1].t, -1
			}
			return true, MaxTime, -1
		}
	}
	return false, 0, -1
}

// workBefore is the calendar's working time before t (t without a calendar).
func (tl *timeline) workBefore(t int) int {
	if tl.cal == nil {
		return t
	}
	return tl.cal.workBefore(t)
}

// add books amt units over [s, e) for task.
func (tl *timeline) add(s, e, amt, task int) {
	if e <= s || amt == 0 {
		return
	}
	if tl.capacity == 1 {
		i := sort.Search(len(tl.busy), func(i int) bool { return tl.busy[i].s >= s })
		tl.busy = append(tl.busy, busy{})
		copy(tl.busy[i+1:], tl.busy[i:])
		tl.busy[i] = busy{s, e, task, tl.workBefore(s), tl.workBefore(e)}
		return
	}
	tl.change(s, e, amt)
}

// remove undoes add.
func (tl *timeline) remove(s, e, amt, task int) {
	if e <= s || amt == 0 {
		return
	}
	if tl.capacity == 1 {
		i := sort.Search(len(tl.busy), func(i int) bool { return tl.busy[i].s >= s })
		for ; i < len(tl.busy) && tl.busy[i].s == s; i++ {
			if tl.busy[i].task == task {
				tl.busy = append(tl.busy[:i], tl.busy[i+1:]...)
				return
			}
		}
		return
	}
	tl.change(s, e, -amt)
}

func (tl *timeline) split(t int) int {
	i := sort.Search(len(tl.steps), func(i int) bool { return tl.steps[i].t >= t })
	if i < len(tl.steps) && tl.steps[i].t == t {
		return i
	}
	tl.steps = append(tl.steps, step{})
	copy(tl.steps[i+1:], tl.steps[i:])
	tl.steps[i] = step{t, tl.steps[i-1].use}
	return i
}

func (tl *timeline) change(s, e, d int) {
	i := tl.split(s)
	j := tl.split(e)
	for k := i; k < j; k++ {
		tl.steps[k].use += d
	}
	// merge equal neighbours around the changed stretch
	lo := max(1, i)
	hi := min(len(tl.steps)-1, j+1)
	out := tl.steps[:lo]
	for k := lo; k < len(tl.steps); k++ {
		if k <= hi && tl.steps[k].use == out[len(out)-1].use {
			continue
		}
		out = append(out, tl.steps[k])
	}
	tl.steps = out
}
