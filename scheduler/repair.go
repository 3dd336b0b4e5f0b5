package scheduler

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// ReplanBudget is a replan's time limit when Settings.TimeLimit is 0: it grows with
// the operation, max(5 s, dwellings × 10 ms) (10 s at 1,000 dwellings).
func ReplanBudget(p *model.Problem) time.Duration {
	return max(5*time.Second, time.Duration(len(p.Dwellings))*10*time.Millisecond)
}

// repairReserve is the share of a replan's time kept for the repair after the
// search (repairBest), between 50 ms and 1 s.
func repairReserve(limit time.Duration) time.Duration {
	return min(max(limit/20, 50*time.Millisecond), time.Second)
}

// repairBest makes sure a replan drops nothing it had, and keeps the old
// placements when the search has not found better. Besides res, the search's best,
// it builds two schedules on a board (solver.Board), each valid by construction:
// res with the tasks it left unplaced put back (where the old plan had them when
// they fit there, else at their earliest), and the old plan kept (every
// appointment where it was when it still fits there and what it follows stayed,
// the rest at its earliest). extra, when not nil, is one more (the arrangement
// of rescheduled slots). The best by score wins (fewer unplaced first); res's
// account of the search (stop, iterations, bound) is kept.
func repairBest(cp *constraints.Compiled, res, extra *solver.Result, kinds map[string]pinKind, slots map[string]slot) *solver.Result {
	best := res
	consider := func(c *solver.Result) {
		if c != nil && c.Score.Less(best.Score) {
			best = c
		}
	}
	// what was announced stays put; what the repair placed itself may move again
	movable := func(t int) bool { return kinds[cp.Interventions[t].ID] != kindAnnounced }
	if res.Score.Unplaced > 0 {
		consider(fillIn(cp, res, slots, movable))
	}
	consider(keepOldPlacements(cp, slots, movable))
	consider(extra)
	if best != res {
		out := *best
		out.Stop, out.Iterations, out.FirstFeasible, out.Elapsed = res.Stop, res.Iterations, res.FirstFeasible, res.Elapsed
		out.Seed, out.LowerBound = res.Seed, res.LowerBound
		best = &out
	}
	return best
}

// keepPins is the old plan kept with the appointments of the notice period that
// the rounds of Replan released for no event (they stood in the way of what a
// construction left out) pinned again: released, such an appointment can no
// longer go back to its time (its release is the notice period's end), so that
// only pinning it again keeps it. kinds is what the rounds left, kinds0 the kinds
// before them. It returns that schedule and its kinds when it beats res, with cp's
// pins set as those kinds say (the caller verifies it, and sets the pins back
// with applyPins when it does not keep it); nil, with cp's pins unchanged,
// otherwise.
func keepPins(cp *constraints.Compiled, frozen []bool, kinds, kinds0 map[string]pinKind, released map[string]string, slots map[string]slot, res *solver.Result) (*solver.Result, map[string]pinKind) {
	kinds1 := maps.Clone(kinds)
	for id, c := range released {
		if c == "" && kinds0[id] == kindPinned {
			kinds1[id] = kindPinned
		}
	}
	if maps.Equal(kinds, kinds1) {
		return nil, nil
	}
	applyPins(cp, frozen, kinds1, slots)
	k := keepOldPlacements(cp, slots, func(t int) bool { return kinds1[cp.Interventions[t].ID] != kindAnnounced })
	if k == nil || !k.Score.Less(res.Score) {
		applyPins(cp, frozen, kinds, slots)
		return nil, nil
	}
	out := *k
	out.Stop, out.Iterations, out.FirstFeasible, out.Elapsed = res.Stop, res.Iterations, res.FirstFeasible, res.Elapsed
	out.Seed, out.LowerBound = res.Seed, res.LowerBound
	return &out, kinds1
}

// oldMode is t's mode on b for its old appointment, and its old start and end
// (-1 when it had none or its crew and pilot can no longer take it).
func oldModeOf(cp *constraints.Compiled, b *solver.Board, t int, slots map[string]slot) (m, s, e int) {
	sl, ok := slots[cp.Interventions[t].ID]
	if !ok {
		return -1, 0, 0
	}
	ch := cp.ChoiceFor(t, sl.crew, sl.pilot)
	if ch == nil {
		return -1, 0, 0
	}
	return b.ModeOf(t, ch), cp.Clock.Minute(sl.start), cp.Clock.Minute(sl.end)
}

// putBack puts t where the old plan had it when it fits there, else at its
// earliest end over its modes (its old mode on a tie), moving later the
// predecessors movable allows when only their maximum lags stand in the way;
// never before all it follows is on the board.
func putBack(cp *constraints.Compiled, b *solver.Board, t int, slots map[string]slot, movable func(int) bool) bool {
	if !b.PredecessorsPlaced(t) {
		return false
	}
	om, os, oe := oldModeOf(cp, b, t, slots)
	if om >= 0 {
		if e, ok := b.FitAt(t, om, os); ok && e == oe {
			return b.Put(t, om, os, e) == nil
		}
	}
	if ok, _ := b.PlaceEarliest(t, 0, om, movable); ok {
		return true
	}
	if om < 0 {
		return false
	}
	// the walk over a week's days may have passed over the old time's week
	ok, _ := b.PlaceEarliest(t, os, om, movable)
	return ok
}

// fillIn is res with the tasks it left unplaced put back, predecessors first.
func fillIn(cp *constraints.Compiled, res *solver.Result, slots map[string]slot, movable func(int) bool) *solver.Result {
	b, err := solver.NewBoard(cp.Problem)
	if err != nil {
		return nil
	}
	for t, pl := range res.Placements {
		if !pl.Placed || cp.Problem.Tasks[t].Fixed {
			continue
		}
		if m := b.ModeOf(t, pl.Choice); m < 0 || b.Put(t, m, pl.Start, pl.End) != nil {
			return nil
		}
	}
	for _, t := range b.Topo() {
		if !b.Placement(t).Placed && !cp.Problem.Tasks[t].Fixed {
			putBack(cp, b, t, slots, movable)
		}
	}
	return b.Result()
}

// keepOldPlacements is the old plan kept: in an order where predecessors come
// first, every appointment where it was when all it follows is on the board and it
// still fits there; then the others, predecessors first, at their earliest.
func keepOldPlacements(cp *constraints.Compiled, slots map[string]slot, movable func(int) bool) *solver.Result {
	b, err := solver.NewBoard(cp.Problem)
	if err != nil {
		return nil
	}
	var later []int
	for _, t := range b.Topo() {
		if cp.Problem.Tasks[t].Fixed {
			continue
		}
		if om, os, oe := oldModeOf(cp, b, t, slots); om >= 0 && b.PredecessorsPlaced(t) {
			if e, ok := b.FitAt(t, om, os); ok && e == oe && b.Put(t, om, os, e) == nil {
				continue
			}
		}
		later = append(later, t)
	}
	for _, t := range later {
		putBack(cp, b, t, slots, movable)
	}
	return b.Result()
}

// blameEvents adds to each intervention the old plan placed and the new one leaves
// unplaced a first reason naming the events that left it no room: the event that
// forced it to move, else those that forced what it follows (directly or not),
// else those that forced another intervention of its dwelling, else the one that
// changed its household or took its old crew away, else every event of the
// replan.
func blameEvents(plan *model.Plan, cp *constraints.Compiled, slots map[string]slot, cause map[string]string, ap *applied, ev *model.Events, lang Lang) {
	var all []string
	if ev != nil {
		for _, e := range ev.Events {
			all = append(all, e.ID)
		}
	}
	var preds [][]int
	for i := range plan.Unplaced {
		u := &plan.Unplaced[i]
		if _, had := slots[u.Intervention]; !had {
			continue
		}
		if preds == nil {
			preds = make([][]int, len(cp.Problem.Tasks))
			for _, pr := range cp.Problem.Precedences {
				preds[pr.To] = append(preds[pr.To], pr.From)
			}
		}
		ids := blamed(cp, preds, u.Intervention, cause)
		if len(ids) == 0 {
			ids = touched(cp, u.Intervention, slots[u.Intervention], ap)
		}
		if len(ids) == 0 {
			ids = all
		}
		var msg string
		switch {
		case len(ids) == 0 && lang == French:
			msg = fmt.Sprintf("le plan précédent plaçait %s ; sans événement, il ne tient plus : le problème a changé", u.Intervention)
		case len(ids) == 0:
			msg = fmt.Sprintf("the previous plan placed %s; with no event it no longer holds: the problem changed", u.Intervention)
		case lang == French:
			msg = fmt.Sprintf("le plan précédent plaçait %s ; après l'événement %s, il ne trouve plus de place", u.Intervention, strings.Join(ids, ", "))
		default:
			msg = fmt.Sprintf("the previous plan placed %s; after event %s it fits nowhere", u.Intervention, strings.Join(ids, ", "))
		}
		u.Reasons = append([]model.Reason{{Rule: "replan", Message: msg}}, u.Reasons...)
	}
}

// blamed lists, sorted, the events behind intervention id's lack of room (see
// blameEvents); none when no event forced it, what it follows or its dwelling.
func blamed(cp *constraints.Compiled, preds [][]int, id string, cause map[string]string) []string {
	if c := cause[id]; c != "" {
		return []string{c}
	}
	t, ok := cp.TaskOf[id]
	if !ok {
		return nil
	}
	set := map[string]bool{}
	seen := map[int]bool{t: true}
	stack := []int{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range preds[u] {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
				if c := cause[cp.Interventions[p].ID]; c != "" {
					set[c] = true
				}
			}
		}
	}
	if len(set) == 0 {
		dw := cp.Interventions[t].Dwelling
		for u, iv := range cp.Interventions {
			if c := cause[iv.ID]; c != "" && iv.Dwelling == dw && u != t {
				set[c] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// touched names the event that changed the household of intervention id's
// dwelling, or took away the crew of its old appointment (none when no event did).
func touched(cp *constraints.Compiled, id string, old slot, ap *applied) []string {
	set := map[string]bool{}
	if iv := cp.Index.Interventions[id]; iv != nil {
		if d := cp.Index.Dwellings[iv.Dwelling]; d != nil && ap.household[d.Household] != "" {
			set[ap.household[d.Household]] = true
		}
	}
	if c := ap.crew[old.crew]; c != "" {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
