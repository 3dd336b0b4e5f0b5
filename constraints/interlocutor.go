package constraints

import (
	"fmt"
	"sort"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// One interlocutor (a soft goal, not a hard rule): every visit with the pilot that
// a household has goes, when it can, to the household's own pilot
// (Household.Pilot, else the one OwnPilot gives it). A task that needs a pilot
// prefers its household's own (solver.Demand.Preferred); another pilot costs
// policy.same_pilot (Objective.Unpreferred). Interlocutors says, for the plan,
// who sees another pilot and why.

// OwnPilot is the index in Model.Pilots of the household's own pilot: its
// Household.Pilot, else the first pilot that gives it favours, else the pilot of
// its stairwell: the stairwells, in the order of the dwellings, each go to the
// pilot with the fewest households so far (the first on a tie). ok is false for
// an unknown household or an operation without pilots.
func (c *Compiled) OwnPilot(household string) (int, bool) {
	if c.ownPilot == nil {
		c.ownPilot = c.ownPilots()
	}
	i, ok := c.ownPilot[household]
	return i, ok
}

// ownPilots gives every household its own pilot (see OwnPilot).
func (c *Compiled) ownPilots() map[string]int {
	p := c.Model
	out := map[string]int{}
	if len(p.Pilots) == 0 {
		return out
	}
	index := map[string]int{}
	for i := range p.Pilots {
		index[p.Pilots[i].ID] = i
	}
	load := make([]int, len(p.Pilots))
	byStairwell := map[string]int{}
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		if !d.Occupied() {
			continue
		}
		h := c.Index.Households[d.Household]
		if h == nil {
			continue
		}
		own, ok := index[h.Pilot]
		if !ok {
			if givers := c.favourPilots[h.ID]; len(givers) > 0 {
				own, ok = givers[0], true
			}
		}
		if !ok {
			if own, ok = byStairwell[d.Stairwell]; !ok {
				for k := range load {
					if load[k] < load[own] {
						own = k
					}
				}
				byStairwell[d.Stairwell] = own
			}
		}
		out[h.ID] = own
		load[own]++
	}
	return out
}

// preferOwnPilot marks, in the pilot demand of b's task, the household's own
// pilot as preferred: when the household has one among the alternatives, the
// intervention is not fixed and there is a choice.
func (c *Compiled) preferOwnPilot(b *taskBuild, d *solver.Demand) {
	if b.h == nil || len(d.Alternatives) < 2 || b.iv.Fixed() {
		return
	}
	own, ok := c.OwnPilot(b.h.ID)
	if !ok {
		return
	}
	for _, r := range d.Alternatives {
		if r == c.firstPilot+own {
			d.Preferred = []int{r}
			return
		}
	}
}

// SamePilotGoal reports whether the plan's score weighs the households' pilots:
// the operation has more than one pilot.
func (c *Compiled) SamePilotGoal() bool { return len(c.Pilots) > 1 }

// Interlocutors lists, for each household whose visits with the pilot are not all
// with its own pilot, the visits another pilot attends and why its own could not,
// in lang; households in the order of the dwellings, visits by start.
func (c *Compiled) Interlocutors(pl []solver.Placement, lang Lang) []model.Interlocutor {
	if !c.SamePilotGoal() {
		return nil
	}
	byHousehold := map[string][]int{}
	var order []string
	for t := range pl {
		k := c.pilotDemand[t]
		if !pl[t].Placed || k < 0 || k >= len(pl[t].Choice) {
			continue
		}
		h := c.Index.HouseholdOf(c.Interventions[t])
		if h == nil {
			continue
		}
		own, ok := c.OwnPilot(h.ID)
		if !ok || pl[t].Choice[k] == c.firstPilot+own {
			continue
		}
		if _, seen := byHousehold[h.ID]; !seen {
			order = append(order, h.ID)
		}
		byHousehold[h.ID] = append(byHousehold[h.ID], t)
	}
	rank := map[string]int{}
	for i := range c.Model.Dwellings {
		if d := &c.Model.Dwellings[i]; d.Occupied() {
			rank[d.Household] = i
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[order[a]] < rank[order[b]] })
	out := make([]model.Interlocutor, 0, len(order))
	for _, hid := range order {
		own, _ := c.OwnPilot(hid)
		ts := byHousehold[hid]
		sort.SliceStable(ts, func(a, b int) bool { return pl[ts[a]].Start < pl[ts[b]].Start })
		it := model.Interlocutor{Household: hid, Pilot: c.Pilots[own].ID}
		for _, t := range ts {
			_, other := c.CrewAndPilot(t, pl[t])
			it.Visits = append(it.Visits, model.OtherPilot{Intervention: c.Interventions[t].ID, Pilot: other,
				Reason: c.whyNotOwn(t, own, pl, lang)})
		}
		out = append(out, it)
	}
	return out
}

// whyNotOwn says why pilot own does not attend task t where the plan puts it:
// not on duty then (office hours, absences, holidays), with another visit then,
// or free then (the search found no better plan that gives it the visit).
func (c *Compiled) whyNotOwn(t, own int, pl []solver.Placement, lang Lang) string {
	p, id := pl[t], c.Pilots[own].ID
	at := c.Clock.Time(p.Start)
	r := c.firstPilot + own
	if cal := c.Problem.Resources[r].Calendar; cal != nil && cal.Work(p.Start, p.End) < p.End-p.Start {
		if lang == French {
			return fmt.Sprintf("Le pilote %s, interlocuteur du ménage, n'est pas de permanence le %s (horaires, absence ou jour férié)", frQ(id), frAt(at))
		}
		return fmt.Sprintf("pilot %s, the household's own, is not on duty at %s (office hours, absence or holiday)", id, at.Format("2006-01-02 15:04"))
	}
	for u := range pl {
		k := c.pilotDemand[u]
		if u == t || !pl[u].Placed || k < 0 || k >= len(pl[u].Choice) || pl[u].Choice[k] != r {
			continue
		}
		if pl[u].Start < p.End && p.Start < pl[u].End {
			other := c.Interventions[u].ID
			if lang == French {
				return fmt.Sprintf("Le pilote %s, interlocuteur du ménage, est retenu par %s le %s", frQ(id), other, frAt(at))
			}
			return fmt.Sprintf("pilot %s, the household's own, is busy with %s at %s", id, other, at.Format("2006-01-02 15:04"))
		}
	}
	if lang == French {
		return fmt.Sprintf("Le pilote %s, interlocuteur du ménage, est libre le %s, mais la recherche n'a pas trouvé de meilleur planning qui lui confie cette visite", frQ(id), frAt(at))
	}
	return fmt.Sprintf("pilot %s, the household's own, is free at %s, but the search found no better plan that gives it this visit", id, at.Format("2006-01-02 15:04"))
}
