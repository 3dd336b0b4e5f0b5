package solver

import (
	"sort"
)

// Window is a half-open stretch of time [Start, End) in the problem's time unit
// (minutes from the operation's epoch for rehabplan; unit-less for benchmarks).
type Window struct {
	Start, End int
}

// Len is End-Start.
func (w Window) Len() int { return w.End - w.Start }

// Calendar is a set of time windows, kept sorted, disjoint and merged, with the
// prefix sums of their lengths so that calendar-duration questions ("a job of d
// working units starting at t ends when?") are binary searches.
//
// A nil *Calendar is the calendar that is always open; every method accepts it.
type Calendar struct {
	w   []Window
	cum []int // cum[i] = total length of w[:i]; len(cum) == len(w)+1
}

// MaxTime is later than any time of a problem; MinTime earlier.
const (
	MaxTime = 1 << 50
	MinTime = -(1 << 50)
)

// NewCalendar builds a calendar from windows in any order; empty windows are dropped,
// overlapping or touching ones merged. NewCalendar(nil) is the never-open calendar
// (not nil: nil means always open).
func NewCalendar(ws []Window) *Calendar {
	v := make([]Window, 0, len(ws))
	for _, w := range ws {
		if w.End > w.Start {
			v = append(v, w)
		}
	}
	sort.Slice(v, func(i, j int) bool { return v[i].Start < v[j].Start })
	out := v[:0]
	for _, w := range v {
		if n := len(out); n > 0 && w.Start <= out[n-1].End {
			if w.End > out[n-1].End {
				out[n-1].End = w.End
			}
			continue
		}
		out = append(out, w)
	}
	return fromSorted(out)
}

func fromSorted(w []Window) *Calendar {
	c := &Calendar{w: w, cum: make([]int, len(w)+1)}
	for i, x := range w {
		c.cum[i+1] = c.cum[i] + x.Len()
	}
	return c
}

// Windows returns the calendar's windows; nil for the always-open calendar. The
// slice must not be modified.
func (c *Calendar) Windows() []Window {
	if c == nil {
		return nil
	}
	return c.w
}

// IsAlways reports whether c is the always-open calendar.
func (c *Calendar) IsAlways() bool { return c == nil }

// Intersect returns the times open in both calendars.
func Intersect(a, b *Calendar) *Calendar {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := make([]Window, 0, min(len(a.w), len(b.w)))
	i, j := 0, 0
	for i < len(a.w) && j < len(b.w) {
		s := max(a.w[i].Start, b.w[j].Start)
		e := min(a.w[i].End, b.w[j].End)
		if s < e {
			out = append(out, Window{s, e})
		}
		if a.w[i].End < b.w[j].End {
			i++
		} else {
			j++
		}
	}
	return fromSorted(out)
}

// Subtract returns the times of c outside every window of holes.
func Subtract(c *Calendar, holes []Window) *Calendar {
	h := NewCalendar(holes)
	if len(h.w) == 0 {
		return c
	}
	base := c
	if base == nil {
		base = &Calendar{w: []Window{{MinTime, MaxTime}}}
	}
	out := make([]Window, 0, len(base.w)+len(h.w))
	j := 0
	for _, w := range base.w {
		s := w.Start
		for j < len(h.w) && h.w[j].End <= s {
			j++
		}
		k := j
		for k < len(h.w) && h.w[k].Start < w.End {
			if h.w[k].Start > s {
				out = append(out, Window{s, h.w[k].Start})
			}
			if h.w[k].End > s {
				s = h.w[k].End
			}
			k++
		}
		if s < w.End {
			out = append(out, Window{s, w.End})
		}
	}
	return fromSorted(out)
}

// Clip returns c restricted to [from, to).
func Clip(c *Calendar, from, to int) *Calendar {
	return Intersect(c, fromSorted([]Window{{from, to}}))
}

// find returns the index of the first window whose End > t.
func (c *Calendar) find(t int) int {
	return c.search(t, 0, len(c.w))
}

// search is the first index in [lo, hi) whose window ends after t (hi if none),
// the windows before lo ending at or before t: sort.Search written out, this
// being the innermost loop of every placement.
func (c *Calendar) search(t, lo, hi int) int {
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if c.w[h].End > t {
			hi = h
		} else {
			lo = h + 1
		}
	}
	return lo
}

// findFrom is find(t) for a t whose window index is known to be at least lo:
// from lo it gallops forward, then searches the last stretch.
func (c *Calendar) findFrom(t, lo int) int {
	n := len(c.w)
	if lo <= 0 {
		return c.find(t)
	}
	if lo >= n || c.w[lo].End > t {
		return min(lo, n)
	}
	// c.w[lo].End <= t: the answer lies after lo
	step, hi := 1, lo+1
	for hi < n && c.w[hi].End <= t {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	return c.search(t, lo+1, min(hi, n))
}

// NextOpen returns the earliest time >= t at which c is open, and false if none.
func (c *Calendar) NextOpen(t int) (int, bool) {
	if c == nil {
		return t, true
	}
	i := c.find(t)
	if i == len(c.w) {
		return 0, false
	}
	return max(t, c.w[i].Start), true
}

// workBefore is the working time of c in (-inf, t).
func (c *Calendar) workBefore(t int) int {
	i := c.find(t)
	if i == len(c.w) {
		return c.cum[len(c.w)]
	}
	return c.cum[i] + max(0, t-c.w[i].Start)
}

// workBeforeAt is workBefore(t) for i = find(t).
func (c *Calendar) workBeforeAt(t, i int) int {
	if i == len(c.w) {
		return c.cum[len(c.w)]
	}
	return c.cum[i] + max(0, t-c.w[i].Start)
}

// Work is the working time of c inside [a, b).
func (c *Calendar) Work(a, b int) int {
	if b <= a {
		return 0
	}
	if c == nil {
		return b - a
	}
	return c.workBefore(b) - c.workBefore(a)
}

// Advance returns the end of a job of d working units that starts at the first open
// time >= s: the smallest e with Work(start, e) == d. ok is false when c closes
// for good first. For d == 0 it returns (start, start).
func (c *Calendar) Advance(s, d int) (start, end int, ok bool) {
	if c == nil {
		return s, s + d, true
	}
	start, ok = c.NextOpen(s)
	if !ok {
		return 0, 0, false
	}
	if d == 0 {
		return start, start, true
	}
	target := c.workBefore(start) + d
	if target > c.cum[len(c.w)] {
		return 0, 0, false
	}
	// first window j with cum[j+1] >= target
	j := sort.Search(len(c.w), func(i int) bool { return c.cum[i+1] >= target })
	return start, c.w[j].Start + target - c.cum[j], true
}

// advanceFrom is Advance with idx[0] a window index at or before the one holding
// s (see meet.advanceFrom), left at the window holding the start.
func (c *Calendar) advanceFrom(s, d int, idx []int) (start, end int, ok bool) {
	i := c.findFrom(s, idx[0])
	idx[0] = i
	if i == len(c.w) {
		return 0, 0, false
	}
	start = max(s, c.w[i].Start)
	if d == 0 {
		return start, start, true
	}
	target := c.cum[i] + start - c.w[i].Start + d // workBefore(start) + d
	if target > c.cum[len(c.w)] {
		return 0, 0, false
	}
	// first window j with cum[j+1] >= target: none before i, as cum[i] < target
	lo, hi := i, len(c.w)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if c.cum[h+1] >= target {
			hi = h
		} else {
			lo = h + 1
		}
	}
	return start, c.w[lo].Start + target - c.cum[lo], true
}

// Retreat returns the latest start of a job of d working units that ends by e: the
// largest s with Work(s, end) == d where end <= e is the last open time. ok is false
// when there is not enough working time before e.
func (c *Calendar) Retreat(e, d int) (start, end int, ok bool) {
	if c == nil {
		return e - d, e, true
	}
	// latest open end <= e
	i := c.find(e) // first window with End > e
	if i < len(c.w) && c.w[i].Start < e {
		end = e
	} else {
		if i == 0 {
			return 0, 0, false
		}
		end = c.w[i-1].End
	}
	if d == 0 {
		return end, end, true
	}
	target := c.workBefore(end) - d
	if target < 0 {
		return 0, 0, false
	}
	// last window j with cum[j] <= target, and start inside it
	j := sort.Search(len(c.w), func(i int) bool { return c.cum[i+1] > target })
	if j == len(c.w) {
		return 0, 0, false
	}
	return c.w[j].Start + target - c.cum[j], end, true
}

// FitContiguous returns the earliest s >= t such that [s, s+d) lies inside one
// window of c.
func (c *Calendar) FitContiguous(t, d int) (int, bool) {
	if c == nil {
		return t, true
	}
	for i := c.find(t); i < len(c.w); i++ {
		s := max(t, c.w[i].Start)
		if s+d <= c.w[i].End {
			return s, true
		}
	}
	return 0, false
}

// Covers reports whether [a, b) lies inside one window of c.
func (c *Calendar) Covers(a, b int) bool {
	if c == nil || b <= a {
		return true
	}
	i := c.find(a)
	return i < len(c.w) && c.w[i].Start <= a && b <= c.w[i].End
}

// Segments returns the open stretches of c inside [a, b).
func (c *Calendar) Segments(a, b int) []Window {
	if c == nil {
		if b > a {
			return []Window{{a, b}}
		}
		return nil
	}
	var out []Window
	for i := c.find(a); i < len(c.w) && c.w[i].Start < b; i++ {
		s, e := max(a, c.w[i].Start), min(b, c.w[i].End)
		if s < e {
			out = append(out, Window{s, e})
		}
	}
	return out
}

// Total is the working time of the whole calendar (MaxTime when always open).
func (c *Calendar) Total() int {
	if c == nil {
		return MaxTime
	}
	return c.cum[len(c.w)]
}
