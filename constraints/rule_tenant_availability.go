package constraints

import (
	"github.com/rehabplan/rehabplan/model"
)

// TenantAvailability is rule 2.
type TenantAvailability struct{}

// NameTenantAvailability is TenantAvailability's name.
const NameTenantAvailability = "tenant-availability"

var _ Checker = TenantAvailability{}

func (TenantAvailability) Name() string { return NameTenantAvailability }
func (TenantAvailability) Number() int  { return 2 }

// Requires says what the rule requires, in lang.
func (TenantAvailability) Requires(lang Lang) string {
	return phrase{
		"an intervention that needs someone at home lies inside the household's (or the carer's) availability and outside its absences; with the keys left with the pilot, inside the pilot's office hours",
		"une intervention qui demande quelqu'un au logement a lieu pendant les disponibilités du ménage (ou de la personne qui doit l'accompagner) et hors de ses absences ; quand le ménage a laissé ses clés au pilote, pendant les horaires de bureau du pilote", false}.in(lang)
}

// Check verifies rule 2 in occupied dwellings. Access "tenant" (and "keys" when the
// keys are not with the pilot): every worked stretch lies inside the household's
// availability — the carer's when a profile needs a carer — and outside its
// absences. Access "keys" with the keys left with the pilot: every stretch lies inside
// the office hours of at least one pilot on duty then (not absent, not a public
// holiday); the pilot is not booked. Access "none": nothing.
func (r TenantAvailability) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	for _, pl := range v.placedSorted() {
		iv := pl.Intervention
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		d := x.Dwellings[iv.Dwelling]
		if d == nil || !d.Occupied() || v.Fact(pl) {
			continue // done work is a fact: today's availability does not judge it
		}
		access := x.AccessOf(iv)
		if access == model.AccessNone {
			continue
		}
		h := x.Households[d.Household]
		if h == nil {
			add("household %s of dwelling %s is not in the problem", d.Household, d.ID)
			continue
		}
		if access == model.AccessKeys && h.KeysWithPilot {
			out = append(out, r.checkKeys(v, pl, h)...)
			continue
		}
		recs, whose := h.Availability, "household "+h.ID
		for _, pr := range x.ProfilesOf(iv) {
			if pr.NeedsCarer {
				recs, whose = h.CarerAvailability, "the carer of household "+h.ID
				break
			}
		}
		absences, err := v.readPeriods(h.Absences)
		if err != nil {
			add("the absences of household %s cannot be read: %v", h.ID, err)
		}
		for _, s := range pl.Stretches {
			in, err := v.Inside(recs, s.Start, s.End)
			if err != nil {
				add("the availability of %s cannot be read: %v", whose, err)
				break
			}
			if !in {
				add("%s, outside the availability of %s", v.span(s), whose)
			}
			if p, hit := vfOverlaps(absences, s.Start, s.End); hit {
				add("%s, while household %s is away (%s)", v.span(s), h.ID, vfFmtSpan(p.From, p.To, v.Loc))
			}
		}
	}
	return out
}

// checkKeys: the keys are with the pilot, so a pilot must be on duty for each stretch.
func (r TenantAvailability) checkKeys(v *Verification, pl *Placed, h *model.Household) []Violation {
	var out []Violation
	id := pl.ID()
	if len(v.Problem.Pilots) == 0 {
		return []Violation{vfViolation(r, id, "household %s left its keys with the pilot, but the operation has no pilot", h.ID)}
	}
	for _, s := range pl.Stretches {
		onDuty := false
		for i := range v.Problem.Pilots {
			p := &v.Problem.Pilots[i]
			in, err := v.Inside(v.pilotHours(p), s.Start, s.End)
			if err != nil || !in {
				continue
			}
			absences, err := v.readPeriods(p.Absences)
			if err != nil {
				continue
			}
			if _, hit := vfOverlaps(absences, s.Start, s.End); hit {
				continue
			}
			if v.holidayIn(s.Start, s.End) != "" {
				continue
			}
			onDuty = true
			break
		}
		if !onDuty {
			out = append(out, vfViolation(r, id, "%s, when no pilot is on duty to let the crew in (household %s left its keys with the pilot)", v.span(s), h.ID))
		}
	}
	return out
}
