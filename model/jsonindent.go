package model

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MarshalPlanIndent is json.MarshalIndent(p, "", "  "), byte for byte, written
// without reflection: plans of thousands of assignments are written at every solve
// and replan.
func MarshalPlanIndent(p *Plan) ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	w := &indentWriter{b: make([]byte, 0, 512+512*len(p.Assignments))}
	w.plan(p)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// MarshalDiffIndent is json.MarshalIndent(d, "", "  "), byte for byte.
func MarshalDiffIndent(d *Diff) ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	w := &indentWriter{b: make([]byte, 0, 1024+600*len(d.Changes))}
	w.diff(d)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// indentWriter writes JSON as encoding/json's MarshalIndent with prefix "" and
// indent "  " does: one member or element per line, empty objects and arrays as
// {} and [], nil lists as null. Strings and floats that are not plain take
// encoding/json itself, so that escaping and number formats cannot differ.
type indentWriter struct {
	b     []byte
	depth int
	first []bool // per open object or array: nothing written in it yet
	err   error
}

func (w *indentWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *indentWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = append(w.first, true)
}

func (w *indentWriter) close(c byte) {
	w.depth--
	n := len(w.first) - 1
	empty := w.first[n]
	w.first = w.first[:n]
	if !empty {
		w.newline()
	}
	w.b = append(w.b, c)
}

// next starts a member or an element.
func (w *indentWriter) next() {
	n := len(w.first) - 1
	if !w.first[n] {
		w.b = append(w.b, ',')
	}
	w.first[n] = false
	w.newline()
}

// key starts a member; keys are plain ASCII.
func (w *indentWriter) key(k string) {
	w.next()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

// str writes a string as encoding/json does: printable ASCII other than " \\ < > &
// and valid UTF-8 other than U+2028 and U+2029 as they are; a string with anything
// else is written by encoding/json.
func (w *indentWriter) str(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !(r == utf8.RuneError && size == 1) && r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
		}
		b, err := json.Marshal(s)
		if err != nil && w.err == nil {
			w.err = err
		}
		w.b = append(w.b, b...)
		return
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

func (w *indentWriter) int(v int64) { w.b = strconv.AppendInt(w.b, v, 10) }

func (w *indentWriter) float(f float64) {
	b, err := json.Marshal(f)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, b...)
}

func (w *indentWriter) strField(k, v string) {
	w.key(k)
	w.str(v)
}

func (w *indentWriter) omitStr(k, v string) {
	if v != "" {
		w.strField(k, v)
	}
}

func (w *indentWriter) intField(k string, v int64) {
	w.key(k)
	w.int(v)
}

func (w *indentWriter) omitInt(k string, v int64) {
	if v != 0 {
		w.intField(k, v)
	}
}

func (w *indentWriter) plan(p *Plan) {
	w.open('{')
	w.strField("format", p.Format)
	w.strField("operation", p.Operation)
	w.strField("status", p.Status)
	w.intField("seed", p.Seed)
	w.key("assignments")
	if p.Assignments == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range p.Assignments {
			a := &p.Assignments[i]
			w.next()
			w.open('{')
			w.strField("intervention", a.Intervention)
			w.omitStr("crew", a.Crew)
			w.omitStr("pilot", a.Pilot)
			w.strField("start", a.Start)
			w.strField("end", a.End)
			if len(a.Segments) > 0 {
				w.key("segments")
				w.open('[')
				for _, sg := range a.Segments {
					w.next()
					w.open('{')
					w.strField("start", sg.Start)
					w.strField("end", sg.End)
					w.close('}')
				}
				w.close(']')
			}
			w.close('}')
		}
		w.close(']')
	}
	w.key("unplaced")
	if p.Unplaced == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range p.Unplaced {
			u := &p.Unplaced[i]
			w.next()
			w.open('{')
			w.strField("intervention", u.Intervention)
			w.key("reasons")
			if u.Reasons == nil {
				w.b = append(w.b, "null"...)
			} else {
				w.open('[')
				for _, r := range u.Reasons {
					w.next()
					w.open('{')
					w.strField("rule", r.Rule)
					w.strField("message", r.Message)
					w.close('}')
				}
				w.close(']')
			}
			w.close('}')
		}
		w.close(']')
	}
	if s := p.Score; s != nil {
		w.key("score")
		w.open('{')
		w.intField("hard", int64(s.Hard))
		w.intField("unplaced", int64(s.Unplaced))
		w.key("soft")
		w.float(s.Soft)
		if len(s.Terms) > 0 {
			w.key("terms")
			w.open('[')
			for _, t := range s.Terms {
				w.next()
				w.open('{')
				w.strField("goal", t.Goal)
				w.key("value")
				w.float(t.Value)
				w.key("weight")
				w.float(t.Weight)
				w.key("cost")
				w.float(t.Cost)
				w.close('}')
			}
			w.close(']')
		}
		w.close('}')
	}
	w.close('}')
}

func (w *indentWriter) slot(k string, s *Slot) {
	if s == nil {
		return
	}
	w.key(k)
	w.open('{')
	w.strField("start", s.Start)
	w.strField("end", s.End)
	w.omitStr("crew", s.Crew)
	w.omitStr("pilot", s.Pilot)
	w.close('}')
}

func (w *indentWriter) diff(d *Diff) {
	w.open('{')
	w.strField("format", d.Format)
	w.strField("operation", d.Operation)
	w.omitStr("now", d.Now)
	s := &d.Summary
	w.key("summary")
	w.open('{')
	w.intField("moved", int64(s.Moved))
	w.intField("announced_moved", int64(s.AnnouncedMoved))
	w.intField("crew_changed", int64(s.CrewChanged))
	w.intField("added", int64(s.Added))
	w.intField("cancelled", int64(s.Cancelled))
	w.intField("unplaced", int64(s.Unplaced))
	w.key("shift_hours")
	w.float(s.ShiftHours)
	w.omitStr("old_end", s.OldEnd)
	w.omitStr("new_end", s.NewEnd)
	w.close('}')
	w.key("changes")
	if d.Changes == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range d.Changes {
			c := &d.Changes[i]
			w.next()
			w.open('{')
			w.strField("intervention", c.Intervention)
			w.strField("kind", c.Kind)
			w.strField("dwelling", c.Dwelling)
			w.omitStr("household", c.Household)
			w.strField("trade", c.Trade)
			if c.Announced {
				w.key("announced")
				w.b = append(w.b, "true"...)
			}
			w.slot("old", c.Old)
			w.slot("new", c.New)
			w.omitInt("shift_minutes", int64(c.ShiftMinutes))
			w.omitStr("cause", c.Cause)
			w.close('}')
		}
		w.close(']')
	}
	w.key("recipients")
	if d.Recipients == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range d.Recipients {
			r := &d.Recipients[i]
			w.next()
			w.open('{')
			w.strField("kind", r.Kind)
			w.strField("id", r.ID)
			w.key("interventions")
			if r.Interventions == nil {
				w.b = append(w.b, "null"...)
			} else {
				w.open('[')
				for _, id := range r.Interventions {
					w.next()
					w.str(id)
				}
				w.close(']')
			}
			w.strField("notice", r.Notice)
			w.close('}')
		}
		w.close(']')
	}
	w.close('}')
}

// MarshalProblemIndent is json.MarshalIndent(p, "", "  "), byte for byte.
func MarshalProblemIndent(p *Problem) ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	w := &indentWriter{b: make([]byte, 0, 4096+300*len(p.Interventions)+300*len(p.Households))}
	w.problem(p)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

func (w *indentWriter) null() { w.b = append(w.b, "null"...) }

func (w *indentWriter) boolean(v bool) {
	if v {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}

func (w *indentWriter) omitBool(k string, v bool) {
	if v {
		w.key(k)
		w.boolean(true)
	}
}

// list writes a list member: omitted when empty and omit, null when nil.
func list[T any](w *indentWriter, k string, omit bool, s []T, elem func(*T)) {
	if omit && len(s) == 0 {
		return
	}
	w.key(k)
	if s == nil {
		w.null()
		return
	}
	w.open('[')
	for i := range s {
		w.next()
		elem(&s[i])
	}
	w.close(']')
}

func (w *indentWriter) strings(k string, omit bool, s []string) {
	list(w, k, omit, s, func(v *string) { w.str(*v) })
}

func (w *indentWriter) recurrences(k string, omit bool, rs []Recurrence) {
	list(w, k, omit, rs, func(r *Recurrence) {
		w.open('{')
		w.strField("rrule", r.RRule)
		w.strField("start", r.Start)
		w.strField("duration", r.Duration)
		w.omitStr("from", r.From)
		w.strings("exdates", true, r.ExDates)
		w.close('}')
	})
}

func (w *indentWriter) periods(k string, ps []Period) {
	list(w, k, true, ps, func(p *Period) {
		w.open('{')
		w.strField("from", p.From)
		w.strField("to", p.To)
		w.omitStr("reason", p.Reason)
		w.close('}')
	})
}

func (w *indentWriter) omitFloat(k string, v *float64) {
	if v != nil {
		w.key(k)
		w.float(*v)
	}
}

// problem writes a problem document.
//
// One long function: one block per field of Problem, in the struct's order, as
// encoding/json would write them; it reads as the struct does.
func (w *indentWriter) problem(p *Problem) {
	w.open('{')
	w.strField("format", p.Format)
	op := &p.Operation
	w.key("operation")
	w.open('{')
	w.strField("id", op.ID)
	w.omitStr("name", op.Name)
	w.strField("time_zone", op.TimeZone)
	w.strField("start", op.Start)
	w.strField("end", op.End)
	w.omitStr("holidays", op.Holidays)
	w.strings("extra_holidays", true, op.ExtraHolidays)
	w.omitStr("working_day", op.WorkingDay)
	w.recurrences("site_hours", true, op.SiteHours)
	if op.NoticeDays != nil {
		w.intField("notice_days", int64(*op.NoticeDays))
	}
	w.omitStr("now", op.Now)
	w.key("policy") // a struct: omitempty does not leave it out
	w.open('{')
	pol := &op.Policy
	w.omitFloat("makespan", pol.Makespan)
	w.omitFloat("dwelling_end", pol.DwellingEnd)
	w.omitFloat("disturbed_days", pol.DisturbedDays)
	w.omitFloat("preferred", pol.Preferred)
	w.omitFloat("soft_deadline", pol.SoftDeadline)
	w.close('}')
	if c := op.Contact; c != nil {
		w.key("contact")
		w.open('{')
		w.omitStr("name", c.Name)
		w.omitStr("phone", c.Phone)
		w.omitStr("email", c.Email)
		w.omitStr("hours", c.Hours)
		w.omitStr("address", c.Address)
		w.close('}')
	}
	w.close('}')
	list(w, "trades", false, p.Trades, func(t *Trade) {
		w.open('{')
		w.strField("id", t.ID)
		w.omitStr("name", t.Name)
		w.omitBool("noisy", t.Noisy)
		w.omitBool("dusty", t.Dusty)
		w.omitBool("cuts_water", t.CutsWater)
		w.omitBool("cuts_power", t.CutsPower)
		w.omitStr("access", t.Access)
		w.omitBool("needs_pilot", t.NeedsPilot)
		w.omitBool("pilot_only", t.PilotOnly)
		w.omitStr("preparation", t.Preparation)
		w.close('}')
	})
	list(w, "profiles", true, p.Profiles, func(pr *Profile) {
		w.open('{')
		w.strField("id", pr.ID)
		w.omitInt("max_interventions_per_day", int64(pr.MaxInterventionsPerDay))
		w.omitStr("no_work_before", pr.NoWorkBefore)
		w.omitStr("no_work_after", pr.NoWorkAfter)
		w.omitStr("noisy_dusty", pr.NoisyDusty)
		w.recurrences("noisy_hours", true, pr.NoisyHours)
		w.omitBool("power_cut_with_pilot", pr.PowerCutWithPilot)
		w.omitInt("max_water_out_days", int64(pr.MaxWaterOutDays))
		w.omitInt("max_disturbed_days_per_week", int64(pr.MaxDisturbedDaysPerWeek))
		w.omitBool("needs_carer", pr.NeedsCarer)
		w.close('}')
	})
	list(w, "buildings", false, p.Buildings, func(b *Building) {
		w.open('{')
		w.strField("id", b.ID)
		w.omitStr("name", b.Name)
		list(w, "stairwells", false, b.Stairwells, func(s *Stairwell) {
			w.open('{')
			w.strField("id", s.ID)
			w.close('}')
		})
		w.close('}')
	})
	list(w, "dwellings", false, p.Dwellings, func(d *Dwelling) {
		w.open('{')
		w.strField("id", d.ID)
		w.strField("building", d.Building)
		w.strField("stairwell", d.Stairwell)
		w.intField("floor", int64(d.Floor))
		w.omitInt("rooms", int64(d.Rooms))
		w.omitStr("household", d.Household)
		w.omitBool("vacant", d.Vacant)
		w.omitInt("max_crews", int64(d.MaxCrews))
		w.close('}')
	})
	list(w, "households", true, p.Households, func(h *Household) {
		w.open('{')
		w.strField("id", h.ID)
		w.recurrences("availability", false, h.Availability)
		w.recurrences("preferred", true, h.Preferred)
		w.periods("absences", h.Absences)
		w.omitBool("keys_with_pilot", h.KeysWithPilot)
		w.strings("profiles", true, h.Profiles)
		w.recurrences("carer_availability", true, h.CarerAvailability)
		w.close('}')
	})
	list(w, "crews", false, p.Crews, func(c *Crew) {
		w.open('{')
		w.strField("id", c.ID)
		w.omitStr("contractor", c.Contractor)
		w.strings("trades", false, c.Trades)
		w.omitInt("size", int64(c.Size))
		w.recurrences("calendar", true, c.Calendar)
		w.periods("unavailable", c.Unavailable)
		w.close('}')
	})
	list(w, "pilots", true, p.Pilots, func(pl *Pilot) {
		w.open('{')
		w.strField("id", pl.ID)
		w.recurrences("office_hours", true, pl.OfficeHours)
		w.omitBool("saturday", pl.Saturday)
		w.omitStr("contact", pl.Contact)
		w.periods("absences", pl.Absences)
		w.close('}')
	})
	list(w, "deliveries", true, p.Deliveries, func(d *Delivery) {
		w.open('{')
		w.strField("id", d.ID)
		w.omitStr("materials", d.Materials)
		w.strField("expected", d.Expected)
		w.close('}')
	})
	list(w, "sequences", true, p.Sequences, func(s *Sequence) {
		w.open('{')
		w.strField("before", s.Before)
		w.strField("after", s.After)
		w.omitStr("min_lag", s.MinLag)
		w.omitInt("min_lag_working_days", int64(s.MinLagWorkingDays))
		w.omitStr("max_lag", s.MaxLag)
		w.omitStr("scope", s.Scope)
		w.strings("dwellings", true, s.Dwellings)
		w.close('}')
	})
	list(w, "relocation_units", true, p.RelocationUnits, func(u *RelocationUnit) {
		w.open('{')
		w.strField("id", u.ID)
		w.omitStr("building", u.Building)
		w.close('}')
	})
	list(w, "relocations", true, p.Relocations, func(r *Relocation) {
		w.open('{')
		w.strField("household", r.Household)
		w.strField("unit", r.Unit)
		w.strField("from", r.From)
		w.strField("to", r.To)
		w.close('}')
	})
	list(w, "interventions", false, p.Interventions, func(iv *Intervention) {
		w.open('{')
		w.strField("id", iv.ID)
		w.strField("dwelling", iv.Dwelling)
		w.strField("trade", iv.Trade)
		w.strField("duration", iv.Duration)
		w.omitInt("crew_size", int64(iv.CrewSize))
		if iv.NeedsPilot != nil {
			w.key("needs_pilot")
			w.boolean(*iv.NeedsPilot)
		}
		w.omitStr("access", iv.Access)
		w.omitStr("release", iv.Release)
		w.omitStr("deadline", iv.Deadline)
		w.omitStr("soft_deadline", iv.SoftDeadline)
		w.strings("deliveries", true, iv.Deliveries)
		w.strings("after", true, iv.After)
		w.omitStr("relocation", iv.Relocation)
		w.omitStr("status", iv.Status)
		w.omitBool("pinned", iv.Pinned)
		w.omitStr("crew", iv.Crew)
		w.omitStr("pilot", iv.Pilot)
		w.omitStr("start", iv.Start)
		w.omitStr("end", iv.End)
		w.close('}')
	})
	w.close('}')
}
