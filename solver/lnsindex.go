package solver

import (
	"slices"
	"sort"
)

// The window and tail neighbourhoods of the large-neighbourhood search take the
// tasks starting nearest a time and the tasks ending last. Read off every task,
// each such step cost the whole operation (12,000 tasks at 1,000 dwellings for
// some 30 taken); the state files its placed tasks by start and by end in buckets
// of equal width instead (timeIndex, kept by place and unplace once the search
// starts), and the pickers read the few buckets they need. The tasks taken are
// the same: the first of the same total orders (distance then index; end, latest
// first, then index).

// timeIndex files tasks by a time of theirs in buckets of width 1<<shift from
// base (the first and last buckets take the times before and after).
type timeIndex struct {
	base, shift int
	buckets     [][]int
	at, pos     []int // per task: its bucket (-1: not filed) and its place there
}

// newTimeIndex is an empty index of n tasks for times mostly within [lo, hi].
func newTimeIndex(n, lo, hi int) *timeIndex {
	nb := max(16, n/8)
	shift := 0
	for (hi-lo)>>shift >= nb {
		shift++
	}
	x := &timeIndex{base: lo, shift: shift, buckets: make([][]int, nb), at: make([]int, n), pos: make([]int, n)}
	for t := range x.at {
		x.at[t] = -1
	}
	return x
}

// bucketOf is the bucket of time v.
func (x *timeIndex) bucketOf(v int) int {
	if v < x.base {
		return 0
	}
	return min((v-x.base)>>x.shift, len(x.buckets)-1)
}

// gap is how far time v lies from bucket b's times at least (0 inside).
func (x *timeIndex) gap(b, v int) int {
	switch b0 := x.bucketOf(v); {
	case b < b0:
		return v - (x.base + (b+1)<<x.shift - 1)
	case b > b0:
		return x.base + b<<x.shift - v
	}
	return 0
}

func (x *timeIndex) add(t, v int) {
	b := x.bucketOf(v)
	x.at[t], x.pos[t] = b, len(x.buckets[b])
	x.buckets[b] = append(x.buckets[b], t)
}

func (x *timeIndex) remove(t int) {
	b := x.at[t]
	if b < 0 {
		return
	}
	bs := x.buckets[b]
	last := bs[len(bs)-1]
	bs[x.pos[t]], x.pos[last] = last, x.pos[t]
	x.buckets[b] = bs[:len(bs)-1]
	x.at[t] = -1
}

// fileTimes files the placed tasks by start and by end (st.starts, st.ends),
// which place and unplace then keep.
func (st *state) fileTimes() {
	lo, hi := MaxTime, MinTime
	for t := range st.pl {
		if p := &st.pl[t]; p.Placed {
			lo, hi = min(lo, p.Start), max(hi, p.End)
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	st.starts, st.ends = newTimeIndex(len(st.pl), lo, hi), newTimeIndex(len(st.pl), lo, hi)
	for t := range st.pl {
		if p := &st.pl[t]; p.Placed {
			st.starts.add(t, p.Start)
			st.ends.add(t, p.End)
		}
	}
}

// nearestStarts is the k placed tasks that add would take (not fixed, not taken)
// starting nearest at, nearest first, then by index: the buckets are read from
// at's outwards, nearest first, until the next cannot hold a task as near as the
// k-th found.
func (l *lns) nearestStarts(at, k int) []keyedTask {
	if k <= 0 {
		return nil
	}
	x := l.st.starts
	ds := l.keyed[:0]
	read := func(b int) {
		for _, t := range x.buckets[b] {
			if !l.c.p.Tasks[t].Fixed && !l.inR[t] {
				d := l.st.pl[t].Start - at
				if d < 0 {
					d = -d
				}
				ds = append(ds, keyedTask{t, d})
			}
		}
	}
	b0 := x.bucketOf(at)
	read(b0)
	lo, hi := b0-1, b0+1
	bound := MaxTime // the k-th distance, once k are read
	for lo >= 0 || hi < len(x.buckets) {
		if bound == MaxTime && len(ds) >= k {
			bound = l.kthKey(ds, k)
		}
		b := hi
		if hi >= len(x.buckets) || lo >= 0 && x.gap(lo, at) <= x.gap(hi, at) {
			b = lo
		}
		if x.gap(b, at) > bound {
			break
		}
		read(b)
		if b == lo {
			lo--
		} else {
			hi++
		}
	}
	l.keyed = ds
	return smallestK(ds, k, func(a, b keyedTask) bool { return a.k < b.k || a.k == b.k && a.t < b.t })
}

// kthKey is the k-th smallest key of ds (k >= 1, len(ds) >= k).
func (l *lns) kthKey(ds []keyedTask, k int) int {
	ks := l.tasks[:0]
	for _, d := range ds {
		ks = append(ks, d.k)
	}
	l.tasks = ks
	sort.Ints(ks)
	return ks[k-1]
}

// lastEnds calls visit with the placed tasks by end, latest first, then by
// index, from the one of rank skip (0: the last), until visit returns false.
func (l *lns) lastEnds(skip int, visit func(t int) bool) {
	x := l.st.ends
	rank := 0
	for b := len(x.buckets) - 1; b >= 0; b-- {
		bs := x.buckets[b]
		if rank+len(bs) <= skip {
			rank += len(bs)
			continue
		}
		es := l.keyed[:0]
		for _, t := range bs {
			es = append(es, keyedTask{t, l.st.pl[t].End})
		}
		l.keyed = es
		sort.Slice(es, func(i, j int) bool { return es[i].k > es[j].k || es[i].k == es[j].k && es[i].t < es[j].t })
		for i := max(0, skip-rank); i < len(es); i++ {
			if !visit(es[i].t) {
				return
			}
		}
		rank += len(bs)
	}
}

// justBefore is the placed task of a group listed under resource r (byRes)
// that starts last before time at, the first by index among those starting
// then (-1: none): the buckets of starts are read down from at's until one
// holds such a task (those below start before all of its).
func (l *lns) justBefore(r, at int) int {
	x := l.st.starts
	prev, start := -1, MinTime
	for b := x.bucketOf(at); b >= 0 && prev < 0; b-- {
		for _, v := range x.buckets[b] {
			pv := &l.st.pl[v]
			if pv.Start >= at || pv.Start < start || l.c.p.Tasks[v].Group < 0 || !slices.Contains(l.resOf[v], r) {
				continue
			}
			if pv.Start > start || v < prev {
				prev, start = v, pv.Start
			}
		}
	}
	return prev
}
