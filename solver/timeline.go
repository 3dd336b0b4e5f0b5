package solver

import "sort"

// timeline is a resource's use over time. Unary resources keep a sorted list of
// disjoint busy intervals; cumulative ones a step profile of their usage.
type timeline struct {
	capacity int
	// unary
	busy []busy
	// cumulative: usage holds from steps[i].t until steps[i+1].t; steps[0].t is MinTime.
	steps []step
}

type busy struct {
	s, e, task int
}

type step struct {
	t, use int
}

func newTimeline(capacity int) *timeline {
	tl := &timeline{capacity: capacity}
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
			for k+1 < len(tl.busy) && tl.busy[k+1].s-tl.busy[k].e < max(minLen, 1) {
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

// add books amt units over [s, e) for task.
func (tl *timeline) add(s, e, amt, task int) {
	if e <= s || amt == 0 {
		return
	}
	if tl.capacity == 1 {
		i := sort.Search(len(tl.busy), func(i int) bool { return tl.busy[i].s >= s })
		tl.busy = append(tl.busy, busy{})
		copy(tl.busy[i+1:], tl.busy[i:])
		tl.busy[i] = busy{s, e, task}
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
