package solver

// meet is the intersection of calendars, walked lazily: the solver asks only where
// a task fits from some time on, so the intersection of a task's calendar with each
// of its resources' is never built whole (building them all made the compilation
// grow with tasks x alternatives x horizon).
type meet struct {
	cs []*Calendar // the calendars met; none means always open
}

// single is the one calendar of m (nil: always open) when m meets at most one.
func (m meet) single() (*Calendar, bool) {
	switch len(m.cs) {
	case 0:
		return nil, true
	case 1:
		return m.cs[0], true
	}
	return nil, false
}

// meetOf is the intersection of the given calendars (nil ones are always open).
func meetOf(cals ...*Calendar) meet {
	var m meet
	for _, c := range cals {
		if c != nil {
			m.cs = append(m.cs, c)
		}
	}
	return m
}

// with returns m met with c too.
func (m meet) with(c *Calendar) meet {
	if c == nil {
		return m
	}
	cs := make([]*Calendar, len(m.cs), len(m.cs)+1)
	copy(cs, m.cs)
	return meet{cs: append(cs, c)}
}

// maxWalk bounds the calendars whose positions a walk remembers (beyond it each
// query searches afresh).
const maxWalk = 8

// pieceFrom is the part of the intersection's first open stretch that lies at or
// after t: [s, e) with t <= s < e, or ok false when nothing is open after t. idx[k]
// is a window index of calendar k at or before the one holding t (0 when unknown),
// brought up to date: a walk forward through the pieces passes the same idx from
// piece to piece and never searches from scratch.
func (m meet) pieceFrom(t int, idx []int) (w Window, ok bool) {
	if len(m.cs) == 0 {
		return Window{t, MaxTime}, true
	}
	for {
		changed := false
		e := MaxTime
		for k, c := range m.cs {
			var i int
			if k < len(idx) {
				i = c.findFrom(t, idx[k])
				idx[k] = i
			} else {
				i = c.find(t)
			}
			if i == len(c.w) {
				return Window{}, false
			}
			if c.w[i].Start > t {
				t = c.w[i].Start
				changed = true
				break
			}
			e = min(e, c.w[i].End)
		}
		if !changed {
			return Window{t, e}, true
		}
	}
}

// Advance is Calendar.Advance on the intersection.
func (m meet) Advance(s, d int) (start, end int, ok bool) {
	if c, ok := m.single(); ok {
		return c.Advance(s, d)
	}
	var arr [maxWalk]int
	idx := arr[:min(len(m.cs), maxWalk)]
	p, ok := m.pieceFrom(s, idx)
	if !ok {
		return 0, 0, false
	}
	return m.workFrom(p, d, idx)
}

// workFrom walks d of working time through the intersection from its piece p on
// (idx, the walk's positions, moves with it): the start is p's, the end where d
// is used up.
func (m meet) workFrom(p Window, d int, idx []int) (start, end int, ok bool) {
	start = p.Start
	for rem := d; ; {
		if l := p.Len(); l >= rem {
			return start, p.Start + rem, true
		} else {
			rem -= l
		}
		if p, ok = m.pieceFrom(p.End, idx); !ok {
			return 0, 0, false
		}
	}
}

// FitContiguous is Calendar.FitContiguous on the intersection.
func (m meet) FitContiguous(t, d int) (int, bool) {
	if c, ok := m.single(); ok {
		return c.FitContiguous(t, d)
	}
	var arr [maxWalk]int
	idx := arr[:min(len(m.cs), maxWalk)]
	for p, ok := m.pieceFrom(t, idx); ok; p, ok = m.pieceFrom(p.End, idx) {
		if p.Start+d <= p.End {
			return p.Start, true
		}
	}
	return 0, false
}

// Segments is Calendar.Segments on the intersection.
func (m meet) Segments(a, b int) []Window {
	if c, ok := m.single(); ok {
		return c.Segments(a, b)
	}
	var out []Window
	var arr [maxWalk]int
	idx := arr[:min(len(m.cs), maxWalk)]
	for p, ok := m.pieceFrom(a, idx); ok && p.Start < b; p, ok = m.pieceFrom(p.End, idx) {
		out = append(out, Window{p.Start, min(p.End, b)})
	}
	return out
}

// advanceFrom is Advance for a caller that asks again from later starts (the
// placement's search loop): idx holds, for each of the first maxWalk calendars, a
// window index at or before the one holding s (0 when unknown; len(idx) is
// min(len(m.cs), maxWalk)), and is left at the windows holding the start found,
// so that a next call from a later start gallops on instead of searching from
// scratch. The result is Advance's.
func (m meet) advanceFrom(s, d int, idx []int) (start, end int, ok bool) {
	if c, one := m.single(); one {
		if c == nil || len(idx) == 0 {
			return c.Advance(s, d)
		}
		return c.advanceFrom(s, d, idx)
	}
	p, ok := m.pieceFrom(s, idx)
	if !ok {
		return 0, 0, false
	}
	// the walk to the end goes on with its own positions: idx stays at the start
	var arr [maxWalk]int
	walk := arr[:len(idx)]
	copy(walk, idx)
	return m.workFrom(p, d, walk)
}

// fitContiguousFrom is FitContiguous with positions kept in idx, as advanceFrom.
func (m meet) fitContiguousFrom(t, d int, idx []int) (int, bool) {
	if c, one := m.single(); one {
		if c == nil || len(idx) == 0 {
			return c.FitContiguous(t, d)
		}
		i := c.findFrom(t, idx[0])
		idx[0] = i
		for ; i < len(c.w); i++ {
			s := max(t, c.w[i].Start)
			if s+d <= c.w[i].End {
				return s, true
			}
		}
		return 0, false
	}
	for p, ok := m.pieceFrom(t, idx); ok; p, ok = m.pieceFrom(p.End, idx) {
		if p.Start+d <= p.End {
			return p.Start, true
		}
	}
	return 0, false
}

// eachSegment calls f with each of Segments(a, b) in order, without making the
// list, until f returns false.
func (m meet) eachSegment(a, b int, f func(Window) bool) {
	if c, one := m.single(); one {
		if c == nil {
			if b > a {
				f(Window{a, b})
			}
			return
		}
		for i := c.find(a); i < len(c.w) && c.w[i].Start < b; i++ {
			if s, e := max(a, c.w[i].Start), min(b, c.w[i].End); s < e && !f(Window{s, e}) {
				return
			}
		}
		return
	}
	var arr [maxWalk]int
	idx := arr[:min(len(m.cs), maxWalk)]
	for p, ok := m.pieceFrom(a, idx); ok && p.Start < b; p, ok = m.pieceFrom(p.End, idx) {
		if !f(Window{p.Start, min(p.End, b)}) {
			return
		}
	}
}
