package constraints

import (
	"sort"
	"strings"
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
