package constraints

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// DwellingCapacity is rule 6.
type DwellingCapacity struct{}

// NameDwellingCapacity is DwellingCapacity's name.
const NameDwellingCapacity = "dwelling-capacity"

var _ Checker = DwellingCapacity{}

func (DwellingCapacity) Name() string { return NameDwellingCapacity }
func (DwellingCapacity) Number() int  { return 6 }

// Requires says what the rule requires, in lang.
func (DwellingCapacity) Requires(lang Lang) string {
	return phrase{
		"at most the dwelling's maximum number of crews work in it at once",
		"un logement ne reçoit jamais plus d'équipes à la fois que le nombre maximal qu'il peut accueillir", false}.in(lang)
}

var (
	_ resourceCompiler  = DwellingCapacity{}
	_ taskDemander      = DwellingCapacity{}
	_ resourceOwner     = DwellingCapacity{}
	_ unplacedExplainer = DwellingCapacity{}
)

// compileResources adds one resource per dwelling, of its maximum number of crews.
func (DwellingCapacity) compileResources(c *Compiled) error {
	c.firstDwelling = len(c.Problem.Resources)
	c.dwellingRes = make(map[string]int, len(c.Model.Dwellings))
	for i := range c.Model.Dwellings {
		d := &c.Model.Dwellings[i]
		c.Dwellings = append(c.Dwellings, d)
		c.dwellingRes[d.ID] = len(c.Problem.Resources)
		c.Problem.Resources = append(c.Problem.Resources, solver.Resource{Name: "dwelling " + d.ID, Capacity: d.MaxCrewsOf()})
	}
	return nil
}

// taskDemands: a crew-carried intervention takes a place in its dwelling.
func (DwellingCapacity) taskDemands(b *taskBuild) error {
	if b.c.Index.NeedsCrew(b.iv) {
		b.task.Demands = append(b.task.Demands, solver.Demand{Alternatives: []int{b.c.dwellingRes[b.iv.Dwelling]}, Amount: 1})
	}
	return nil
}

// The dwellings come last.
func (DwellingCapacity) ownsResource(c *Compiled, r int) bool { return r >= c.firstDwelling }

func (DwellingCapacity) busyWith(c *Compiled, r int, id string, lang Lang) string {
	if lang == French {
		return fmt.Sprintf("Le logement %s accueille déjà %s", c.Dwellings[r-c.firstDwelling].ID, id)
	}
	return busyWith(c, r, id)
}

// demandPart: a dwelling has no calendar of its own.
func (DwellingCapacity) demandPart(c *Compiled, t int, cal *solver.Calendar) (part, bool) {
	return part{}, false
}

// explainUnplaced: the dwelling is full.
func (r DwellingCapacity) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	if p.Reason != solver.ReasonResources || !r.ownsResource(c, p.Blocker) {
		return nil, false
	}
	iv := c.Interventions[t]
	dl := c.limitText(t, lang)
	if lang == French {
		return []model.Reason{{Rule: NameDwellingCapacity, Message: fmt.Sprintf("Le logement %s reçoit déjà autant d'équipes qu'il peut en accueillir chaque fois que %s pourrait avoir lieu avant %s", iv.Dwelling, iv.ID, dl)}}, true
	}
	return []model.Reason{{Rule: NameDwellingCapacity, Message: fmt.Sprintf("dwelling %s already has as many crews as it can take whenever %s could run before %s", iv.Dwelling, iv.ID, dl)}}, true
}

// Check verifies rule 6: among the crew-carried interventions of a dwelling (visits
// of the pilot alone do not count), at no instant do more than the dwelling's maximum
// number of crews overlap in [Start, End). The intervention whose start goes over the
// limit is reported, with those already there.
func (r DwellingCapacity) Check(v *Verification) []Violation {
	var out []Violation
	for _, did := range vfSortedKeys(v.ByDwelling) {
		d := v.Index.Dwellings[did]
		if d == nil {
			continue
		}
		limit := d.MaxCrewsOf()
		var crewJobs []*Placed
		for _, pl := range v.ByDwelling[did] {
			if v.Index.NeedsCrew(pl.Intervention) && pl.End.After(pl.Start) {
				crewJobs = append(crewJobs, pl)
			}
		}
		if len(crewJobs) <= limit {
			continue
		}
		// crewJobs is sorted by start; keep the active set.
		var active []*Placed
		for _, pl := range crewJobs {
			kept := active[:0]
			for _, a := range active {
				if a.End.After(pl.Start) {
					kept = append(kept, a)
				}
			}
			active = append(kept, pl)
			if len(active) > limit {
				others := make([]string, 0, len(active)-1)
				for _, a := range active[:len(active)-1] {
					others = append(others, a.ID())
				}
				sort.Strings(others)
				out = append(out, vfViolation(r, pl.ID(), "at %s, %d crews work in dwelling %s at once (with %s), at most %d allowed",
					v.at(pl.Start), len(active), d.ID, strings.Join(others, ", "), limit))
			}
		}
	}
	return out
}
