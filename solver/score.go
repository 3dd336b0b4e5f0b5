package solver

import "fmt"

// Score is hierarchical: fewer hard violations first, then fewer unplaced tasks,
// then a lower soft cost.
type Score struct {
	Hard     int
	Unplaced int
	Soft     float64
}

// Less reports whether a is better than b.
func (a Score) Less(b Score) bool {
	if a.Hard != b.Hard {
		return a.Hard < b.Hard
	}
	if a.Unplaced != b.Unplaced {
		return a.Unplaced < b.Unplaced
	}
	return a.Soft < b.Soft-1e-9
}

func (a Score) String() string {
	return fmt.Sprintf("%dhard/%dunplaced/%.2fsoft", a.Hard, a.Unplaced, a.Soft)
}

// Terms are the soft goals' raw values (before weights).
type Terms struct {
	Makespan  int // latest end
	GroupEnd  int // sum of the groups' latest ends
	GroupDays int // sum over groups of days touched beyond the first
	// GroupDaysOver sums over groups the days touched beyond the group's limit
	// (Objective.GroupDaysLimit).
	GroupDaysOver int
	Tardiness     int
	Preference    int
	// Discouraged is the work inside the tasks' Discouraged calendars.
	Discouraged int
	// Unpreferred counts the tasks placed with a demand met outside its
	// preferred alternatives.
	Unpreferred int
	// OffGrid counts the placed tasks starting off the grid (Problem.Grid).
	OffGrid int
	// Moved counts the anchored tasks placed away from their anchor; Moves sums
	// their MoveCost, Shift their ShiftCost times the distance.
	Moved int
	Moves float64
	Shift float64
}

// terms evaluates the soft goals of a full or partial schedule from scratch.
func (c *compiled) terms(pl []Placement, mode []int) Terms {
	var tm Terms
	groupEnd := make([]int, c.groups)
	for i := range groupEnd {
		groupEnd[i] = MinTime
	}
	var groupDays []map[int]bool
	if c.countsDays() {
		groupDays = make([]map[int]bool, c.groups)
	}
	for t := range pl {
		p := &pl[t]
		if !p.Placed {
			continue
		}
		task := &c.p.Tasks[t]
		tm.Makespan = max(tm.Makespan, p.End)
		if m := mode[t]; m >= 0 && c.modes[t][m].unpref {
			tm.Unpreferred++
		}
		if g := c.p.Grid; g > 0 && !onGrid(p.Start, g) {
			tm.OffGrid++
		}
		if task.Anchored && p.Start != task.AnchorStart {
			d := p.Start - task.AnchorStart
			if d < 0 {
				d = -d
			}
			tm.Moved++
			tm.Moves += task.MoveCost
			tm.Shift += task.ShiftCost * float64(d)
		}
		if task.Group >= 0 {
			groupEnd[task.Group] = max(groupEnd[task.Group], p.End)
		}
		if task.SoftDeadline > 0 && p.End > task.SoftDeadline {
			tm.Tardiness += p.End - task.SoftDeadline
		}
		var ws []Window
		if groupDays != nil && task.Group >= 0 || task.Preferred != nil || task.Discouraged != nil {
			ws = c.stretchesOf(t, mode[t], p.Start, p.End)
		}
		if task.Preferred != nil {
			for _, w := range ws {
				tm.Preference += w.Len() - task.Preferred.Work(w.Start, w.End)
			}
		}
		if task.Discouraged != nil {
			for _, w := range ws {
				tm.Discouraged += task.Discouraged.Work(w.Start, w.End)
			}
		}
		if groupDays != nil && task.Group >= 0 {
			g := task.Group
			if groupDays[g] == nil {
				groupDays[g] = map[int]bool{}
			}
			for _, w := range ws {
				if w.End <= w.Start {
					continue
				}
				for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
					groupDays[g][d] = true
				}
			}
		}
	}
	for g, e := range groupEnd {
		if e > MinTime {
			tm.GroupEnd += e
		}
		if groupDays != nil && len(groupDays[g]) > 1 {
			tm.GroupDays += len(groupDays[g]) - 1
		}
		if groupDays != nil {
			tm.GroupDaysOver += c.daysOver(g, len(groupDays[g]))
		}
	}
	return tm
}

// countsDays reports whether the objective counts the days a group touches.
func (c *compiled) countsDays() bool {
	o := &c.p.Objective
	return (o.GroupDays != 0 || o.GroupDaysOver != 0) && len(c.p.DayStarts) > 1
}

// daysOver is how many of the days a group g touches lie beyond its limit.
func (c *compiled) daysOver(g, days int) int {
	lim := c.p.GroupDaysLimit
	if c.p.Objective.GroupDaysOver == 0 || g >= len(lim) || lim[g] <= 0 {
		return 0
	}
	return max(0, days-lim[g])
}

func (c *compiled) stretchesOf(t, m, s, e int) []Window {
	if c.p.Tasks[t].Contiguous || s == e || m < 0 {
		return []Window{{s, e}}
	}
	return c.modes[t][m].cal.Segments(s, e)
}

func (c *compiled) score(pl []Placement, mode []int) (Score, Terms) {
	tm := c.terms(pl, mode)
	sc := Score{}
	for i := range pl {
		if !pl[i].Placed {
			sc.Unplaced++
		}
	}
	o := c.p.Objective
	sc.Soft = o.Makespan*float64(tm.Makespan) + o.GroupEnd*float64(tm.GroupEnd) +
		o.GroupDays*float64(tm.GroupDays) + o.Tardiness*float64(tm.Tardiness) + o.Preference*float64(tm.Preference) +
		tm.Moves + tm.Shift + o.Discouraged*float64(tm.Discouraged) + o.GroupDaysOver*float64(tm.GroupDaysOver) + o.Unpreferred*float64(tm.Unpreferred) + o.OffGrid*float64(tm.OffGrid)
	return sc, tm
}

// Stretches returns the worked stretches of task t placed as pl: the effective
// calendar (the task's and its chosen resources') inside [Start, End).
func (p *Problem) Stretches(t int, pl Placement) []Window {
	return p.Stretcher().Stretches(t, pl)
}

// Stretcher answers Stretches for many tasks of one problem.
type Stretcher struct {
	p *Problem
}

// Stretcher returns a Stretcher of p.
func (p *Problem) Stretcher() *Stretcher { return &Stretcher{p: p} }

// Stretches is Problem.Stretches.
func (s *Stretcher) Stretches(t int, pl Placement) []Window {
	task := &s.p.Tasks[t]
	if task.Contiguous || pl.Start == pl.End {
		return []Window{{pl.Start, pl.End}}
	}
	cal := meetOf(task.Calendar)
	for k, d := range task.Demands {
		if d.Amount > 0 && k < len(pl.Choice) {
			cal = cal.with(s.p.Resources[pl.Choice[k]].Calendar)
		}
	}
	return cal.Segments(pl.Start, pl.End)
}
