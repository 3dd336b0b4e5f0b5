package solver

import (
	"errors"
	"fmt"
)

// Board is a schedule edited one task at a time, against which one can ask where
// a task fits while the others stay where they are: the alternative times of one
// task, or the repair of a schedule that left tasks out.
//
// Every placement Fit proposes keeps each constraint between the task and the
// tasks already on the board: the task's calendar met with its resources',
// release, deadline and horizon, resource capacities, day limits, precedences in
// both directions with their minimum and maximum lags, and span limits. Tasks put
// on the board with Put are taken as given (a schedule known to be valid, or fixed
// tasks). Constraints with tasks not on the board are not checked: whoever places
// several tasks places them in an order where that is enough (predecessors first).
//
// A board is compiled once (NewBoard) and then cheap to query; it is not safe for
// concurrent use. Problems with same-order rules are refused (their chains are
// placed by the order search only).
type Board struct {
	c  *compiled
	st *state
}

// NewBoard compiles p and puts its fixed tasks on the board, where they stand.
func NewBoard(p *Problem) (*Board, error) {
	if len(p.SameOrders) > 0 {
		return nil, fmt.Errorf("%w: a board does not take same-order rules", ErrInvalid)
	}
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	b := &Board{c: c, st: newState(c)}
	for i := range p.Tasks {
		if t := &p.Tasks[i]; t.Fixed {
			b.st.place(i, b.st.fixedMode(i), t.Start, t.End)
		}
	}
	return b, nil
}

// Modes lists task t's ways to run: one resource per demand each, in the order
// Fit and Put number them.
func (b *Board) Modes(t int) [][]int {
	ms := b.c.modes[t]
	out := make([][]int, len(ms))
	for i := range ms {
		out[i] = ms[i].choice
	}
	return out
}

// ModeOf is the index of t's mode with the given choice, -1 when there is none.
func (b *Board) ModeOf(t int, choice []int) int {
	for mi := range b.c.modes[t] {
		if sameChoice(b.c.modes[t][mi].choice, choice) {
			return mi
		}
	}
	return -1
}

// ErrPlaced is returned by Put for a task already on the board.
var ErrPlaced = errors.New("solver: task already on the board")

// Put places task t in mode m over [start, end), without checking anything.
func (b *Board) Put(t, m, start, end int) error {
	if t < 0 || t >= len(b.c.p.Tasks) || m < 0 || m >= len(b.c.modes[t]) {
		return fmt.Errorf("%w: task %d mode %d", ErrInvalid, t, m)
	}
	if b.st.pl[t].Placed {
		return ErrPlaced
	}
	b.st.place(t, m, start, end)
	return nil
}

// Remove takes task t off the board (nothing when it is not on it).
func (b *Board) Remove(t int) { b.st.unplace(t) }

// Placement is where t stands (Placed false when it is not on the board).
func (b *Board) Placement(t int) Placement { return b.st.pl[t] }

// Mode is the index of t's mode on the board, -1 when it is not on it.
func (b *Board) Mode(t int) int { return b.st.mode[t] }

// Score and Terms of the board's schedule, as Solve scores its results (tasks
// not on the board count as unplaced).
func (b *Board) Score() (Score, Terms) { return b.c.score(b.st.pl, b.st.mode) }

// Result is the board's schedule as a result of Solve: a copy of the placements,
// with the score and the terms.
func (b *Board) Result() *Result {
	pl := make([]Placement, len(b.st.pl))
	copy(pl, b.st.pl)
	sc, tm := b.Score()
	return &Result{Placements: pl, Score: sc, Terms: tm}
}

// maxFitSteps bounds the starts Fit tries beyond the first feasible one when a
// maximum lag to a successor or a span limit rejects it.
const maxFitSteps = 4096

// Fit finds the earliest start at or after from at which task t, in mode m, fits
// with every task on the board: ok false, with the reason, when it fits nowhere. t
// must not be on the board itself. It walks as the serial scheme does: with a
// limit of days a week, a week whose days are all taken is passed over whole, so
// that a start later in that week which would fit may be missed (FitAt checks one
// start exactly).
//
// One function over 60 lines: it gathers every bound the placed neighbours set
// (lags both ways, spans) before one walk over the calendar and the timelines;
// split, the bounds would be passed around as a struct used once.
func (b *Board) Fit(t, m, from int) (start, end int, why Reason) {
	return b.fit(t, m, from, true)
}

// fit is Fit; with maxLags false, the maximum lags from placed predecessors are
// left out (PlaceEarliest then moves those predecessors).
func (b *Board) fit(t, m, from int, maxLags bool) (start, end int, why Reason) {
	c, st := b.c, b.st
	if st.pl[t].Placed {
		return 0, 0, ReasonResources
	}
	task := &c.p.Tasks[t]
	est := max(from, task.Release)
	latest := MaxTime // the latest start maximum lags of placed predecessors allow
	endCap := MaxTime
	endMin := MinTime // the earliest end maximum lags to placed successors allow
	for _, a := range c.preds[t] {
		p := &st.pl[a.other]
		if !p.Placed {
			continue
		}
		at := p.End + a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			_, e, ok := a.lagCal.Advance(p.End, a.minLag)
			if !ok {
				return 0, 0, ReasonPredecessor
			}
			at = e
		}
		est = max(est, at)
		if a.maxLag >= 0 && maxLags {
			latest = min(latest, p.End+a.maxLag)
		}
	}
	for _, a := range c.succs[t] {
		p := &st.pl[a.other]
		if !p.Placed {
			continue
		}
		lim := p.Start - a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			s, _, ok := a.lagCal.Retreat(p.Start, a.minLag)
			if !ok {
				return 0, 0, ReasonDeadline
			}
			lim = s
		}
		endCap = min(endCap, lim)
		if a.maxLag >= 0 {
			endMin = max(endMin, p.Start-a.maxLag)
		}
	}
	for _, si := range c.spansOf[t] {
		sp := &c.p.Spans[si]
		for _, u := range sp.Tasks {
			if u != t && st.pl[u].Placed {
				est = max(est, c.spanEarliest(sp, st.pl[u].End))
				endCap = min(endCap, c.spanLatestEnd(sp, st.pl[u].Start))
			}
		}
	}
	keep := st.endCap
	st.endCap = endCap
	defer func() { st.endCap = keep }()
	for step := 0; step < maxFitSteps; step++ {
		if est > latest {
			return 0, 0, ReasonMaxLag
		}
		s, e, w, _ := st.earliest(t, m, est)
		if w != ReasonNone {
			return 0, 0, w
		}
		if s > latest {
			return 0, 0, ReasonMaxLag
		}
		if e < endMin || b.spanOver(t, s, e) {
			// a later start may end late enough, or run in a shorter stretch
			est = max(s+1, endMin-(e-s))
			continue
		}
		return s, e, ReasonNone
	}
	return 0, 0, ReasonMaxLag
}

// PlaceEarliest puts t at its earliest end over its modes, starting at or after
// from (mode pref on a tie). When only the maximum lags from placed predecessors
// stand in the way, it moves those later, as the serial scheme's backjump does,
// if movable says they may move and they fit there (each with the predecessors it
// has); it gives up after a bounded number of such moves. On failure the board is
// as it was, and why says what stood in the way.
//
// One function over 60 lines: the backjump loop keeps its undo log, the tasks it
// moved, in the same frame as the loop that may have to undo them.
func (b *Board) PlaceEarliest(t, from, pref int, movable func(int) bool) (ok bool, why Reason) {
	type moved struct{ t, m, s, e int }
	var undo []moved
	restore := func() {
		for k := len(undo) - 1; k >= 0; k-- {
			u := undo[k]
			b.st.unplace(u.t)
			b.st.place(u.t, u.m, u.s, u.e)
		}
	}
	best := func(maxLags bool) (bm, bs, be int, why Reason) {
		bm, why = -1, ReasonNoWindow
		for m := range b.c.modes[t] {
			s, e, w := b.fit(t, m, from, maxLags)
			if w != ReasonNone {
				if bm < 0 && (why == ReasonNoWindow || w > why) {
					why = w
				}
				continue
			}
			if bm < 0 || e < be || e == be && (s < bs || s == bs && m == pref) {
				bm, bs, be = m, s, e
			}
		}
		if bm >= 0 {
			why = ReasonNone
		}
		return bm, bs, be, why
	}
	for jump := 0; jump <= maxBackjumps; jump++ {
		m, s, e, w := best(true)
		if m >= 0 {
			b.st.place(t, m, s, e)
			return true, ReasonNone
		}
		why = w
		if w != ReasonMaxLag {
			break
		}
		// where t would go without the maximum lags: the predecessors that end too
		// early for it move later by what they lack
		_, ls, _, lw := best(false)
		if lw != ReasonNone {
			break
		}
		shifted := false
		for _, a := range b.c.preds[t] {
			p := b.st.pl[a.other]
			if a.maxLag < 0 || !p.Placed || ls <= p.End+a.maxLag {
				continue
			}
			u := a.other
			if b.c.p.Tasks[u].Fixed || movable == nil || !movable(u) {
				restore()
				return false, ReasonMaxLag
			}
			um := b.st.mode[u]
			undo = append(undo, moved{u, um, p.Start, p.End})
			b.st.unplace(u)
			us, ue, uw := b.fit(u, um, p.Start+ls-(p.End+a.maxLag), true)
			if uw != ReasonNone {
				restore()
				return false, ReasonMaxLag
			}
			b.st.place(u, um, us, ue)
			shifted = true
		}
		if !shifted {
			break
		}
	}
	restore()
	return false, why
}

// FitAt reports whether t fits in mode m starting exactly at start, and its end.
func (b *Board) FitAt(t, m, start int) (end int, ok bool) {
	s, e, why := b.Fit(t, m, start)
	if why != ReasonNone || s != start {
		return 0, false
	}
	return e, true
}

// Topo is an order of the tasks in which every task comes after its
// predecessors (shared: not to be modified).
func (b *Board) Topo() []int { return b.c.topo }

// Predecessors lists the tasks that precede t directly.
func (b *Board) Predecessors(t int) []int {
	out := make([]int, len(b.c.preds[t]))
	for i, a := range b.c.preds[t] {
		out[i] = a.other
	}
	return out
}

// PredecessorsPlaced reports whether every task that precedes t directly is on
// the board.
func (b *Board) PredecessorsPlaced(t int) bool {
	for _, a := range b.c.preds[t] {
		if !b.st.pl[a.other].Placed {
			return false
		}
	}
	return true
}

// Successors lists the tasks t precedes directly.
func (b *Board) Successors(t int) []int {
	out := make([]int, len(b.c.succs[t]))
	for i, a := range b.c.succs[t] {
		out[i] = a.other
	}
	return out
}

// spanLatestEnd is the latest end of a stretch starting at start that keeps the
// span limit: start plus Max minutes, or, with Days, the start of the day after the
// Max-th day from start's (MaxTime when DayStarts end before it).
func (c *compiled) spanLatestEnd(sp *SpanLimit, start int) int {
	if !sp.Days {
		return start + sp.Max
	}
	k := c.dayOf(start) + sp.Max
	if k < 0 || k >= len(c.p.DayStarts) {
		return MaxTime
	}
	return c.p.DayStarts[k]
}

// spanOver reports whether t alone over [s, e) breaks one of its span limits.
func (b *Board) spanOver(t, s, e int) bool {
	for _, si := range b.c.spansOf[t] {
		if b.c.spanOver(&b.c.p.Spans[si], s, e) {
			return true
		}
	}
	return false
}
