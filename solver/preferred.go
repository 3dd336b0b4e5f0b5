package solver

// Placement around preferred alternatives (Demand.Preferred, each task placed
// otherwise costing Objective.Unpreferred). The earliest placement may meet a
// demand outside its preferred alternatives; bestMode then also looks for the
// earliest placement in a mode that does not, and keeps it when the cost it saves
// outweighs what the delay is likely to cost, as avoidDiscouraged weighs it: the
// task's group ending later and, past the schedule's current end, the makespan.
// The schedule's score decides in the end.

// preferMode is the placement of t to try, given its earliest one (m, s, e) from
// est in a mode that meets a demand outside its preferred alternatives.
func (st *state) preferMode(t, est, offset, m, s, e int) (int, int, int) {
	o := &st.c.p.Objective
	if o.Unpreferred <= 0 {
		return m, s, e
	}
	ms := st.c.modes[t]
	m2, s2, e2 := -1, 0, 0
	for k := range ms {
		mi := (k + offset) % len(ms)
		if ms[mi].unpref {
			continue
		}
		ss, ee, w, _ := st.earliest(t, mi, est)
		if w != ReasonNone {
			continue
		}
		if m2 < 0 || ee < e2 || ee == e2 && ss < s2 {
			m2, s2, e2 = mi, ss, ee
		}
	}
	if m2 < 0 {
		return m, s, e
	}
	delay := float64(e2 - e)
	cost := o.GroupEnd * delay
	if end := st.tally.makespan(); e2 > end {
		cost += o.Makespan * float64(e2-max(end, e))
	}
	if o.Unpreferred > cost {
		return m2, s2, e2
	}
	return m, s, e
}
