package solver

// Placement around a task's Discouraged calendar (hours someone gives beyond their
// usual ones, each costing Objective.Discouraged). The earliest placement may use
// them; bestMode then also looks for the earliest placement that does not, and keeps
// the later one when the cost it saves outweighs what the delay is likely to cost:
// the task's group ending later (Objective.GroupEnd) and, past the schedule's
// current end, the makespan. The schedule's score decides in the end (the search
// keeps a schedule only when it scores better); this only chooses which placement
// a construction or a repair tries.

// maxAvoidSteps bounds the jumps past discouraged windows when looking for a
// placement that avoids them.
const maxAvoidSteps = 64

// discouragedWork is the work of t placed [s, e) in mode m inside its Discouraged
// calendar.
func (st *state) discouragedWork(t, m, s, e int) int {
	task := &st.c.p.Tasks[t]
	if task.Discouraged == nil {
		return 0
	}
	d := 0
	for _, w := range st.stretches(t, m, s, e) {
		d += task.Discouraged.Work(w.Start, w.End)
	}
	return d
}

// earliestAny is bestMode's earliest placement over the modes, without anchors.
func (st *state) earliestAny(t, est, offset int) (m, s, e int) {
	ms := st.c.modes[t]
	m = -1
	for k := range ms {
		mi := (k + offset) % len(ms)
		ss, ee, w, _ := st.earliest(t, mi, est)
		if w != ReasonNone {
			continue
		}
		if m < 0 || ee < e || ee == e && ss < s {
			m, s, e = mi, ss, ee
		}
	}
	return m, s, e
}

// avoidDiscouraged is the placement of t to try, given its earliest one (m, s, e)
// from est: that one, or the earliest that uses no discouraged time when it is
// worth the delay.
func (st *state) avoidDiscouraged(t, est, offset, m, s, e int) (int, int, int) {
	task := &st.c.p.Tasks[t]
	o := &st.c.p.Objective
	used := st.discouragedWork(t, m, s, e)
	if used == 0 || o.Discouraged <= 0 {
		return m, s, e
	}
	from := est
	for step := 0; step < maxAvoidSteps; step++ {
		m2, s2, e2 := st.earliestAny(t, from, offset)
		if m2 < 0 {
			return m, s, e
		}
		if st.discouragedWork(t, m2, s2, e2) == 0 {
			delay := float64(e2 - e)
			cost := o.GroupEnd * delay
			if end := st.tally.makespan(); e2 > end {
				cost += o.Makespan * float64(e2-max(end, e))
			}
			if o.Discouraged*float64(used) > cost {
				return m2, s2, e2
			}
			return m, s, e
		}
		// jump past the first discouraged window the placement touches
		next := s2 + 1
		for _, w := range st.stretches(t, m2, s2, e2) {
			if seg := task.Discouraged.Segments(w.Start, w.End); len(seg) > 0 {
				next = max(next, task.Discouraged.windowEnd(seg[0].Start))
				break
			}
		}
		from = next
	}
	return m, s, e
}

// windowEnd is the end of the window of c that holds t, or t when none does.
func (c *Calendar) windowEnd(t int) int {
	if c == nil {
		return t
	}
	i := c.find(t)
	if i < len(c.w) && c.w[i].Start <= t {
		return c.w[i].End
	}
	return t
}
