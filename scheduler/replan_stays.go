package scheduler

import (
	"slices"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
)

// newStays plans the stays that the events make needed (operation.rehousing
// set): a household that needs one in q (the problem with the events applied,
// constraints.StayNeeds) and did not in p (the problem before them, the old
// plan's stays booked). A household that needed one before the events and has
// none got no unit from the plan it had (its unplaced works say so): a replan
// does not look again. Without an old plan every need is new.
//
// The stay wraps the old plan's appointments of the dwelling's works that cut
// water or the bathroom (those still to come), so that they can keep their
// times: it starts the working day before the first and ends ten days after the
// last, as the first plan's stays (constraints.PlaceStays), no earlier than the
// notice owed at now. A dwelling whose works have no appointment gets its stay
// as early as they allow. The stays already booked keep their units and dates;
// a new one takes a unit around them, with the cleaning days. A stay not begun
// that extendStays lengthened (orig the old plan as it was, ext as extended) is
// read at its old length: a new stay comes before an extension, which is then
// cut short, in q's bookings and in ext, the cleaning days before the new one.
func newStays(p, q *model.Problem, orig, ext *model.Plan, slots map[string]slot, now time.Time) []model.Stay {
	if q.Operation.Rehousing == nil {
		return nil
	}
	hadOld := orig != nil
	needs := constraints.StayNeeds(q)
	if len(needs) == 0 {
		return nil
	}
	if hadOld {
		before := map[string]bool{}
		for _, n := range constraints.StayNeeds(p) {
			before[n.Household] = true
		}
		kept := needs[:0]
		for _, n := range needs {
			if !before[n.Household] {
				kept = append(kept, n)
			}
		}
		needs = kept
	}
	if len(needs) == 0 {
		return nil
	}
	need := map[string]bool{}
	for _, n := range needs {
		need[n.Dwelling] = true
	}
	cuts := map[string]bool{}
	for _, t := range q.Trades {
		cuts[t.ID] = t.CutsWater || t.CutsBathroom
	}
	drawn := map[string][2]time.Time{}
	for i := range q.Interventions {
		iv := &q.Interventions[i]
		sl, ok := slots[iv.ID]
		if !need[iv.Dwelling] || !cuts[iv.Trade] || !ok || !sl.start.After(now) || iv.StatusOf() == model.StatusDone {
			continue
		}
		w, seen := drawn[iv.Dwelling]
		if !seen || sl.start.Before(w[0]) {
			w[0] = sl.start
		}
		if !seen || sl.end.After(w[1]) {
			w[1] = sl.end
		}
		drawn[iv.Dwelling] = w
	}
	// the stays extended, read at their old length
	type ref struct{ i, k int } // ext.Stays[i], q.Relocations[k]
	var extended []ref
	qq := *q
	if ext != nil && orig != nil && len(ext.Stays) == len(orig.Stays) {
		at := map[model.Relocation]int{}
		for k, r := range q.Relocations {
			at[r] = k
		}
		qq.Relocations = slices.Clone(q.Relocations)
		for i, st := range ext.Stays {
			if !st.Planned || st.To == orig.Stays[i].To {
				continue
			}
			if k, ok := at[model.Relocation{Household: st.Household, Unit: st.Unit, From: st.From, To: st.To}]; ok {
				qq.Relocations[k].To = orig.Stays[i].To
				extended = append(extended, ref{i, k})
			}
		}
	}
	out := constraints.PlaceStays(&qq, needs, drawn)
	if len(out) == 0 || len(extended) == 0 {
		return out
	}
	loc := q.Typed().Loc
	cleaning := q.Operation.Rehousing.CleaningDaysOf()
	q.Relocations = slices.Clone(q.Relocations)
	for _, e := range extended {
		st := &ext.Stays[e.i]
		for _, n := range out {
			if n.Unit != st.Unit || n.From <= st.From {
				continue
			}
			from, err := model.ParseDate(n.From, loc)
			if err != nil {
				continue
			}
			if to := from.AddDate(0, 0, -cleaning-1).Format(time.DateOnly); to < st.To {
				st.To = max(to, orig.Stays[e.i].To)
				q.Relocations[e.k].To = st.To
			}
		}
	}
	return out
}

// bookNewStays is q with the new stays booked (model.ApplyStays: the moves
// added, the works that cut water or the bathroom during the stay) and, besides
// what ApplyStays does, those works that were announced and may still move
// (kinds: not frozen) during the stay too: the household is told again. The
// moves and those works take the cause of the event that made the stay needed
// (the household's record replaced, an intervention added or forced in the
// dwelling), when one did.
func bookNewStays(q *model.Problem, stays []model.Stay, kinds map[string]pinKind, ap *applied, cause map[string]string) (*model.Problem, error) {
	out, err := model.ApplyStays(q, stays)
	if err != nil {
		return nil, err
	}
	cuts := map[string]bool{}
	for _, t := range out.Trades {
		cuts[t.ID] = t.CutsWater || t.CutsBathroom
	}
	for _, st := range stays {
		why := ap.household[st.Household]
		for i := range out.Interventions {
			iv := &out.Interventions[i]
			if iv.Dwelling != st.Dwelling {
				continue
			}
			if why == "" {
				if e := ap.added[iv.ID]; e != "" {
					why = e
				} else if e := ap.forced[iv.ID]; e != "" {
					why = e
				}
			}
			if cuts[iv.Trade] && iv.Relocation == "" && iv.StatusOf() != model.StatusDone && kinds[iv.ID] != kindFrozen {
				iv.Relocation, iv.Access = model.RoleDuring, model.AccessNone
			}
		}
		if why == "" {
			continue
		}
		for i := range out.Interventions {
			iv := &out.Interventions[i]
			if iv.Dwelling == st.Dwelling && (iv.Relocation != "" && cause[iv.ID] == "") {
				cause[iv.ID] = why
			}
		}
	}
	return out, nil
}

// NewStaysText words the stays this replan planned (NewStays) in French, as the
// summary's "who moves when" does: the household, its unit and dates, the move
// out and the move back as the new plan places them.
func (rr *ReplanResult) NewStaysText() []string {
	if len(rr.NewStays) == 0 || rr.Plan == nil || rr.Problem == nil {
		return nil
	}
	fresh := map[string]bool{}
	for _, st := range rr.NewStays {
		fresh[st.Household] = true
	}
	sub := *rr.Plan
	sub.Stays = nil
	for _, st := range rr.Plan.Stays {
		if st.Planned && fresh[st.Household] {
			sub.Stays = append(sub.Stays, st)
		}
	}
	return movesText(&sub, rr.Problem.Typed().Loc)
}
