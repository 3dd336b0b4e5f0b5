package solver

import (
	"sort"
)

// Forward-backward improvement (Valls, Ballestín & Quintanilla, EJOR 2005): shift
// every task right as far as it goes, in decreasing order of end, then left again
// in increasing order of start. Each pass is a serial schedule generation over a
// list taken from the previous schedule; the right shift runs the same scheme on
// the mirrored problem (time reversed, precedences reversed), so that calendars,
// lags, alternatives and cumulative resources all keep their meaning.

// mirror builds the problem seen backwards from time axis h: a time t becomes h-t.
func mirror(p *Problem, h int) *Problem {
	cals := map[*Calendar]*Calendar{}
	flip := func(c *Calendar) *Calendar {
		if c == nil {
			return nil
		}
		if m, ok := cals[c]; ok {
			return m
		}
		ws := make([]Window, len(c.w))
		for i, w := range c.w {
			ws[len(c.w)-1-i] = Window{h - w.End, h - w.Start}
		}
		m := fromSorted(ws)
		cals[c] = m
		return m
	}
	q := &Problem{Objective: Objective{Makespan: 1}}
	q.Resources = make([]Resource, len(p.Resources))
	for i, r := range p.Resources {
		q.Resources[i] = Resource{Name: r.Name, Capacity: r.Capacity, Calendar: flip(r.Calendar)}
	}
	q.Tasks = make([]Task, len(p.Tasks))
	for i, t := range p.Tasks {
		m := t
		m.Calendar = flip(t.Calendar)
		m.Preferred, m.Discouraged = nil, nil
		m.SoftDeadline = 0
		m.Anchored, m.AnchorChoice = false, nil
		m.Release, m.Deadline = 0, 0
		if t.Deadline > 0 || p.Horizon > 0 {
			dl := t.Deadline
			if dl == 0 || p.Horizon > 0 && p.Horizon < dl {
				dl = p.Horizon
			}
			m.Release = max(0, h-dl)
		}
		if t.Release > 0 {
			m.Deadline = h - t.Release
		}
		if t.Fixed {
			m.Start, m.End = h-t.End, h-t.Start
		}
		q.Tasks[i] = m
	}
	q.Precedences = make([]Precedence, len(p.Precedences))
	for i, pr := range p.Precedences {
		q.Precedences[i] = Precedence{From: pr.To, To: pr.From, MinLag: pr.MinLag, LagCalendar: flip(pr.LagCalendar), MaxLag: pr.MaxLag}
	}
	q.Spans = p.Spans
	if len(p.DayStarts) > 0 {
		q.DayStarts = make([]int, len(p.DayStarts))
		for i, d := range p.DayStarts {
			q.DayStarts[len(p.DayStarts)-1-i] = h - d
		}
		q.WeekStarts = make([]int, len(p.WeekStarts))
		for i, d := range p.WeekStarts {
			q.WeekStarts[len(p.WeekStarts)-1-i] = h - d
		}
		q.DayLimits = p.DayLimits
	}
	return q
}

// justifier holds the mirrored problem of one solve.
type justifier struct {
	c    *compiled // the problem
	h    int       // the mirror axis
	back *compiled // the mirrored problem
	bst  *state
}

func newJustifier(c *compiled) *justifier {
	h := c.p.Horizon
	if h <= 0 {
		h = 0
		for t := range c.p.Tasks {
			h += c.p.Tasks[t].Duration + c.p.Tasks[t].Release
		}
		for _, pr := range c.p.Precedences {
			h += pr.MinLag
		}
		h = 2*h + 1
	}
	back, err := compile(mirror(c.p, h))
	if err != nil {
		return nil // not mirrorable; justification is skipped
	}
	return &justifier{c: c, h: h, back: back, bst: newState(back)}
}

// improve runs one backward and one forward pass from the schedule in st, leaving
// the result in st only when every task placed before is placed again and the score
// is no worse. It reports whether st changed.
func (j *justifier) improve(st *state) bool {
	c := j.c
	n := len(c.p.Tasks)
	before := st.score()
	// backward: latest end first
	list := make([]int, 0, n)
	for t := 0; t < n; t++ {
		list = append(list, t)
	}
	pl := st.pl
	sort.SliceStable(list, func(a, b int) bool {
		x, y := pl[list[a]], pl[list[b]]
		if x.Placed != y.Placed {
			return x.Placed
		}
		return x.End > y.End
	})
	list = j.back.precedenceFeasible(list)
	j.bst.construct(list, nil, nil)
	for t := 0; t < n; t++ {
		if pl[t].Placed && !j.bst.pl[t].Placed {
			return false
		}
	}
	// forward: earliest start of the right-shifted schedule first
	bp := j.bst.pl
	sort.SliceStable(list, func(a, b int) bool {
		x, y := bp[list[a]], bp[list[b]]
		if x.Placed != y.Placed {
			return x.Placed
		}
		return j.h-x.End < j.h-y.End
	})
	list = c.precedenceFeasible(list)
	saved := make([]Placement, n)
	copy(saved, st.pl)
	savedMode := append([]int(nil), st.mode...)
	st.construct(list, nil, nil)
	after := st.score()
	lost := false
	for t := 0; t < n; t++ {
		lost = lost || saved[t].Placed && !st.pl[t].Placed
	}
	if lost || before.Less(after) {
		st.restore(saved, savedMode)
		return false
	}
	return after.Less(before)
}

// precedenceFeasible reorders list as little as possible so that every task comes
// after its predecessors: a stable topological sort keyed by position in list.
func (c *compiled) precedenceFeasible(list []int) []int {
	pos := make([]float64, len(c.p.Tasks))
	for k, t := range list {
		pos[t] = float64(k)
	}
	return c.activityList(pos)
}

// restore puts back a saved schedule.
func (st *state) restore(pl []Placement, mode []int) {
	st.reset()
	for t := range pl {
		if pl[t].Placed {
			st.place(t, mode[t], pl[t].Start, pl[t].End)
		} else {
			st.pl[t] = pl[t]
		}
	}
}
