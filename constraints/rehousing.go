package constraints

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Rehousing planned by the planner (operation.rehousing), on the search's side:
// who needs a stay in a relocation unit, and which unit and dates each gets. The
// verifier does not share this: it checks the stays the plan gives (rule 12,
// rehousing) and the limits they serve (rule 7, household-profile).

// StayNeed is why a household needs a stay: its works, back to back, would leave
// it without water (or a bathroom) on an estimated Dates dates, over the Limit
// its profiles allow.
type StayNeed struct {
	Household, Dwelling string
	Reason              string // model.StayForWater or model.StayForBathroom
	Dates, Limit        int
}

// dwellingWorks is the estimate of a dwelling's works back to back, in days: each
// intervention's earliest start (es) and length (dur) from the start of the
// dwelling's first one, a working day of work counting one day and the lags of
// the dwelling's trade sequences (and its after links) their days (min_lag over
// 24 hours, plus min_lag_working_days). Done interventions are left out.
type dwellingWorks struct {
	ivs     []*model.Intervention
	es, dur []float64
}

func worksOf(p *model.Problem, tv *model.Typed, ivs []*model.Intervention) *dwellingWorks {
	wd := float64(max(1, tv.WorkingDay))
	w := &dwellingWorks{}
	pos := map[string]int{}
	byTrade := map[string][]int{}
	for _, iv := range ivs {
		if iv.StatusOf() == model.StatusDone {
			continue
		}
		m := tv.InterventionOf(iv).Minutes
		pos[iv.ID] = len(w.ivs)
		byTrade[iv.Trade] = append(byTrade[iv.Trade], len(w.ivs))
		w.ivs = append(w.ivs, iv)
		w.dur = append(w.dur, float64(m.V)/wd)
	}
	type arc struct {
		from, to int
		lag      float64
	}
	var arcs []arc
	typed := tv.Sequences()
	for k, s := range p.Sequences {
		if s.Scope == "stairwell" || len(w.ivs) == 0 {
			continue
		}
		if len(s.Dwellings) > 0 && !containsString(s.Dwellings, w.ivs[0].Dwelling) {
			continue
		}
		lag := float64(s.MinLagWorkingDays)
		if m := typed[k].MinLag; m.OK() {
			lag += float64(m.V) / (24 * 60)
		}
		for _, a := range byTrade[s.Before] {
			for _, b := range byTrade[s.After] {
				arcs = append(arcs, arc{a, b, lag})
			}
		}
	}
	for i, iv := range w.ivs {
		for _, id := range iv.After {
			if j, ok := pos[id]; ok {
				arcs = append(arcs, arc{j, i, 0})
			}
		}
	}
	w.es = make([]float64, len(w.ivs))
	for range w.ivs { // longest paths: at most one pass per intervention
		changed := false
		for _, a := range arcs {
			if at := w.es[a.from] + w.dur[a.from] + a.lag; at > w.es[a.to]+1e-9 {
				w.es[a.to], changed = at, true
			}
		}
		if !changed {
			break
		}
	}
	return w
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// span is the estimated stretch, in days, from the start of the first to the
// end of the last of the works that keep returns true for; ok false when none.
func (w *dwellingWorks) span(keep func(iv *model.Intervention) bool) (first, last float64, ok bool) {
	for i, iv := range w.ivs {
		if !keep(iv) {
			continue
		}
		if !ok || w.es[i] < first {
			first = w.es[i]
		}
		if !ok || w.es[i]+w.dur[i] > last {
			last = w.es[i] + w.dur[i]
		}
		ok = true
	}
	return first, last, ok
}

// StayNeeds lists the households that need a stay (operation.rehousing set): an
// occupied dwelling whose household has no stay booked, no intervention with a
// relocation role, and a profile limit of days without water
// (max_water_out_days) or without a bathroom (max_bathroom_out_days) that its
// works back to back (dwellingWorks) would break. In the order of the dwellings.
func StayNeeds(p *model.Problem) []StayNeed {
	if p.Operation.Rehousing == nil {
		return nil
	}
	x := model.NewIndex(p)
	tv := p.Typed() // read once: a problem not validated has no view kept
	byDwelling := map[string][]*model.Intervention{}
	roles := map[string]bool{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		byDwelling[iv.Dwelling] = append(byDwelling[iv.Dwelling], iv)
		if iv.Relocation != "" {
			roles[iv.Dwelling] = true
		}
	}
	var out []StayNeed
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		if !d.Occupied() || roles[d.ID] {
			continue
		}
		h := x.Households[d.Household]
		if h == nil || len(x.Stays[h.ID]) > 0 {
			continue
		}
		water, bath := 0, 0
		for _, pid := range h.Profiles {
			if pr := x.Profiles[pid]; pr != nil {
				water = minPositive(water, pr.MaxWaterOutDays)
				bath = minPositive(bath, pr.MaxBathroomOutDays)
			}
		}
		if water == 0 && bath == 0 {
			continue
		}
		w := worksOf(p, tv, byDwelling[d.ID])
		for _, k := range []struct {
			reason string
			limit  int
			cuts   func(t *model.Trade) bool
		}{
			{model.StayForWater, water, func(t *model.Trade) bool { return t.CutsWater }},
			{model.StayForBathroom, bath, func(t *model.Trade) bool { return t.CutsBathroom }},
		} {
			if k.limit == 0 {
				continue
			}
			first, last, ok := w.span(func(iv *model.Intervention) bool {
				t := x.Trades[iv.Trade]
				return t != nil && k.cuts(t)
			})
			if dates := int(math.Ceil(last - first - 1e-9)); ok && dates > k.limit {
				out = append(out, StayNeed{Household: h.ID, Dwelling: d.ID, Reason: k.reason, Dates: dates, Limit: k.limit})
				break
			}
		}
	}
	return out
}

func minPositive(a, b int) int {
	switch {
	case b <= 0:
		return a
	case a <= 0:
		return b
	}
	return min(a, b)
}

// SketchEffort is the effort of the caller's search, which the first
// construction PlanStays draws the stays from follows.
type SketchEffort struct {
	// TimeLimit is the caller's time limit (0: the solver's default, 10 s).
	TimeLimit time.Duration
	// WorkLimit is the caller's work limit (0: none). With one, the caller's run
	// is deterministic, so the sketch is not cut by time: where it stops would
	// depend on the machine, and with it the stays and what they let be placed.
	WorkLimit int
}

// noTimeCut is the sketch's time limit under a work limit: none that a
// construction could reach (a cancelled context still stops it).
const noTimeCut = time.Duration(math.MaxInt64 / 2)

// sketchSettings are the solver's settings of the sketch: one construction, on
// one worker, with no bound; with a work limit no time cut, else the caller's
// time limit.
func (e SketchEffort) sketchSettings() *solver.Settings {
	set := &solver.Settings{WorkLimit: 1, Workers: 1, NoBound: true, TimeLimit: e.TimeLimit}
	if e.WorkLimit > 0 {
		set.TimeLimit = noTimeCut
	}
	return set
}

// stayMarginDays is the slack of a planned stay beyond its works: room for the
// crews' other work.
const stayMarginDays = 10

// sketch is where a first construction of the operation, with the households
// of needs free of their limits, puts the works that cut water or the bathroom
// of each of their dwellings: the first start and the last end, by dwelling.
// It tells when the crews reach each dwelling; nil when it cannot be had. It
// runs with the caller's effort (sketchSettings), stops with ctx and reports
// its steps to tm (nil: nothing).
func sketch(ctx context.Context, p *model.Problem, needs []StayNeed, e SketchEffort, tm solver.Timer) map[string][2]time.Time {
	t0 := time.Now()
	q := p.Clone()
	need := map[string]bool{}
	for _, n := range needs {
		need[n.Household] = true
	}
	limits := map[string]bool{}
	for _, pr := range q.Profiles {
		if pr.MaxWaterOutDays > 0 || pr.MaxBathroomOutDays > 0 {
			limits[pr.ID] = true
		}
	}
	for i := range q.Households {
		if h := &q.Households[i]; need[h.ID] {
			h.Profiles = slices.DeleteFunc(h.Profiles, func(id string) bool { return limits[id] })
		}
	}
	tm.Since("copy", t0)
	t0 = time.Now()
	if model.Validate(q) != nil {
		return nil
	}
	tm.Since("validate", t0)
	t0 = time.Now()
	c, err := CompileTimed(q, tm.Prefixed("compile"))
	if err != nil {
		return nil
	}
	tm.Since("compile", t0)
	t0 = time.Now()
	set := e.sketchSettings()
	set.Timings = tm.Prefixed("solve")
	res, err := solver.Solve(ctx, c.Problem, set)
	if err != nil {
		return nil
	}
	tm.Since("solve", t0)
	out := map[string][2]time.Time{}
	for t, pl := range res.Placements {
		iv := c.Interventions[t]
		tr := c.Index.Trades[iv.Trade]
		if !pl.Placed || tr == nil || !(tr.CutsWater || tr.CutsBathroom) || !need[c.Index.Dwellings[iv.Dwelling].Household] {
			continue
		}
		a, b := c.Clock.Time(pl.Start), c.Clock.Time(pl.End)
		w, ok := out[iv.Dwelling]
		if !ok || a.Before(w[0]) {
			w[0] = a
		}
		if !ok || b.After(w[1]) {
			w[1] = b
		}
		out[iv.Dwelling] = w
	}
	return out
}

// PlanStays chooses a stay for each household of StayNeeds. A first
// construction of the operation with those households free of their limits
// (sketch) says when the crews reach their works that cut water or the
// bathroom: the stay starts the working day before (for the move out) and lasts
// to the day after their end, plus stayMarginDays; at least as long as those
// works back to back, plus a day for each move, spread over the weekends (7 days
// for 5), plus stayMarginDays. It starts on a weekday no earlier than the
// operation's start, the notice owed at operation.now, and the deliveries and
// releases of those works. Households go
// by that earliest start (then the order of the dwellings), each to the unit
// where its stay starts first: inside the unit's availability and the horizon,
// and the unit's cleaning days (Rehousing.CleaningDaysOf) apart from every other
// stay in it. A household no unit can take gets no stay (its works then cannot
// keep its limit, and say so). The moves are "<dwelling>/move-out" and
// "<dwelling>/move-back". The sketch follows the caller's effort e and stops
// with ctx.
func PlanStays(ctx context.Context, p *model.Problem, e SketchEffort) []model.Stay {
	return PlanStaysTimed(ctx, p, e, nil)
}

// PlanStaysTimed is PlanStays reporting to tm (nil: nothing) the wall time of
// its sketch and of the steps of the sketch (copy, validate, compile, solve).
func PlanStaysTimed(ctx context.Context, p *model.Problem, e SketchEffort, tm solver.Timer) []model.Stay {
	needs := StayNeeds(p)
	if len(needs) == 0 {
		return nil
	}
	t0 := time.Now()
	drawn := sketch(ctx, p, needs, e, tm.Prefixed("sketch"))
	tm.Since("sketch", t0)
	return PlaceStays(p, needs, drawn)
}

// PlaceStays is PlanStays for the given needs, with the dates of their works
// read from drawn (by dwelling, the first start and the last end of its works
// that cut water or the bathroom) instead of a first construction: a replan
// passes the old plan's appointments, so that the stay wraps them and they can
// stay where they were. A dwelling not in drawn gets its stay as early as its
// works allow.
//
// The stays are estimated first (stayCandidates), then given a unit each in the
// order of their earliest day (unitBook.place), the units' booked days read once.
func PlaceStays(p *model.Problem, needs []StayNeed, drawn map[string][2]time.Time) []model.Stay {
	if len(needs) == 0 {
		return nil
	}
	tv := p.Typed()
	cands := stayCandidates(p, tv, needs, drawn)
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].earliest.Before(cands[b].earliest) })
	book := newUnitBook(p, tv)
	var out []model.Stay
	for _, cd := range cands {
		if st, ok := book.place(p, cd); ok {
			out = append(out, st)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].From < out[b].From })
	return out
}

// stayCand is a stay to place: its need, the earliest day it may start and how
// many days it lasts.
type stayCand struct {
	need     StayNeed
	earliest time.Time
	days     int
}

// dayIn is t's day at midnight in loc (t's own clock, read in loc).
func dayIn(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// stayCandidates estimates each need's stay: it starts no earlier than the
// notice floor, the releases and the deliveries of the works it wraps, and lasts
// those works' span (in working days) plus a margin; a dwelling in drawn wraps
// the drawn dates, from the working day before.
func stayCandidates(p *model.Problem, tv *model.Typed, needs []StayNeed, drawn map[string][2]time.Time) []stayCand {
	loc := tv.Loc
	x := model.NewIndex(p)
	day := func(t time.Time) time.Time { return dayIn(t, loc) }
	floor := tv.Start.V
	if tv.Now.OK() {
		floor = maxTime(floor, p.NoticeFloor(tv.Now.V, loc))
	}
	byDwelling := map[string][]*model.Intervention{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		byDwelling[iv.Dwelling] = append(byDwelling[iv.Dwelling], iv)
	}
	during := func(iv *model.Intervention) bool {
		t := x.Trades[iv.Trade]
		return t != nil && (t.CutsWater || t.CutsBathroom) && !iv.Fixed()
	}
	cands := make([]stayCand, 0, len(needs))
	for _, n := range needs {
		w := worksOf(p, tv, byDwelling[n.Dwelling])
		first, last, _ := w.span(during)
		e := floor
		for _, iv := range w.ivs {
			if !during(iv) {
				continue
			}
			ti := tv.InterventionOf(iv)
			if ti.Release.OK() {
				e = maxTime(e, day(ti.Release.V.In(loc)))
			}
			for _, id := range iv.Deliveries {
				if dl := x.Deliveries[id]; dl != nil {
					if t, err := model.ParseMoment(dl.Expected, loc); err == nil {
						e = maxTime(e, day(t.In(loc)))
					}
				}
			}
		}
		days := int(math.Ceil((last-first+2)*7/5-1e-9)) + stayMarginDays
		if w, ok := drawn[n.Dwelling]; ok {
			a, b := day(w[0].In(loc)), day(w[1].In(loc))
			a = a.AddDate(0, 0, -1)
			for a.Weekday() == time.Saturday || a.Weekday() == time.Sunday {
				a = a.AddDate(0, 0, -1)
			}
			e = maxTime(e, a)
			days = max(days, int(b.Sub(day(e)).Hours()/24+0.5)+2+stayMarginDays)
		}
		cands = append(cands, stayCand{n, day(e), days})
	}
	return cands
}

// daySpan is a unit's booked days, both included.
type daySpan struct{ from, to time.Time }

// unitBook is the relocation units' bookings while stays are placed: each
// unit's booked days (the problem's relocations, then the stays placed) and its
// next free day for planned ones.
type unitBook struct {
	loc      *time.Location
	opEnd    time.Time
	cleaning int
	booked   map[string][]daySpan
	free     map[string]time.Time
}

func newUnitBook(p *model.Problem, tv *model.Typed) *unitBook {
	loc := tv.Loc
	b := &unitBook{loc: loc, opEnd: tv.End.V, cleaning: p.Operation.Rehousing.CleaningDaysOf(),
		booked: map[string][]daySpan{}, free: map[string]time.Time{}}
	for i, r := range p.Relocations {
		tr := tv.Relocations()[i]
		if tr.From.OK() && tr.To.OK() {
			b.booked[r.Unit] = append(b.booked[r.Unit], daySpan{dayIn(tr.From.V.In(loc), loc), dayIn(tr.To.V.Add(-time.Minute).In(loc), loc)})
		}
	}
	return b
}

// place books cd in the unit where it can start first (the first such unit
// in the problem's order), and returns its stay; false when no unit can take
// it before its availability or the operation ends.
func (b *unitBook) place(p *model.Problem, cd stayCand) (model.Stay, bool) {
	bestU, bestFrom := -1, time.Time{}
	for u := range p.RelocationUnits {
		from, ok := b.firstFrom(&p.RelocationUnits[u], cd)
		if ok && (bestU < 0 || from.Before(bestFrom)) {
			bestU, bestFrom = u, from
		}
	}
	if bestU < 0 {
		return model.Stay{}, false
	}
	unit := p.RelocationUnits[bestU].ID
	to := bestFrom.AddDate(0, 0, cd.days-1)
	b.booked[unit] = append(b.booked[unit], daySpan{bestFrom, to})
	b.free[unit] = to.AddDate(0, 0, b.cleaning+1)
	return model.Stay{Household: cd.need.Household, Dwelling: cd.need.Dwelling, Unit: unit,
		From: bestFrom.Format(time.DateOnly), To: to.Format(time.DateOnly), Planned: true, Reason: cd.need.Reason,
		MoveOut: cd.need.Dwelling + "/move-out", MoveBack: cd.need.Dwelling + "/move-back"}, true
}

// firstFrom is the first weekday unit can take cd from: after its next free
// day and its availability, clear of its bookings and their cleaning days;
// false when the stay would end after the unit's availability or the
// operation's end.
func (b *unitBook) firstFrom(unit *model.RelocationUnit, cd stayCand) (time.Time, bool) {
	from := maxTime(cd.earliest, b.free[unit.ID])
	if unit.AvailableFrom != "" {
		if t, err := model.ParseDate(unit.AvailableFrom, b.loc); err == nil {
			from = maxTime(from, t)
		}
	}
	limit := b.opEnd
	if unit.AvailableTo != "" {
		if t, err := model.ParseDate(unit.AvailableTo, b.loc); err == nil && t.Before(limit) {
			limit = t
		}
	}
	cleaning := b.cleaning
	for moved := true; moved; {
		moved = false
		from = weekdayOn(from)
		to := from.AddDate(0, 0, cd.days-1)
		for _, bk := range b.booked[unit.ID] {
			if !from.After(bk.to.AddDate(0, 0, cleaning)) && !to.AddDate(0, 0, cleaning).Before(bk.from) {
				from, moved = bk.to.AddDate(0, 0, cleaning+1), true
			}
		}
	}
	return from, !from.AddDate(0, 0, cd.days-1).After(limit)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// weekdayOn is t, or the Monday after when t falls on a weekend.
func weekdayOn(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// Stays lists every stay of problem p for its plan: those it books (a stay the
// planner chose and the problem now books, one of planned, keeps its Planned and
// Reason), with the first move out and move back of the household's dwelling; in
// the order of their start, then the household.
func Stays(p *model.Problem, planned []model.Stay) []model.Stay {
	if len(p.Relocations) == 0 {
		return nil
	}
	dwellingOf := map[string]string{}
	for i := range p.Dwellings {
		if d := &p.Dwellings[i]; d.Occupied() {
			dwellingOf[d.Household] = d.ID
		}
	}
	chosen := map[model.Relocation]model.Stay{}
	for _, st := range planned {
		chosen[model.Relocation{Household: st.Household, Unit: st.Unit, From: st.From, To: st.To}] = st
	}
	out := make([]model.Stay, 0, len(p.Relocations))
	for _, r := range p.Relocations {
		st := model.Stay{Household: r.Household, Dwelling: dwellingOf[r.Household], Unit: r.Unit, From: r.From, To: r.To}
		if c, ok := chosen[r]; ok {
			st = c
		} else {
			for i := range p.Interventions {
				iv := &p.Interventions[i]
				if iv.Dwelling != st.Dwelling || st.Dwelling == "" {
					continue
				}
				if iv.Relocation == model.RoleMoveOut && st.MoveOut == "" {
					st.MoveOut = iv.ID
				}
				if iv.Relocation == model.RoleMoveBack && st.MoveBack == "" {
					st.MoveBack = iv.ID
				}
			}
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].From != out[b].From {
			return out[a].From < out[b].From
		}
		return out[a].Household < out[b].Household
	})
	return out
}

// stayText is a stay in words, for explanations.
func stayText(n StayNeed, lang Lang) string {
	if lang == French {
		what := "sans eau"
		if n.Reason == model.StayForBathroom {
			what = "sans salle de bains"
		}
		return fmt.Sprintf("les travaux laisseraient le ménage %s %s environ %d jours, son profil en permet %d, et aucun logement tiroir n'est libre assez longtemps pour l'y reloger", frQ(n.Household), what, n.Dates, n.Limit)
	}
	what := "without water"
	if n.Reason == model.StayForBathroom {
		what = "without a bathroom"
	}
	return fmt.Sprintf("the works would leave household %s %s on about %d dates, its profile allows %d, and no relocation unit is free long enough to rehouse it", n.Household, what, n.Dates, n.Limit)
}

// Lengthening says which planned stays LengthenStays lengthens, by how much, and
// which may start later to make room.
type Lengthening struct {
	// Lengthen accepts the planned stays to lengthen.
	Lengthen func(model.Stay) bool
	// Days is how many calendar days longer.
	Days int
	// Shift (nil: none) accepts the planned stays that may start and end later,
	// by as many days, to give the stay before them in their unit its days: the
	// next household's move out is planned, not yet a fact.
	Shift func(model.Stay) bool
}

// LengthenStays is stays with each planned stay that l.Lengthen accepts ending
// l.Days calendar days later, as far as its unit allows: no later than the end of
// the operation, the unit's available_to, and the cleaning days before the next
// stay in the unit (booked in p, read as the problem reads it, or planned in
// stays). A next stay planned and accepted by l.Shift starts (on a weekday) and
// ends as many days later as the lengthened one needs, when its unit allows its
// new end; never only in part. changed says whether any stay changed. The stays
// given are not changed. Both who lengthen stays use it: a search that left a
// planned stay's moves or works unplaced tries again with it (scheduler.Solve:
// PlaceStays draws a stay from a sketch without the moves, and the works may land
// later, leaving the move back no room before the stay's end, or before the next
// household's stay in the unit); a replan lengthens the stays not begun, room for
// works an event pushed later.
func LengthenStays(p *model.Problem, stays []model.Stay, l Lengthening) (out []model.Stay, changed bool) {
	tv := p.Typed()
	loc := tv.Loc
	cleaning := p.Operation.Rehousing.CleaningDaysOf()
	date := func(s string) (time.Time, bool) {
		t, err := model.ParseDate(s, loc)
		return t, err == nil
	}
	// the first day of each booked stay, by unit (a stay from a moment starts on
	// the moment's day)
	booked := map[string][]time.Time{}
	for i, r := range p.Relocations {
		if tr := tv.Relocations()[i]; tr.From.OK() && tr.To.OK() {
			t := tr.From.V.In(loc)
			booked[r.Unit] = append(booked[r.Unit], time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc))
		}
	}
	units := map[string]*model.RelocationUnit{}
	for i := range p.RelocationUnits {
		units[p.RelocationUnits[i].ID] = &p.RelocationUnits[i]
	}
	out = slices.Clone(stays)
	// room is the last day a stay in unit u ending on day to may end, up to want,
	// and the planned stay (its index in out, or -1) whose cleaning days bind
	room := func(u *model.RelocationUnit, to, want time.Time) (limit time.Time, by int) {
		limit, by = want, -1
		if tv.End.OK() && tv.End.V.Before(limit) {
			limit = tv.End.V
		}
		if t, ok := date(u.AvailableTo); u.AvailableTo != "" && ok && t.Before(limit) {
			limit = t
		}
		next := func(from time.Time, k int) {
			if t := from.AddDate(0, 0, -cleaning-1); from.After(to) && t.Before(limit) {
				limit, by = t, k
			}
		}
		for _, from := range booked[u.ID] {
			next(from, -1)
		}
		for k, st := range out {
			if from, ok := date(st.From); ok && st.Planned && st.Unit == u.ID {
				next(from, k)
			}
		}
		return limit, by
	}
	// shift makes planned stay k start no earlier than first (on a weekday) and
	// end as many days later, when its unit allows it
	shift := func(u *model.RelocationUnit, k int, first time.Time) bool {
		from, ok1 := date(out[k].From)
		to, ok2 := date(out[k].To)
		if !ok1 || !ok2 || l.Shift == nil || !l.Shift(out[k]) {
			return false
		}
		for first.Weekday() == time.Saturday || first.Weekday() == time.Sunday {
			first = first.AddDate(0, 0, 1)
		}
		days := int(first.Sub(from).Hours()/24 + 0.5)
		end := to.AddDate(0, 0, days)
		if limit, _ := room(u, to, end); days <= 0 || limit.Before(end) {
			return false
		}
		out[k].From, out[k].To = first.Format(time.DateOnly), end.Format(time.DateOnly)
		return true
	}
	for i, st := range out {
		from, ok1 := date(st.From)
		to, ok2 := date(st.To)
		u := units[st.Unit]
		if !st.Planned || !ok1 || !ok2 || u == nil || !l.Lengthen(st) {
			continue
		}
		want := to.AddDate(0, 0, l.Days)
		limit, by := room(u, to, want)
		if by >= 0 && limit.Before(want) && shift(u, by, want.AddDate(0, 0, cleaning+1)) {
			changed = true
			limit, _ = room(u, to, want)
		}
		if limit.After(to) && !limit.Before(from) {
			out[i].To, changed = limit.Format(time.DateOnly), true
		}
	}
	return out, changed
}
