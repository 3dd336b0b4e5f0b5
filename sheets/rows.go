package sheets

import (
	"strconv"
	"strings"

	"github.com/rehabplan/rehabplan/model"
)

// This file turns a problem into the cells of the template's sheets. Each cell is a
// string (text), an int, a float64, or a typed value (dateV, clockV, momentV) whose
// style the writer chooses.

// Typed cells: the writer gives each its number format.
type (
	dateV   float64 // a serial date
	clockV  float64 // a fraction of a day
	stampV  float64 // a serial date and time
	helpRow struct{}
)

func toDate(s string) any {
	if v, ok := dateCell(s).(float64); ok {
		return dateV(v)
	}
	return s
}

func toClock(s string) any {
	if v, ok := clockCell(s).(float64); ok {
		return clockV(v)
	}
	return s
}

func toMoment(s string) any {
	v, hasTime := momentCell(s)
	if f, ok := v.(float64); ok {
		if hasTime {
			return stampV(f)
		}
		return dateV(f)
	}
	return s
}

func optInt(n int) any {
	if n == 0 {
		return ""
	}
	return n
}

func optFloat(v *float64) any {
	if v == nil {
		return ""
	}
	return *v
}

func datesToSheet(ds []string) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		if t, ok := canonicalDate(d); ok {
			out[i] = t.Format("02/01/2006")
		} else {
			out[i] = d
		}
	}
	return listToSheet(out)
}

// operationRows is the (parameter, value, explanation) rows of Opération.
func operationRows(p *model.Problem) [][]any {
	o := &p.Operation
	vals := map[string]any{
		"operation.id":                    o.ID,
		"operation.name":                  o.Name,
		"operation.time_zone":             o.TimeZone,
		"operation.start":                 toDate(o.Start),
		"operation.end":                   toDate(o.End),
		"operation.holidays":              enumHolidays.label(o.Holidays),
		"operation.extra_holidays":        datesToSheet(o.ExtraHolidays),
		"operation.working_day":           durationToSheet(o.WorkingDay),
		"operation.notice_days":           "",
		"operation.now":                   toMoment(o.Now),
		"operation.policy.makespan":       optFloat(o.Policy.Makespan),
		"operation.policy.dwelling_end":   optFloat(o.Policy.DwellingEnd),
		"operation.policy.disturbed_days": optFloat(o.Policy.DisturbedDays),
		"operation.policy.preferred":      optFloat(o.Policy.Preferred),
		"operation.policy.soft_deadline":  optFloat(o.Policy.SoftDeadline),
		"operation.policy.burden":         optFloat(o.Policy.Burden),
		"operation.policy.same_pilot":     optFloat(o.Policy.SamePilot),
	}
	if hs := o.Policy.HeatingSeason; hs != nil {
		vals["operation.policy.heating_season.from"], vals["operation.policy.heating_season.to"] = hs.From, hs.To
	}
	for key, n := range map[string]*int{"operation.policy.max_heating_cut_hours": o.Policy.MaxHeatingCutHours,
		"operation.policy.survey_weeks": o.Policy.SurveyWeeks, "operation.policy.snag_deadline_days": o.Policy.SnagDeadlineDays,
		"operation.policy.burden_days": o.Policy.BurdenDays} {
		if n != nil {
			vals[key] = *n
		}
	}
	if r := o.Rehousing; r != nil {
		vals["operation.rehousing"], vals["operation.rehousing.removal_trade"] = "oui", r.RemovalTrade
		if r.CleaningDays != nil {
			vals["operation.rehousing.cleaning_days"] = *r.CleaningDays
		}
	}
	if o.NoticeDays != nil {
		vals["operation.notice_days"] = *o.NoticeDays
	}
	if c := o.Contact; c != nil {
		vals["operation.contact.name"], vals["operation.contact.phone"], vals["operation.contact.email"] = c.Name, c.Phone, c.Email
		vals["operation.contact.hours"], vals["operation.contact.address"] = c.Hours, c.Address
	}
	rows := make([][]any, len(operationParams))
	for i, pr := range operationParams {
		rows[i] = []any{pr.label, vals[pr.key], pr.help}
	}
	return rows
}

// tableRows is the rows of every table sheet, by sheet name.
func tableRows(p *model.Problem) map[string][][]any {
	t := map[string][][]any{}
	for _, b := range p.Buildings {
		if len(b.Stairwells) == 0 {
			t[SheetBuildings] = append(t[SheetBuildings], []any{b.ID, b.Name, ""})
		}
		for _, s := range b.Stairwells {
			t[SheetBuildings] = append(t[SheetBuildings], []any{b.ID, b.Name, s.ID})
		}
	}
	for _, d := range p.Dwellings {
		vac := ""
		if d.Vacant {
			vac = "oui"
		}
		t[SheetDwellings] = append(t[SheetDwellings], []any{d.ID, d.Building, d.Stairwell, d.Floor, optInt(d.Rooms), d.Household, vac, optInt(d.MaxCrews)})
	}
	avail := availabilityRows(p)
	t[SheetAvailability] = avail
	for _, h := range p.Households {
		var m3 any = ""
		if h.FurnitureM3 != 0 {
			m3 = h.FurnitureM3
		}
		t[SheetHouseholds] = append(t[SheetHouseholds], []any{h.ID, yesNo(h.KeysWithPilot), listToSheet(h.Profiles), m3, h.Pilot})
	}
	for _, pr := range p.Profiles {
		t[SheetProfiles] = append(t[SheetProfiles], []any{pr.ID, optInt(pr.MaxInterventionsPerDay), toClock(pr.NoWorkBefore), toClock(pr.NoWorkAfter),
			enumNoisy.label(pr.NoisyDusty), yesNo(pr.PowerCutWithPilot), optInt(pr.MaxWaterOutDays), optInt(pr.MaxBathroomOutDays), optInt(pr.MaxDisturbedDaysPerWeek), yesNo(pr.NeedsCarer)})
	}
	for _, c := range p.Crews {
		t[SheetCrews] = append(t[SheetCrews], []any{c.ID, c.Contractor, listToSheet(c.Trades), optInt(c.Size)})
	}
	for _, pl := range p.Pilots {
		t[SheetPilots] = append(t[SheetPilots], []any{pl.ID, yesNo(pl.Saturday), pl.Contact})
	}
	n := max(len(p.Trades), len(p.Sequences))
	for i := 0; i < n; i++ {
		row := make([]any, len(tradesDef.cols))
		for k := range row {
			row[k] = ""
		}
		if i < len(p.Trades) {
			tr := p.Trades[i]
			copy(row, []any{tr.ID, tr.Name, yesNo(tr.Noisy), yesNo(tr.Dusty), yesNo(tr.CutsWater), yesNo(tr.CutsPower),
				yesNo(tr.CutsHeating), enumStage.label(tr.Stage), enumAccess.label(tr.Access), yesNo(tr.NeedsPilot), yesNo(tr.PilotOnly), "", tr.Preparation, optIntPtr(tr.NoticeDays), yesNo(tr.CutsBathroom)})
		}
		if i < len(p.Sequences) {
			s := p.Sequences[i]
			copy(row[seqFrom:], []any{s.Before, s.After, durationToSheet(s.MinLag), optInt(s.MinLagWorkingDays),
				durationToSheet(s.MaxLag), enumScope.label(s.Scope), listToSheet(s.Dwellings)})
		}
		t[SheetTrades] = append(t[SheetTrades], row)
	}
	for _, d := range p.Deliveries {
		t[SheetDeliveries] = append(t[SheetDeliveries], []any{d.ID, d.Materials, toMoment(d.Expected)})
	}
	for _, u := range p.RelocationUnits {
		t[SheetUnits] = append(t[SheetUnits], []any{u.ID, u.Building, toDate(u.AvailableFrom), toDate(u.AvailableTo)})
	}
	for _, r := range p.Relocations {
		t[SheetRelocations] = append(t[SheetRelocations], []any{r.Household, r.Unit, toMoment(r.From), toMoment(r.To)})
	}
	for _, iv := range p.Interventions {
		np := ""
		if iv.NeedsPilot != nil {
			np = yesNo(*iv.NeedsPilot)
		}
		pinned := ""
		if iv.Pinned {
			pinned = "oui"
		}
		t[SheetInterventions] = append(t[SheetInterventions], []any{iv.ID, iv.Dwelling, iv.Trade, durationToSheet(iv.Duration), optInt(iv.CrewSize),
			np, enumAccess.label(iv.Access), toMoment(iv.Release), toMoment(iv.Deadline), toMoment(iv.SoftDeadline),
			listToSheet(iv.Deliveries), listToSheet(iv.After), enumRelocation.label(iv.Relocation), enumStatus.label(iv.Status),
			pinned, iv.Crew, iv.Pilot, toMoment(iv.Start), toMoment(iv.End), iv.SnagOf, iv.CheckOf})
	}
	return t
}

// availabilityRows is the rows of Disponibilités: every recurring window and period
// of the operation, households, crews, pilots and profiles, owner by owner.
func availabilityRows(p *model.Problem) [][]any {
	var rows [][]any
	rec := func(nat, owner string, rs []model.Recurrence) {
		for _, r := range rs {
			rows = append(rows, recurrenceRow(nat, owner, r))
		}
	}
	per := func(nat, owner string, ps []model.Period) {
		for _, pr := range ps {
			rows = append(rows, periodRow(nat, owner, pr))
		}
	}
	rec("site_hours", "", p.Operation.SiteHours)
	for _, h := range p.Households {
		rec("availability", h.ID, h.Availability)
		rec("preferred", h.ID, h.Preferred)
		rec("carer_availability", h.ID, h.CarerAvailability)
		per("absences", h.ID, h.Absences)
	}
	for _, c := range p.Crews {
		rec("calendar", c.ID, c.Calendar)
		per("unavailable", c.ID, c.Unavailable)
	}
	for _, pl := range p.Pilots {
		rec("office_hours", pl.ID, pl.OfficeHours)
		per("pilot_absences", pl.ID, pl.Absences)
		for _, s := range pl.Sessions {
			rows = append(rows, sessionRow(pl.ID, s))
		}
		for _, f := range pl.Favours {
			rows = append(rows, append(recurrenceRow("favours", pl.ID, f.Recurrence()), f.Household))
		}
	}
	for _, pr := range p.Profiles {
		rec("noisy_hours", pr.ID, pr.NoisyHours)
	}
	return rows
}

func natureLabel(key string) string {
	for _, n := range natures {
		if n.key == key {
			return n.label
		}
	}
	return key
}

// recurrenceRow writes a recurrence in the structured columns when they can say it
// exactly (days, from, to, until), else with the raw RRULE and Durée columns.
func recurrenceRow(nat, owner string, r model.Recurrence) []any {
	row := []any{natureLabel(nat), owner, "", toClock(r.Start), "", toDate(r.From), "", datesToSheet(r.ExDates), "", "", ""}
	days, until, ok := structuredRule(r.RRule)
	start, okStart := clockFromSheet(r.Start)
	d, err := model.ParseDuration(r.Duration, 0)
	if ok && okStart && start == r.Start && err == nil && d > 0 && d <= 24*60 && minutesText(d) == r.Duration {
		c, _ := model.ParseClock(r.Start)
		row[2] = days
		row[4] = toClock(clockText((c + d) % 1440))
		if until != "" {
			row[6] = toDate(until)
		}
		return row
	}
	row[8] = r.RRule
	row[9] = durationToSheet(r.Duration)
	return row
}

// sessionRow writes a pilot's session: a recurring one as a recurrence, a dated
// one with its date in Du and Au and no days.
func sessionRow(pilot string, s model.Session) []any {
	if s.Date == "" || s.RRule != "" {
		return recurrenceRow("sessions", pilot, s.Recurrence())
	}
	row := []any{natureLabel("sessions"), pilot, "", toClock(s.Start), "", toDate(s.Date), toDate(s.Date), "", "", "", ""}
	start, okStart := clockFromSheet(s.Start)
	d, err := model.ParseDuration(s.Duration, 0)
	if okStart && start == s.Start && err == nil && d > 0 && d < 24*60 && minutesText(d) == s.Duration {
		c, _ := model.ParseClock(s.Start)
		row[4] = toClock(clockText((c + d) % 1440))
	} else {
		row[9] = durationToSheet(s.Duration)
	}
	return row
}

// optIntPtr is an optional whole number: empty for nil.
func optIntPtr(n *int) any {
	if n == nil {
		return ""
	}
	return *n
}

// periodRow writes a period: Du and Au hold its dates, De and À the times of a
// local wall time ("2027-03-01T10:00"); other forms go verbatim in Du and Au.
func periodRow(nat, owner string, pr model.Period) []any {
	row := []any{natureLabel(nat), owner, "", "", "", "", "", "", "", "", pr.Reason}
	split := func(s string) (date, clock any) {
		if _, ok := canonicalDate(s); ok {
			return toDate(s), ""
		}
		if len(s) == 16 && s[10] == 'T' {
			if _, ok := canonicalDate(s[:10]); ok {
				if c, ok := clockFromSheet(s[11:]); ok && c == s[11:] {
					return toDate(s[:10]), toClock(c)
				}
			}
		}
		return s, ""
	}
	row[5], row[3] = split(pr.From)
	row[6], row[4] = split(pr.To)
	return row
}

// ownerIDs is every id a row of Disponibilités may name, for its drop-down.
func ownerIDs(p *model.Problem) []string {
	var out []string
	for _, h := range p.Households {
		out = append(out, h.ID)
	}
	for _, c := range p.Crews {
		out = append(out, c.ID)
	}
	for _, pl := range p.Pilots {
		out = append(out, pl.ID)
	}
	for _, pr := range p.Profiles {
		out = append(out, pr.ID)
	}
	return out
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }

// trimAll trims every string of a list.
func trimAll(ss []string) []string {
	for i := range ss {
		ss[i] = strings.TrimSpace(ss[i])
	}
	return ss
}
