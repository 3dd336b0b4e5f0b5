package model

import "fmt"

// Default removal of a planned stay whose household has no furniture volume.
const (
	DefaultRemovalDuration = "0.5d"
	DefaultRemovalMovers   = 2
)

// ApplyStays is the problem that the planned stays of a plan make: a copy of p
// in which each planned stay is booked (a relocation of its household in its unit
// From-To), its moves out and back are interventions of the removal trade
// (Rehousing.RemovalTradeOf) sized by the household's furniture volume (else
// DefaultRemovalDuration with DefaultRemovalMovers), and the dwelling's works that
// cut water or the bathroom, not yet fixed and with no relocation role, take place
// during the stay with nobody at home (the household hands its keys over when it
// moves out). A stay the problem already books (same household, unit and dates)
// is left as it is, so that applying the same stays twice changes nothing. Stays
// not planned are ignored. A stay the problem books from the same first day in
// the same unit, to another last day, takes the planned stay's last day (a
// replan may extend a stay not begun). The copy is validated: an error names
// the stay.
func ApplyStays(p *Problem, stays []Stay) (*Problem, error) {
	q := p.Clone()
	booked := map[Relocation]bool{}
	begun := map[Relocation]int{} // booked stays by household, unit and first day (To cleared)
	for i, r := range p.Relocations {
		booked[r] = true
		r.To = ""
		begun[r] = i
	}
	ids := map[string]bool{}
	for i := range p.Interventions {
		ids[p.Interventions[i].ID] = true
	}
	var hh map[string]*Household
	for k, st := range stays {
		if !st.Planned {
			continue
		}
		rel := Relocation{Household: st.Household, Unit: st.Unit, From: st.From, To: st.To}
		if booked[rel] {
			continue
		}
		if i, ok := begun[Relocation{Household: st.Household, Unit: st.Unit, From: st.From}]; ok {
			// booked already, to another last day: a replan extended it
			q.Relocations[i].To = st.To
			continue
		}
		booked[rel] = true
		if hh == nil {
			hh = map[string]*Household{}
			for i := range q.Households {
				hh[q.Households[i].ID] = &q.Households[i]
			}
		}
		h := hh[st.Household]
		var d *Dwelling
		for i := range q.Dwellings {
			if q.Dwellings[i].ID == st.Dwelling {
				d = &q.Dwellings[i]
			}
		}
		switch {
		case h == nil:
			return nil, fmt.Errorf("stays[%d] (household %q): unknown household", k, st.Household)
		case d == nil || !d.Occupied() || d.Household != st.Household:
			return nil, fmt.Errorf("stays[%d] (household %q): household does not live in dwelling %q", k, st.Household, st.Dwelling)
		case st.MoveOut == "" || st.MoveBack == "" || st.MoveOut == st.MoveBack:
			return nil, fmt.Errorf("stays[%d] (household %q): a planned stay names its two moves", k, st.Household)
		case ids[st.MoveOut] || ids[st.MoveBack]:
			return nil, fmt.Errorf("stays[%d] (household %q): the problem already has an intervention %q or %q", k, st.Household, st.MoveOut, st.MoveBack)
		}
		ids[st.MoveOut], ids[st.MoveBack] = true, true
		q.Relocations = append(q.Relocations, rel)
		cuts := map[string]bool{}
		for _, t := range q.Trades {
			if t.CutsWater || t.CutsBathroom {
				cuts[t.ID] = true
			}
		}
		for i := range q.Interventions {
			iv := &q.Interventions[i]
			if iv.Dwelling == d.ID && cuts[iv.Trade] && iv.Relocation == "" && !iv.Fixed() {
				iv.Relocation, iv.Access = RoleDuring, AccessNone
			}
		}
		move := func(id, role string) Intervention {
			iv := Intervention{ID: id, Dwelling: d.ID, Trade: p.Operation.Rehousing.RemovalTradeOf(), Relocation: role}
			if h.FurnitureM3 <= 0 {
				iv.Duration, iv.CrewSize = DefaultRemovalDuration, DefaultRemovalMovers
			}
			return iv
		}
		q.Interventions = append(q.Interventions, move(st.MoveOut, RoleMoveOut), move(st.MoveBack, RoleMoveBack))
	}
	if err := Validate(q); err != nil {
		return nil, err
	}
	return q, nil
}

// PlannedStays are the stays of the plan that the planner chose.
func (pl *Plan) PlannedStays() []Stay {
	var out []Stay
	for _, st := range pl.Stays {
		if st.Planned {
			out = append(out, st)
		}
	}
	return out
}

// WithPlannedStays is the problem a plan is for: p itself when the plan has no
// planned stay or p books them all already, else ApplyStays(p, the planned ones).
func WithPlannedStays(p *Problem, plan *Plan) (*Problem, error) {
	if p == nil || plan == nil {
		return p, nil
	}
	planned := plan.PlannedStays()
	if len(planned) == 0 {
		return p, nil
	}
	booked := make(map[Relocation]bool, len(p.Relocations))
	for _, r := range p.Relocations {
		booked[r] = true
	}
	all := true
	for _, st := range planned {
		all = all && booked[Relocation{Household: st.Household, Unit: st.Unit, From: st.From, To: st.To}]
	}
	if all {
		return p, nil
	}
	return ApplyStays(p, planned)
}
