package solver

// spanOver reports whether the stretch [lo, hi) breaks the span limit: longer than
// Max minutes, or, with Days, touching more than Max days of DayStarts (an empty
// stretch touches the day it lies in).
func (c *compiled) spanOver(sp *SpanLimit, lo, hi int) bool {
	if !sp.Days {
		return hi-lo > sp.Max
	}
	last := hi
	if hi > lo {
		last = hi - 1
	}
	return c.dayOf(last)-c.dayOf(lo)+1 > sp.Max
}

// spanEarliest is the earliest start of a stretch ending at end that keeps the
// span limit: end minus Max minutes, or, with Days, the start of the day Max-1
// days before the one holding end's last minute (-MaxTime: no bound, that day
// lies before the first of DayStarts).
func (c *compiled) spanEarliest(sp *SpanLimit, end int) int {
	if !sp.Days {
		return end - sp.Max
	}
	k := c.dayOf(end-1) - sp.Max + 1
	if k < 0 {
		return -MaxTime
	}
	return c.p.DayStarts[k]
}

// maxSpanRetries bounds how many later starts bestModeSpan tries.
const maxSpanRetries = 32

// bestModeSpan is bestMode, but a task that alone breaks one of its span limits
// where bestMode puts it (a day's job over a weekend, against a limit in hours)
// is tried again from later starts: past the end of its first worked stretch
// (starting inside it, the task would stop at the same place) and no earlier than
// a stretch ending where it ended could keep the limit. The result may still
// break a limit after maxSpanRetries tries; callers check.
func (st *state) bestModeSpan(t, est, offset int) (m, s, e int, why Reason, blocker int) {
	c := st.c
	m, s, e, why, blocker = st.bestMode(t, est, offset)
	for try := 0; m >= 0 && try < maxSpanRetries && len(c.spansOf[t]) > 0; try++ {
		next := -MaxTime
		for _, si := range c.spansOf[t] {
			if sp := &c.p.Spans[si]; c.spanOver(sp, s, e) {
				next = max(next, s+1, c.spanEarliest(sp, e))
			}
		}
		if next == -MaxTime {
			return
		}
		if ws := st.stretches(t, m, s, e); len(ws) > 1 {
			next = max(next, ws[0].End)
		}
		m, s, e, why, blocker = st.bestMode(t, next, offset)
	}
	return
}
