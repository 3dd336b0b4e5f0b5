package solver

import "sort"

// Energetic reasoning (left-shift / right-shift) over a set of interchangeable
// resources, counted in working time. For a candidate end H, each task has its
// earliest start e (the critical path's) and its latest end f (backward from H).
// Within a window [a, b), whatever the schedule, a task works at least its work
// less what it can do outside the window: before a it works at most the
// working time the set's calendars offer in [e, a), after b at most that of [b,
// f). When the work the tasks must do inside [a, b) exceeds what the set's
// resources can do there, no schedule ends by H. The task-interval check
// (feasible) counts only the tasks that lie wholly inside a window; this one also
// counts those that straddle its ends, so it refutes ends the other passes.
//
// A task wholly inside the window counts its work in that pass (its held time,
// in the held pass); a straddling one counts only its worked time, since what it
// holds beyond its work may fall outside the window.

// maxEnergeticTasks bounds the sets energetic reasoning looks at, and
// maxEnergeticEnds the window ends of each kind it tries (evenly spread when
// there are more), so that a test costs at most a few million steps.
const (
	maxEnergeticTasks = 400
	maxEnergeticEnds  = 96
)

// energetic says whether the set's windows hold their mandatory work for the
// latest ends l.lct (set by backward); work is each task's work when wholly
// inside a window (duration x amount, or the held time).
func (l *latest) energetic(s *energySet, work []int) bool {
	n := len(s.tasks)
	if n < 2 || n > maxEnergeticTasks {
		return true
	}
	p := l.c.p
	cals := make([]*Calendar, 0, len(s.res))
	open := false // a resource without calendar: elapsed time bounds the work
	for _, r := range s.res {
		if c := p.Resources[r].Calendar; c != nil {
			cals = append(cals, c)
		} else {
			open = true
		}
	}
	// most working time any resource of the set offers in [x, y): a task works
	// only when its resource does
	most := func(x, y int) int {
		if y <= x {
			return 0
		}
		if open {
			return y - x
		}
		w := 0
		for _, c := range cals {
			w = max(w, c.Work(x, y))
		}
		return w
	}
	capWork := func(a, b int) int {
		w := 0
		for _, r := range s.res {
			w += p.Resources[r].Capacity * p.Resources[r].Calendar.Work(a, b)
		}
		return w
	}
	est, lct := make([]int, n), make([]int, n)
	dur, amt := make([]int, n), make([]int, n)
	var as, bs []int
	for i, t := range s.tasks {
		est[i], lct[i] = l.est[t], l.lct[t]
		dur[i] = p.Tasks[t].Duration
		amt[i] = p.Tasks[t].Demands[s.dem[i]].Amount
		as = append(as, est[i], l.ls[t])
		bs = append(bs, lct[i], est[i]+dur[i])
	}
	as, bs = spread(as), spread(bs)
	left := make([]int, n) // work possible before a
	right := make([][]int, len(bs))
	for k, b := range bs {
		right[k] = make([]int, n)
		for i := range right[k] {
			if lct[i] > b {
				right[k][i] = most(b, lct[i])
			}
		}
	}
	for _, a := range as {
		for i := range left {
			left[i] = 0
			if est[i] < a {
				left[i] = most(est[i], a)
			}
		}
		for k, b := range bs {
			if b <= a {
				continue
			}
			need := 0
			for i := range left {
				if est[i] >= a && lct[i] <= b {
					need += work[i]
					continue
				}
				if lct[i] <= a || est[i] >= b {
					continue
				}
				if m := dur[i] - left[i] - right[k][i]; m > 0 {
					need += m * amt[i]
				}
			}
			if need > 0 && need > capWork(a, b) {
				return false
			}
		}
	}
	return true
}

// spread sorts xs, drops repeats and keeps at most maxEnergeticEnds of them,
// evenly spread (a subset of the windows is still a valid relaxation).
func spread(xs []int) []int {
	sort.Ints(xs)
	u := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			u = append(u, x)
		}
	}
	if len(u) <= maxEnergeticEnds {
		return u
	}
	out := make([]int, 0, maxEnergeticEnds)
	for i := 0; i < maxEnergeticEnds; i++ {
		out = append(out, u[i*len(u)/maxEnergeticEnds])
	}
	return out
}
