package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
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

var _ taskCalendarer = TenantAvailability{}

// taskCalendar: someone at home to let the crew in (and the household's
// preferred windows, a soft wish).
func (TenantAvailability) taskCalendar(b *taskBuild) error {
	c, h := b.c, b.h
	if h == nil {
		return nil
	}
	cal, what, err := c.accessCalendar(b.iv, h, b.profiles)
	if err != nil {
		return b.fail("access", err)
	}
	if cal != nil || what.en != "" {
		b.addPart(NameTenantAvailability, what, cal)
	}
	if len(h.Preferred) > 0 {
		pref, ok := c.preferred[h.ID]
		if !ok {
			if pref, err = c.Clock.Calendar(c.Typed.HouseholdOf(h).Preferred); err != nil {
				return b.fail("household preferred windows", err)
			}
			c.preferred[h.ID] = pref
		}
		b.task.Preferred = pref
	}
	return nil
}

// accessCalendar is when someone can let the crew in (rule 2), or nil when nobody
// needs to be at home.
func (c *Compiled) accessCalendar(iv *model.Intervention, h *model.Household, profiles []*model.Profile) (*solver.Calendar, phrase, error) {
	access := c.Index.AccessOf(iv)
	if access == model.AccessNone {
		return nil, phrase{}, nil
	}
	th := c.Typed.HouseholdOf(h)
	if access == model.AccessKeys && h.KeysWithPilot {
		if _, err := c.Clock.Periods(th.Absences, h.Absences); err != nil {
			return nil, phrase{}, err
		}
		if c.pilotDuty == nil {
			var ws []solver.Window
			for _, pl := range c.Pilots {
				cal, err := c.pilotCalendar(pl)
				if err != nil {
					return nil, phrase{}, err
				}
				ws = append(ws, cal.Windows()...)
			}
			c.pilotDuty = solver.NewCalendar(ws)
		}
		return c.pilotDuty, phrase{fmt.Sprintf("the pilot's office hours (household %q left its keys)", h.ID),
			fmt.Sprintf("les horaires de bureau du pilote (le ménage %s lui a laissé ses clés)", frQ(h.ID)), true}, nil
	}
	carer := false
	for _, pr := range profiles {
		carer = carer || pr.NeedsCarer
	}
	key := accessKey{h.ID, carer}
	if a, ok := c.access[key]; ok {
		return a.cal, a.what, nil
	}
	recs, what := th.Availability, phrase{fmt.Sprintf("the availability of household %q", h.ID),
		fmt.Sprintf("les disponibilités du ménage %s", frQ(h.ID)), true}
	if carer {
		// in French, the person who must be there, without a word of why
		recs, what = th.CarerAvailability, phrase{fmt.Sprintf("the carer's availability (household %q)", h.ID),
			fmt.Sprintf("les disponibilités de la personne qui doit accompagner le ménage %s", frQ(h.ID)), true}
	}
	// (a household seen before had its absences read without error)
	absences, err := c.Clock.Periods(th.Absences, h.Absences)
	if err != nil {
		return nil, phrase{}, err
	}
	cal, err := c.Clock.Calendar(recs)
	if err != nil {
		return nil, phrase{}, err
	}
	cal = solver.Subtract(cal, absences)
	c.access[key] = accessCal{cal, what}
	return cal, what, nil
}

// accessKey identifies a household's access calendar: its own availability or
// its carer's.
type accessKey struct {
	household string
	carer     bool
}

type accessCal struct {
	cal  *solver.Calendar
	what phrase
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
		th := v.Typed.HouseholdOf(h)
		recs, whose := th.Availability, "household "+h.ID
		for _, pr := range x.ProfilesOf(iv) {
			if pr.NeedsCarer {
				recs, whose = th.CarerAvailability, "the carer of household "+h.ID
				break
			}
		}
		absences, err := v.readPeriods(th.Absences)
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
		for _, p := range v.Typed.Pilots() {
			in, err := v.Inside(p.Hours, s.Start, s.End)
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
