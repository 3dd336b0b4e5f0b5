package model

// Clone deep-copies a problem: the copy shares no slice, map or pointer with p
// (strings, immutable, are shared). It is what a round trip through JSON gives,
// without the encoding: a list tagged omitempty that is empty comes back nil, one
// without omitempty keeps being nil or empty. (It does not replace invalid UTF-8 in
// strings, which a decoded problem never holds.)
func (p *Problem) Clone() *Problem {
	if p == nil {
		return nil
	}
	q := *p
	q.Operation = p.Operation.clone()
	q.Trades = keep(p.Trades)
	for i := range q.Trades {
		q.Trades[i].NoticeDays = clonePtr(q.Trades[i].NoticeDays)
	}
	q.Profiles = omit(p.Profiles)
	for i := range q.Profiles {
		q.Profiles[i].NoisyHours = cloneRecurrences(q.Profiles[i].NoisyHours)
	}
	q.Buildings = keep(p.Buildings)
	for i := range q.Buildings {
		q.Buildings[i].Stairwells = keep(q.Buildings[i].Stairwells)
	}
	q.Dwellings = keep(p.Dwellings)
	q.Households = omit(p.Households)
	for i := range q.Households {
		h := &q.Households[i]
		h.Availability = keepRecurrences(h.Availability)
		h.Preferred = cloneRecurrences(h.Preferred)
		h.Absences = omit(h.Absences)
		h.Profiles = omit(h.Profiles)
		h.CarerAvailability = cloneRecurrences(h.CarerAvailability)
	}
	q.Crews = keep(p.Crews)
	for i := range q.Crews {
		c := &q.Crews[i]
		c.Trades = keep(c.Trades)
		c.Calendar = cloneRecurrences(c.Calendar)
		c.Unavailable = omit(c.Unavailable)
	}
	q.Pilots = omit(p.Pilots)
	for i := range q.Pilots {
		pl := &q.Pilots[i]
		pl.OfficeHours = cloneRecurrences(pl.OfficeHours)
		pl.Sessions = omit(pl.Sessions)
		pl.Favours = omit(pl.Favours)
		pl.Absences = omit(pl.Absences)
	}
	q.Deliveries = omit(p.Deliveries)
	q.Sequences = omit(p.Sequences)
	for i := range q.Sequences {
		q.Sequences[i].Dwellings = omit(q.Sequences[i].Dwellings)
	}
	q.RelocationUnits = omit(p.RelocationUnits)
	q.Relocations = omit(p.Relocations)
	q.Interventions = keep(p.Interventions)
	for i := range q.Interventions {
		iv := &q.Interventions[i]
		iv.NeedsPilot = clonePtr(iv.NeedsPilot)
		iv.Deliveries = omit(iv.Deliveries)
		iv.After = omit(iv.After)
	}
	return &q
}

func (o Operation) clone() Operation {
	o.ExtraHolidays = omit(o.ExtraHolidays)
	o.SiteHours = cloneRecurrences(o.SiteHours)
	o.NoticeDays = clonePtr(o.NoticeDays)
	pol := &o.Policy
	pol.Makespan = clonePtr(pol.Makespan)
	pol.DwellingEnd = clonePtr(pol.DwellingEnd)
	pol.DisturbedDays = clonePtr(pol.DisturbedDays)
	pol.Preferred = clonePtr(pol.Preferred)
	pol.SoftDeadline = clonePtr(pol.SoftDeadline)
	pol.PilotExtraHours = clonePtr(pol.PilotExtraHours)
	pol.HeatingSeason = clonePtr(pol.HeatingSeason)
	pol.MaxHeatingCutHours = clonePtr(pol.MaxHeatingCutHours)
	pol.SurveyWeeks = clonePtr(pol.SurveyWeeks)
	pol.SnagDeadlineDays = clonePtr(pol.SnagDeadlineDays)
	pol.BurdenDays = clonePtr(pol.BurdenDays)
	pol.Burden = clonePtr(pol.Burden)
	pol.SamePilot = clonePtr(pol.SamePilot)
	o.Contact = clonePtr(o.Contact)
	if o.Rehousing != nil {
		o.Rehousing = clonePtr(o.Rehousing)
		o.Rehousing.CleaningDays = clonePtr(o.Rehousing.CleaningDays)
	}
	return o
}

// cloneRecurrences copies a list tagged omitempty, and each recurrence's ExDates.
func cloneRecurrences(rs []Recurrence) []Recurrence {
	out := omit(rs)
	for i := range out {
		out[i].ExDates = omit(out[i].ExDates)
	}
	return out
}

// keepRecurrences copies a list without omitempty, and each recurrence's ExDates.
func keepRecurrences(rs []Recurrence) []Recurrence {
	out := keep(rs)
	for i := range out {
		out[i].ExDates = omit(out[i].ExDates)
	}
	return out
}

// omit copies a list tagged omitempty: empty, it becomes nil (JSON leaves it out).
func omit[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// keep copies a list without omitempty: nil stays nil (JSON null), empty stays empty.
func keep[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func clonePtr[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}
