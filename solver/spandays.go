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
