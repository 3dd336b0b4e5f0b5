package constraints

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// HouseholdProfile is rule 7.
type HouseholdProfile struct{}

// NameHouseholdProfile is HouseholdProfile's name.
const NameHouseholdProfile = "household-profile"

var _ Checker = HouseholdProfile{}

func (HouseholdProfile) Name() string { return NameHouseholdProfile }
func (HouseholdProfile) Number() int  { return 7 }

// Requires says what the rule requires, in lang.
func (HouseholdProfile) Requires(lang Lang) string {
	return phrase{
		"the household's constraint profile holds: interventions per day, hours of work, noisy or dusty work, power cuts with the pilot, days without water or a bathroom (away in a relocation stay, they do not count), disturbed days per week",
		"le profil de contraintes du ménage est respecté : interventions par jour, horaires de travail, travaux bruyants ou poussiéreux, coupures de courant en présence du pilote, jours sans eau ou sans salle de bains (hors séjour en logement tiroir), jours dérangés par semaine", false}.in(lang)
}

var (
	_ taskCalendarer    = HouseholdProfile{}
	_ termCompiler      = HouseholdProfile{}
	_ unplacedExplainer = HouseholdProfile{}
)

// taskCalendar: the hours of work a profile allows, and when noisy or dusty
// work may be done.
func (HouseholdProfile) taskCalendar(b *taskBuild) error {
	c := b.c
	tr := c.Index.Trades[b.iv.Trade]
	for _, pr := range b.profiles {
		if tp := c.Typed.ProfileOf(pr); tp.NoWorkBefore.Set || tp.NoWorkAfter.Set {
			from, to := 0, 1440
			if tp.NoWorkBefore.Set {
				from = tp.NoWorkBefore.V
			}
			if tp.NoWorkAfter.Set {
				to = tp.NoWorkAfter.V
			}
			hours, _ := c.cached("hours|"+pr.ID, func() (*solver.Calendar, error) {
				return solver.NewCalendar(c.Clock.DailyHours(from, to)), nil
			})
			b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the hours allowed by profile %q", pr.ID),
				fmt.Sprintf("les horaires que permet le profil %s", frQ(pr.ID)), true}, hours)
		}
		if tr != nil && (tr.Noisy || tr.Dusty) {
			switch pr.NoisyDusty {
			case "relocated":
				stay, err := c.stayCalendar(b.h)
				if err != nil {
					return b.fail("relocation", err)
				}
				b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the household's relocation stay (profile %q allows noisy or dusty work only then)", pr.ID),
					fmt.Sprintf("le séjour du ménage en logement tiroir (le profil %s n'y autorise les travaux bruyants ou poussiéreux qu'à ce moment-là)", frQ(pr.ID)), false}, stay)
			case "hours":
				noisy, err := c.Clock.Calendar(c.Typed.ProfileOf(pr).NoisyHours)
				if err != nil {
					// a profile's rules stay out of messages, as in the validation
					return b.fail("profile noisy hours", fmt.Errorf("profile %q: its noisy hours cannot be expanded over the operation", pr.ID))
				}
				b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the hours for noisy or dusty work of profile %q", pr.ID),
					fmt.Sprintf("les horaires des travaux bruyants ou poussiéreux du profil %s", frQ(pr.ID)), true}, noisy)
			}
		}
	}
	return nil
}

// compileTerms: the household's limits over several interventions (per day,
// disturbed days per week, days without water).
func (HouseholdProfile) compileTerms(c *Compiled, g *taskGroups) error {
	p, x, sp := c.Model, c.Index, c.Problem
	nowMin, hasNow := 0, false
	if c.Typed.Now.OK() {
		nowMin, hasNow = c.Clock.Minute(c.Typed.Now.V), true
	}
	for _, d := range p.Dwellings {
		if !d.Occupied() {
			continue
		}
		h := x.Households[d.Household]
		if h == nil {
			continue
		}
		tasks := g.byDwelling[d.ID]
		for _, pid := range h.Profiles {
			pr := x.Profiles[pid]
			if pr == nil {
				continue
			}
			if pr.MaxInterventionsPerDay > 0 || pr.MaxDisturbedDaysPerWeek > 0 {
				sp.DayLimits = append(sp.DayLimits, solver.DayLimit{Name: d.ID + "/" + pid, Tasks: tasks,
					MaxPerDay: pr.MaxInterventionsPerDay, MaxDaysPerWeek: pr.MaxDisturbedDaysPerWeek})
			}
			for _, k := range []struct {
				days int
				name string
				cuts func(*model.Trade) bool
			}{
				{pr.MaxWaterOutDays, "", func(t *model.Trade) bool { return t.CutsWater }},
				{pr.MaxBathroomOutDays, "/bathroom", func(t *model.Trade) bool { return t.CutsBathroom }},
			} {
				if k.days <= 0 {
					continue
				}
				var cut []int
				limit := k.days * 24 * 60
				for _, t := range tasks {
					iv := c.Interventions[t]
					// the works during a relocation stay lie inside it: the
					// household is away, its water and bathroom not its concern
					if tr := x.Trades[iv.Trade]; tr != nil && k.cuts(tr) && iv.Relocation != model.RoleDuring {
						if waterOver(&sp.Tasks[t], nowMin, hasNow, limit) {
							continue
						}
						cut = append(cut, t)
					}
				}
				if len(cut) > 0 {
					// the dates a household lives without water: a limit of 21 is
					// broken by a cut touching 22 dates, however few hours that is
					sp.Spans = append(sp.Spans, solver.SpanLimit{Name: d.ID + "/" + pid + k.name, Tasks: cut, Max: k.days, Days: true})
				}
			}
		}
	}
	return nil
}

// waterLimited reports whether a profile of iv's household limits its days
// without water or a bathroom.
func waterLimited(c *Compiled, iv *model.Intervention) bool {
	for _, pr := range c.Index.ProfilesOf(iv) {
		if pr.MaxWaterOutDays > 0 || pr.MaxBathroomOutDays > 0 {
			return true
		}
	}
	return false
}

// waterOver reports whether a fixed water-cutting task ended more than the
// profile's limit before now: that water cut is over, and whatever still cuts
// water could never be within the limit of it. The limit then binds the cuts still
// to come (and those that ended within it) as a new stretch without water, as the
// verifier judges it.
func waterOver(t *solver.Task, now int, hasNow bool, limit int) bool {
	return hasNow && t.Fixed && t.End+limit <= now
}

// explainUnplaced: the days without water, or the limits per day and per week.
func (HouseholdProfile) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	iv := c.Interventions[t]
	switch p.Reason {
	case solver.ReasonSpan:
		if tr := c.Index.Trades[iv.Trade]; tr == nil || !(tr.CutsWater || tr.CutsBathroom) || !waterLimited(c, iv) || iv.Relocation == model.RoleDuring {
			return nil, false // another rule's span (heating, snags)
		}
		if rs, ok := c.unhousedReason(t, lang); ok {
			return rs, true
		}
		return []model.Reason{{Rule: NameHouseholdProfile, Message: phrase{
			fmt.Sprintf("the works that cut water (or the bathroom) in dwelling %s cannot fit in the days the household's profile allows", iv.Dwelling),
			fmt.Sprintf("Les travaux qui coupent l'eau (ou la salle de bains) dans le logement %s (dont %s) ne tiennent pas dans le nombre de jours que permet le profil du ménage", iv.Dwelling, iv.ID), false}.in(lang)}}, true
	case solver.ReasonDayLimit:
		return []model.Reason{{Rule: NameHouseholdProfile, Message: phrase{
			fmt.Sprintf("no day is left before the deadline within the household's limit of interventions per day or disturbed days per week (dwelling %s)", iv.Dwelling),
			fmt.Sprintf("Il ne reste aucun jour avant l'échéance où placer %s sans dépasser la limite d'interventions par jour ou de jours dérangés par semaine du ménage (logement %s)", iv.ID, iv.Dwelling), false}.in(lang)}}, true
	}
	return nil, false
}

// Check verifies rule 7, for each profile of the household of each occupied dwelling,
// over the dwelling's placed interventions (visits of the pilot included):
//   - MaxInterventionsPerDay: per local date, the interventions with a stretch that day;
//   - NoWorkBefore / NoWorkAfter: every part of a stretch, cut at local midnights,
//     runs between the two times of day;
//   - NoisyDusty "relocated": a noisy or dusty intervention lies, [Start, End], inside
//     one relocation stay of the household; "hours": each of its stretches inside
//     NoisyHours;
//   - PowerCutWithPilot: an intervention of a trade that cuts the power names a pilot;
//   - MaxWaterOutDays: from the earliest start to the latest end of the interventions
//     that cut water, at most that many local dates touched (a cut from Monday
//     08:00 to the next Monday 08:00 touches 8 dates); a fact that ended at least
//     that many times 24 hours before operation.now is over and left out (the cuts
//     to come are a new stretch);
//     MaxBathroomOutDays likewise for the interventions that cut the bathroom; a
//     cut inside a relocation stay of the household does not count;
//   - MaxDisturbedDaysPerWeek: distinct local dates with work, per ISO week.
//
// Messages name the dwelling, the household and the profile by id, nothing more.
func (r HouseholdProfile) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	for i := range v.Problem.Dwellings {
		d := &v.Problem.Dwellings[i]
		if !d.Occupied() {
			continue
		}
		h := x.Households[d.Household]
		placed := v.ByDwelling[d.ID]
		if h == nil || len(placed) == 0 {
			continue
		}
		for _, pid := range h.Profiles {
			pr := x.Profiles[pid]
			if pr == nil {
				continue
			}
			out = append(out, r.profile(v, d, h, pr, placed)...)
		}
	}
	return out
}

// profile checks one profile of household h over the placed interventions of
// dwelling d, part by part.
func (r HouseholdProfile) profile(v *Verification, d *model.Dwelling, h *model.Household, pr *model.Profile, placed []*Placed) []Violation {
	who := fmt.Sprintf("profile %s of household %s", pr.ID, h.ID)
	var out []Violation
	for _, part := range []func(*Verification, *model.Dwelling, *model.Household, *model.Profile, []*Placed, string) []Violation{
		r.profileCounts, r.profileHours, r.profileNoise, r.profileWater} {
		out = append(out, part(v, d, h, pr, placed, who)...)
	}
	return out
}

// profileCounts checks the profile's interventions per day and disturbed days per week.
func (r HouseholdProfile) profileCounts(v *Verification, d *model.Dwelling, h *model.Household, pr *model.Profile, placed []*Placed, who string) []Violation {
	var out []Violation
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	if pr.MaxInterventionsPerDay > 0 || pr.MaxDisturbedDaysPerWeek > 0 {
		perDate := map[string][]*Placed{}
		var midnight map[string]time.Time // each date of perDate, as a time (for the weeks)
		if pr.MaxDisturbedDaysPerWeek > 0 {
			midnight = map[string]time.Time{}
		}
		for _, pl := range placed {
			seen := map[string]bool{}
			for _, s := range pl.Stretches {
				if !s.End.After(s.Start) {
					continue
				}
				for _, day := range vfDays(s.Start, s.End, v.Loc) {
					date := day.Format(time.DateOnly)
					if !seen[date] {
						seen[date] = true
						perDate[date] = append(perDate[date], pl)
						if midnight != nil {
							midnight[date] = day
						}
					}
				}
			}
		}
		dates := vfSortedKeys(perDate)
		// facts (work begun before the plan was made) cannot be undone: a count
		// they already exceed on their own is broken only if planned work adds to it
		facts := func(l []*Placed) int {
			n := 0
			for _, pl := range l {
				if v.Fact(pl) {
					n++
				}
			}
			return n
		}
		if k := pr.MaxInterventionsPerDay; k > 0 {
			for _, date := range dates {
				l := perDate[date]
				if len(l) <= max(k, facts(l)) {
					continue
				}
				ids := make([]string, len(l))
				for j, pl := range l {
					ids[j] = pl.ID()
				}
				sort.Strings(ids)
				add(l[len(l)-1].ID(), "dwelling %s has %d interventions on %s (%s), %s allows %d a day",
					d.ID, len(l), date, strings.Join(ids, ", "), who, k)
			}
		}
		if w := pr.MaxDisturbedDaysPerWeek; w > 0 {
			perWeek := map[[2]int][]string{}
			for _, date := range dates {
				y, wk := midnight[date].ISOWeek()
				perWeek[[2]int{y, wk}] = append(perWeek[[2]int{y, wk}], date)
			}
			for key, ds := range perWeek {
				factDays := 0
				for _, date := range ds {
					if facts(perDate[date]) > 0 {
						factDays++
					}
				}
				if len(ds) <= max(w, factDays) {
					continue
				}
				over := ds[w] // dates are sorted: the first day beyond the limit
				add(perDate[over][0].ID(), "dwelling %s is disturbed on %d days in ISO week %d-W%02d (%s), %s allows %d",
					d.ID, len(ds), key[0], key[1], strings.Join(ds, ", "), who, w)
			}
		}
	}

	return out
}

// profileHours checks the profile's hours of work.
func (r HouseholdProfile) profileHours(v *Verification, d *model.Dwelling, h *model.Household, pr *model.Profile, placed []*Placed, who string) []Violation {
	var out []Violation
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	if tp := v.Typed.ProfileOf(pr); tp.NoWorkBefore.Set || tp.NoWorkAfter.Set {
		from, to := 0, 1440
		var err error
		if tp.NoWorkBefore.Set {
			if from, err = tp.NoWorkBefore.V, tp.NoWorkBefore.Err; err != nil {
				add("", "dwelling %s: no_work_before of %s cannot be read: %v", d.ID, who, err)
			}
		}
		if tp.NoWorkAfter.Set {
			if to, err = tp.NoWorkAfter.V, tp.NoWorkAfter.Err; err != nil {
				add("", "dwelling %s: no_work_after of %s cannot be read: %v", d.ID, who, err)
				to = 1440
			}
		}
		outside := func(s Stretch) bool {
			for _, piece := range vfDayPieces(s.Start, s.End, v.Loc) {
				a, b := vfClock(piece.From, v.Loc, false), vfClock(piece.To, v.Loc, true)
				if piece.To.Equal(vfDayStart(piece.From, v.Loc).AddDate(0, 0, 1)) {
					b = 1440 // up to midnight
				}
				if a < from || b > to {
					return true
				}
			}
			return false
		}
		for _, pl := range placed {
			if v.Fact(pl) {
				continue
			}
			for _, s := range pl.Stretches {
				if outside(s) {
					add(pl.ID(), "works %s, outside the hours %s allows (%s-%s)", v.span(s), who, vfClockText(from), vfClockText(to))
				}
			}
		}
	}

	return out
}

// profileNoise checks the profile's noisy or dusty work, and power cuts with the pilot.
func (r HouseholdProfile) profileNoise(v *Verification, d *model.Dwelling, h *model.Household, pr *model.Profile, placed []*Placed, who string) []Violation {
	var out []Violation
	x := v.Index
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	for _, pl := range placed {
		iv := pl.Intervention
		tr := x.Trades[iv.Trade]
		if tr == nil || v.Fact(pl) {
			continue
		}
		if tr.Noisy || tr.Dusty {
			switch pr.NoisyDusty {
			case "relocated":
				if !r.inStay(v, h, pl) {
					add(iv.ID, "noisy or dusty work %s while household %s is not relocated (%s)", v.span(Stretch{pl.Start, pl.End}), h.ID, who)
				}
			case "hours":
				for _, s := range pl.Stretches {
					in, err := v.Inside(v.Typed.ProfileOf(pr).NoisyHours, s.Start, s.End)
					if err != nil {
						add(iv.ID, "the noisy hours of %s cannot be read", who) // its rules stay out of messages
						break
					}
					if !in {
						add(iv.ID, "noisy or dusty work %s, outside the hours %s allows for it", v.span(s), who)
					}
				}
			}
		}
		if tr.CutsPower && pr.PowerCutWithPilot && pl.Assignment.Pilot == "" {
			add(iv.ID, "cuts the power without the pilot present (%s)", who)
		}
	}

	return out
}

// profileWater checks the profile's days without water and without a bathroom.
// A cut that lies inside a relocation stay of the household is not counted: the
// household lives elsewhere then.
func (r HouseholdProfile) profileWater(v *Verification, d *model.Dwelling, h *model.Household, pr *model.Profile, placed []*Placed, who string) []Violation {
	out := r.profileCut(v, d, h, placed, who, pr.MaxWaterOutDays, "water is out of use", func(t *model.Trade) bool { return t.CutsWater })
	return append(out, r.profileCut(v, d, h, placed, who, pr.MaxBathroomOutDays, "the bathroom is out of use", func(t *model.Trade) bool { return t.CutsBathroom })...)
}

// profileCut checks one limit of days without water or a bathroom.
func (r HouseholdProfile) profileCut(v *Verification, d *model.Dwelling, h *model.Household, placed []*Placed, who string, days int, what string, cuts func(*model.Trade) bool) []Violation {
	var out []Violation
	x := v.Index
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	if days > 0 {
		var first, last *Placed
		limit := time.Duration(days) * 24 * time.Hour
		for _, pl := range placed {
			tr := x.Trades[pl.Intervention.Trade]
			if tr == nil || !cuts(tr) || r.inStay(v, h, pl) {
				continue
			}
			if v.nowOK && v.Fact(pl) && !pl.End.Add(limit).After(v.now) {
				// a cut over more than the limit before now: what still cuts
				// water is a new stretch without water
				continue
			}
			if first == nil || pl.Start.Before(first.Start) {
				first = pl
			}
			if last == nil || pl.End.After(last.End) || (pl.End.Equal(last.End) && pl.ID() > last.ID()) {
				last = pl
			}
		}
		if first != nil {
			if n := len(vfDays(first.Start, last.End, v.Loc)); n > days {
				add(last.ID(), "%s in dwelling %s from %s (%s) to %s (%s), on %d dates, more than the %d days %s allows",
					what, d.ID, v.at(first.Start), first.ID(), v.at(last.End), last.ID(), n, days, who)
			}
		}
	}
	return out
}

// inStay reports whether [Start, End] of pl lies inside one relocation stay of h.
func (r HouseholdProfile) inStay(v *Verification, h *model.Household, pl *Placed) bool {
	for _, st := range v.Index.Stays[h.ID] {
		tst := v.Typed.RelocationOf(st)
		a, b := tst.From.V, tst.To.V
		if tst.From.Err == nil && tst.To.Err == nil && !pl.Start.Before(a) && !pl.End.After(b) {
			return true
		}
	}
	return false
}

func vfClockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
