package solver

import (
	"container/heap"
	"fmt"
	"math"
)

// tally keeps a state's score up to date as tasks are placed and unplaced, so that
// a search step costs what it changes, not the whole schedule: additive terms
// (tardiness, preference, anchor moves) by adding and removing each task's part,
// the makespan with a heap of ends (stale entries dropped lazily), and the group
// terms (a group's end and days) recomputed only for the groups a step touched.
//
// In check mode (Settings.Check, switched on by the tests that want it) every score
// it gives is compared with a full recomputation (compiled.score), and a difference
// ends the solve with an error: the incremental score must never drift.
type tally struct {
	st       *state
	unplaced int
	tard     int
	pref     int
	disc     int
	offGrid  int
	moved    int
	unpref   int
	moves    float64
	shift    float64
	ends     endHeap
	groupEnd []int // per group: latest end, MinTime when none placed
	days     []int // per group: days touched beyond the first
	over     []int // per group: days touched beyond its limit
	dirty    []bool
	dirtyG   []int
	sumEnd   int
	sumDays  int
	sumOver  int
	byGroup  [][]int
	dayCount map[int]bool // scratch
}

type endItem struct{ end, task int }

type endHeap []endItem

func (h endHeap) Len() int           { return len(h) }
func (h endHeap) Less(i, j int) bool { return h[i].end > h[j].end }
func (h endHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)        { *h = append(*h, x.(endItem)) }
func (h *endHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newTally(st *state) *tally {
	c := st.c
	tl := &tally{st: st, groupEnd: make([]int, c.groups), days: make([]int, c.groups), over: make([]int, c.groups), dirty: make([]bool, c.groups),
		byGroup: make([][]int, c.groups), dayCount: map[int]bool{}}
	for t := range c.p.Tasks {
		if g := c.p.Tasks[t].Group; g >= 0 {
			tl.byGroup[g] = append(tl.byGroup[g], t)
		}
	}
	tl.reset()
	return tl
}

func (tl *tally) reset() {
	tl.unplaced = len(tl.st.pl)
	tl.tard, tl.pref, tl.disc, tl.moved, tl.unpref, tl.offGrid = 0, 0, 0, 0, 0, 0
	tl.moves, tl.shift = 0, 0
	tl.ends = tl.ends[:0]
	for g := range tl.groupEnd {
		tl.groupEnd[g] = MinTime
		tl.days[g] = 0
		tl.over[g] = 0
		tl.dirty[g] = false
	}
	tl.dirtyG = tl.dirtyG[:0]
	tl.sumEnd, tl.sumDays, tl.sumOver = 0, 0, 0
}

// part is task t's share of the additive terms when it runs [s, e) in mode m.
func (tl *tally) part(t, m, s, e int) (tard, pref, disc, moved, unpref int, moves, shift float64) {
	task := &tl.st.c.p.Tasks[t]
	if m >= 0 && tl.st.c.modes[t][m].unpref {
		unpref = 1
	}
	if task.SoftDeadline > 0 && e > task.SoftDeadline {
		tard = e - task.SoftDeadline
	}
	if task.Preferred != nil {
		for _, w := range tl.st.stretches(t, m, s, e) {
			pref += w.Len() - task.Preferred.Work(w.Start, w.End)
		}
	}
	if task.Discouraged != nil {
		for _, w := range tl.st.stretches(t, m, s, e) {
			disc += task.Discouraged.Work(w.Start, w.End)
		}
	}
	if task.Anchored && s != task.AnchorStart {
		moved = 1
		moves = task.MoveCost
		shift = task.ShiftCost * math.Abs(float64(s-task.AnchorStart))
	}
	return
}

// offGridOf is 1 when a start at s is off the problem's grid.
func (tl *tally) offGridOf(s int) int {
	if g := tl.st.c.p.Grid; g > 0 && !onGrid(s, g) {
		return 1
	}
	return 0
}

func (tl *tally) placed(t, m, s, e int) {
	tl.unplaced--
	tl.offGrid += tl.offGridOf(s)
	a, b, g, c, u, d, f := tl.part(t, m, s, e)
	tl.tard += a
	tl.pref += b
	tl.disc += g
	tl.moved += c
	tl.unpref += u
	tl.moves += d
	tl.shift += f
	heap.Push(&tl.ends, endItem{e, t})
	if len(tl.ends) > 4*len(tl.st.pl)+64 {
		tl.rebuildEnds()
	}
	tl.touch(t)
}

func (tl *tally) unplaced1(t, m, s, e int) {
	tl.unplaced++
	tl.offGrid -= tl.offGridOf(s)
	a, b, g, c, u, d, f := tl.part(t, m, s, e)
	tl.tard -= a
	tl.pref -= b
	tl.disc -= g
	tl.moved -= c
	tl.unpref -= u
	tl.moves -= d
	tl.shift -= f
	tl.touch(t)
}

func (tl *tally) touch(t int) {
	if g := tl.st.c.p.Tasks[t].Group; g >= 0 && !tl.dirty[g] {
		tl.dirty[g] = true
		tl.dirtyG = append(tl.dirtyG, g)
	}
}

func (tl *tally) rebuildEnds() {
	tl.ends = tl.ends[:0]
	for t, p := range tl.st.pl {
		if p.Placed {
			tl.ends = append(tl.ends, endItem{p.End, t})
		}
	}
	heap.Init(&tl.ends)
}

// makespan drops stale ends off the heap's top.
func (tl *tally) makespan() int {
	for len(tl.ends) > 0 {
		top := tl.ends[0]
		if p := tl.st.pl[top.task]; p.Placed && p.End == top.end {
			return top.end
		}
		heap.Pop(&tl.ends)
	}
	return 0
}

// flush recomputes the touched groups' end and days.
func (tl *tally) flush() {
	c := tl.st.c
	countDays := c.countsDays()
	for _, g := range tl.dirtyG {
		tl.dirty[g] = false
		if tl.groupEnd[g] > MinTime {
			tl.sumEnd -= tl.groupEnd[g]
		}
		tl.sumDays -= tl.days[g]
		tl.sumOver -= tl.over[g]
		end := MinTime
		clear(tl.dayCount)
		for _, t := range tl.byGroup[g] {
			p := &tl.st.pl[t]
			if !p.Placed {
				continue
			}
			end = max(end, p.End)
			if countDays {
				for _, w := range tl.st.stretches(t, tl.st.mode[t], p.Start, p.End) {
					if w.End > w.Start {
						for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
							tl.dayCount[d] = true
						}
					}
				}
			}
		}
		tl.groupEnd[g] = end
		tl.days[g] = max(0, len(tl.dayCount)-1)
		tl.over[g] = c.daysOver(g, len(tl.dayCount))
		tl.sumOver += tl.over[g]
		if end > MinTime {
			tl.sumEnd += end
		}
		tl.sumDays += tl.days[g]
	}
	tl.dirtyG = tl.dirtyG[:0]
}

// score is the state's score from the tally.
func (tl *tally) score() (Score, Terms) {
	tl.flush()
	tm := Terms{Makespan: tl.makespan(), GroupEnd: tl.sumEnd, GroupDays: tl.sumDays, GroupDaysOver: tl.sumOver, Tardiness: tl.tard,
		Preference: tl.pref, Discouraged: tl.disc, Unpreferred: tl.unpref, OffGrid: tl.offGrid, Moved: tl.moved, Moves: tl.moves, Shift: tl.shift}
	o := tl.st.c.p.Objective
	sc := Score{Unplaced: tl.unplaced, Soft: o.Makespan*float64(tm.Makespan) + o.GroupEnd*float64(tm.GroupEnd) +
		o.GroupDays*float64(tm.GroupDays) + o.Tardiness*float64(tm.Tardiness) + o.Preference*float64(tm.Preference) +
		tm.Moves + tm.Shift + o.Discouraged*float64(tm.Discouraged) + o.GroupDaysOver*float64(tm.GroupDaysOver) + o.Unpreferred*float64(tm.Unpreferred) + o.OffGrid*float64(tm.OffGrid)}
	return sc, tm
}

// score is the state's score: incremental, checked against a full recomputation
// in check mode (a drift is recorded in st.drift and the full score returned).
func (st *state) score() Score {
	sc, _ := st.scoreTerms()
	return sc
}

// scoreTerms is score with the terms.
func (st *state) scoreTerms() (Score, Terms) {
	sc, tm := st.tally.score()
	if st.check {
		full, ft := st.c.score(st.pl, st.mode)
		if full.Unplaced != sc.Unplaced || full.Hard != sc.Hard || math.Abs(full.Soft-sc.Soft) > 1e-6*math.Max(1, math.Abs(full.Soft)) ||
			ft.Makespan != tm.Makespan || ft.GroupEnd != tm.GroupEnd || ft.GroupDays != tm.GroupDays || ft.GroupDaysOver != tm.GroupDaysOver ||
			ft.Tardiness != tm.Tardiness || ft.Preference != tm.Preference || ft.Moved != tm.Moved || ft.OffGrid != tm.OffGrid {
			if st.drift == nil {
				st.drift = fmt.Errorf("solver: the incremental score drifted: %v (%+v) where a full recomputation gives %v (%+v)", sc, tm, full, ft)
			}
			return full, ft
		}
	}
	return sc, tm
}
