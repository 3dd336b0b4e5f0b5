package bench

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// ReplanOptions set up the replanning benchmark: slip scenarios on a generated
// operation, each replanned and solved again from scratch.
type ReplanOptions struct {
	Dwellings int
	Scenarios int
	Seed      int64
	// TimeLimit of each replan and each solve from scratch (the same for both).
	TimeLimit time.Duration
	// WorkLimit, when set, bounds each search instead (deterministic runs).
	WorkLimit int
	Workers   int
	// Only, when >= 0, runs that scenario alone.
	Only int
	// AnnounceDays: appointments within this many days of now have been announced
	// to the households (default 21: three weeks ahead).
	AnnounceDays int
	// Events are the event types whose scenarios run in turn (ReplanEventTypes
	// lists them); default DefaultReplanEvents.
	Events []string
	// NowAt is the time of day of each scenario's now, in minutes after local
	// midnight (0: 12:00); a replan made at an odd minute (10:01) shows whether
	// the appointments it moves keep to the quarter hour.
	NowAt int
}

// ReplanRow is one scenario's result.
type ReplanRow struct {
	Scenario string
	Kind     string
	Now      time.Time
	// Announced is how many appointments had been announced; MovedReplan and
	// MovedScratch how many of them each plan moves (or no longer places).
	Announced    int
	MovedReplan  int
	MovedScratch int
	// EndReplan and EndScratch; EndDiffPct is their difference over the
	// operation's length from its start to the scratch end.
	EndReplan, EndScratch time.Time
	EndDiffPct            float64
	// FirstValid is the time of a replan limited to its first construction (a
	// valid plan: it passed the verifier).
	FirstValid time.Duration
	Violations int
	Unplaced   [2]int
	// Lost counts the interventions the base plan placed that the replan leaves
	// unplaced (those an event cancelled apart).
	Lost int
	// Broken lists the hard violations, the plan's that breaks them first.
	Broken []string
	// Quarter counts the replan's appointments that start on a quarter hour, and
	// all its appointments.
	Quarter [2]int
}

// quarterHours counts the appointments of a plan that start on a quarter hour of
// local time, and all of them.
func quarterHours(pl *model.Plan, loc *time.Location) (on, all int) {
	for _, a := range pl.Assignments {
		t, err := model.ParseMoment(a.Start, loc)
		if err != nil {
			continue
		}
		all++
		if scheduler.OnQuarterHour(t.In(loc)) {
			on++
		}
	}
	return on, all
}

// pct is 100 on/all (100 when all is 0).
func pct(on, all int) float64 {
	if all == 0 {
		return 100
	}
	return 100 * float64(on) / float64(all)
}

// perSolve says what bounds each search, for the header line: its seconds, or its
// work limit when the time limit is the largest duration (a work limit without a
// time limit).
func perSolve(o ReplanOptions) string {
	if o.TimeLimit == NoTimeLimit {
		return fmt.Sprintf("%d schedules per solve, no time limit", o.WorkLimit)
	}
	return fmt.Sprintf("%d s per solve", int(o.TimeLimit.Seconds()))
}

// RunReplan runs the scenarios and writes one line per scenario and a summary.
func RunReplan(ctx context.Context, o ReplanOptions, out io.Writer) ([]ReplanRow, error) {
	if o.Scenarios <= 0 {
		o.Scenarios = 30
	}
	if o.AnnounceDays <= 0 {
		o.AnnounceDays = 21
	}
	if o.TimeLimit <= 0 {
		o.TimeLimit = 10 * time.Second
	}
	types := o.Events
	if len(types) == 0 {
		types = DefaultReplanEvents
	}
	for _, typ := range types {
		if _, ok := replanScenarios[typ]; !ok {
			return nil, fmt.Errorf("no replan scenario for event type %q (one of %v)", typ, ReplanEventTypes())
		}
	}
	p := gen.Generate(gen.Options{Dwellings: o.Dwellings, Seed: o.Seed})
	tv := p.Typed()
	loc, err := tv.Loc, tv.LocErr
	if err != nil {
		return nil, err
	}
	base, err := scheduler.Solve(ctx, p, &scheduler.Settings{TimeLimit: o.TimeLimit, WorkLimit: o.WorkLimit, Seed: o.Seed, Workers: o.Workers})
	if err != nil {
		return nil, err
	}
	if len(base.Violations) > 0 || len(base.Plan.Unplaced) > 0 {
		return nil, fmt.Errorf("the base plan is not complete and valid (%d violations, %d unplaced)", len(base.Violations), len(base.Plan.Unplaced))
	}
	p = base.Problem // the problem the base plan is for: the stays it chose booked
	var appts []appt
	for _, a := range base.Plan.Assignments {
		s, _ := model.ParseMoment(a.Start, loc)
		e, _ := model.ParseMoment(a.End, loc)
		appts = append(appts, appt{a, s, e})
	}
	sort.Slice(appts, func(i, j int) bool { return appts[i].start.Before(appts[j].start) })
	dwellingOf := map[string]string{}
	for _, iv := range p.Interventions {
		dwellingOf[iv.ID] = iv.Dwelling
	}
	opStart := tv.Start.V
	last := appts[len(appts)-1].end
	bon, ball := quarterHours(base.Plan, loc)
	fmt.Fprintf(out, "operation: %d dwellings, %d interventions, base plan %s to %s (%.2f%% of its starts on the quarter hour); %s\n",
		len(p.Dwellings), len(p.Interventions), opStart.Format("2006-01-02"), last.Format("2006-01-02"), pct(bon, ball), perSolve(o))
	fmt.Fprintf(out, "%-4s %-10s %-16s %9s %8s %8s %11s %11s %7s %8s %5s %7s\n", "#", "kind", "now", "announced", "replan", "scratch", "end replan", "end scratch", "end Δ%", "first s", "lost", "¼h %")
	var rows []ReplanRow
	for k := 0; k < o.Scenarios; k++ {
		if ctx.Err() != nil {
			break
		}
		if o.Only >= 0 && k != o.Only {
			continue
		}
		typ := types[k%len(types)]
		scen := replanScenarios[typ]
		kind := scen.kind
		st := &scenario{p: p, loc: loc, opStart: opStart, appts: appts, dwellingOf: dwellingOf, id: fmt.Sprintf("s%02d", k),
			rng: rand.New(rand.NewPCG(uint64(o.Seed), uint64(k)))}
		// now: a working day between 15% and 70% of the works, at 12:00
		span := last.Sub(opStart)
		now := opStart.Add(time.Duration((0.15 + 0.55*st.rng.Float64()) * float64(span)))
		if scen.pickNow != nil {
			now = scen.pickNow(st, now)
		}
		now = o.nowOn(now, loc)
		st.now = now
		q, announced := st.announce(o.AnnounceDays)
		st.q, st.plan = q, base.Plan
		evs := &model.Events{Format: model.EventsFormat, Events: scen.build(st)}
		if len(evs.Events) == 0 && typ != model.EventAppointmentMissed {
			// the operation offers no subject for this event at now
			kind = "missed"
			evs.Events = missedVisits(st)
		}
		row := ReplanRow{Scenario: fmt.Sprintf("%02d", k), Kind: kind, Now: now, Announced: len(announced)}
		if err := measureReplan(ctx, &row, q, base.Plan, evs, announced, st, o); err != nil {
			return rows, fmt.Errorf("scenario %d%s", k, err)
		}
		rows = append(rows, row)
		fmt.Fprintf(out, "%-4s %-10s %-16s %9d %8d %8d %11s %11s %7.2f %8.3f %5d %7.2f\n", row.Scenario, row.Kind, now.Format("2006-01-02 15:04"),
			row.Announced, row.MovedReplan, row.MovedScratch, row.EndReplan.Format("2006-01-02"), row.EndScratch.Format("2006-01-02"),
			row.EndDiffPct, row.FirstValid.Seconds(), row.Lost, pct(row.Quarter[0], row.Quarter[1]))
		for _, b := range row.Broken {
			fmt.Fprintf(out, "     hard violation, %s\n", b)
		}
	}
	if len(rows) == 0 {
		return rows, ctx.Err()
	}
	writeReplanSummary(out, rows)
	return rows, nil
}

// nowOn is a scenario's now on the day of t: at o.NowAt (12:00 by default), on the
// next working day when t falls on a weekend.
func (o ReplanOptions) nowOn(t time.Time, loc *time.Location) time.Time {
	at := o.NowAt
	if at <= 0 {
		at = 12 * 60
	}
	now := time.Date(t.Year(), t.Month(), t.Day(), at/60, at%60, 0, 0, loc)
	for now.Weekday() == time.Saturday || now.Weekday() == time.Sunday {
		now = now.AddDate(0, 0, 1)
	}
	return now
}

// writeReplanSummary writes the summary line of the rows.
func writeReplanSummary(out io.Writer, rows []ReplanRow) {
	var mr, ms, bad, lost, qon, qall int
	worst := math.Inf(-1)
	var firsts []float64
	for _, r := range rows {
		lost += r.Lost
		qon += r.Quarter[0]
		qall += r.Quarter[1]
		mr += r.MovedReplan
		ms += r.MovedScratch
		bad += r.Violations
		worst = max(worst, r.EndDiffPct)
		firsts = append(firsts, r.FirstValid.Seconds())
	}
	ratio := math.Inf(1)
	if mr > 0 {
		ratio = float64(ms) / float64(mr)
	}
	fmt.Fprintf(out, "announced appointments moved: replan %d, from scratch %d (%.1f times fewer); end date: worst %.2f%% later than from scratch; first valid replan: median %.3f s; hard violations %d over %d scenarios; interventions newly unplaced by the replan: %d; replans' appointments on the quarter hour: %d of %d (%.2f%%)\n",
		mr, ms, ratio, worst, Quantile(0.5, firsts), bad, len(rows), lost, qon, qall, pct(qon, qall))
}

// announce is the scenario's problem at now: the pilot has announced the next
// days of appointments of the base plan.
func (s *scenario) announce(days int) (*model.Problem, map[string]bool) {
	q := *s.p
	q.Interventions = append([]model.Intervention(nil), s.p.Interventions...)
	at := map[string]int{}
	for i := range q.Interventions {
		at[q.Interventions[i].ID] = i
	}
	announced := map[string]bool{}
	horizon := s.now.AddDate(0, 0, days)
	for _, x := range s.appts {
		if !x.start.Before(s.now) && x.start.Before(horizon) {
			iv := &q.Interventions[at[x.a.Intervention]]
			iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusAnnounced, x.a.Crew, x.a.Pilot, x.a.Start, x.a.End
			announced[iv.ID] = true
		}
	}
	return &q, announced
}

// measureReplan fills the row of a scenario: the time to a first valid replan, and
// the replan against a solve from scratch of the same situation. Its errors
// begin with " (kind)" or ":", to follow the scenario's number.
func measureReplan(ctx context.Context, row *ReplanRow, q *model.Problem, old *model.Plan, evs *model.Events, announced map[string]bool, s *scenario, o ReplanOptions) error {
	now, loc, kind := s.now, s.loc, row.Kind
	set := &scheduler.Settings{TimeLimit: o.TimeLimit, WorkLimit: o.WorkLimit, Seed: o.Seed, Workers: o.Workers}
	// the first valid replan
	t0 := time.Now()
	first, err := scheduler.Replan(ctx, q, old, evs, now, &scheduler.Settings{WorkLimit: 1, Workers: 1, Seed: o.Seed})
	if err != nil {
		return fmt.Errorf(" (%s): %w", kind, err)
	}
	row.FirstValid = time.Since(t0)
	if len(first.Result.Violations) > 0 {
		return fmt.Errorf(": the first replan breaks %d hard rules: %v", len(first.Result.Violations), first.Result.Violations)
	}
	rr, err := scheduler.Replan(ctx, q, old, evs, now, set)
	if err != nil {
		return fmt.Errorf(" (%s): %w", kind, err)
	}
	row.Violations = len(rr.Result.Violations)
	for _, v := range rr.Result.Violations {
		row.Broken = append(row.Broken, "replan: "+v.String())
	}
	// from scratch: the same situation (events applied, the past as it is),
	// with no regard for what was announced
	sp := *rr.Problem
	sp.Interventions = append([]model.Intervention(nil), rr.Problem.Interventions...)
	for i := range sp.Interventions {
		iv := &sp.Interventions[i]
		if iv.StatusOf() == model.StatusAnnounced && !iv.Pinned {
			iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusPlanned, "", "", "", ""
		}
	}
	sc, err := scheduler.Solve(ctx, &sp, set)
	if err != nil {
		return fmt.Errorf(" (%s) from scratch: %w", kind, err)
	}
	row.Violations += len(sc.Violations)
	for _, v := range sc.Violations {
		row.Broken = append(row.Broken, "from scratch: "+v.String())
	}
	row.Unplaced = [2]int{len(rr.Plan.Unplaced), len(sc.Plan.Unplaced)}
	row.Lost = newlyUnplaced(old, rr.Plan)
	row.Quarter[0], row.Quarter[1] = quarterHours(rr.Plan, loc)
	row.MovedReplan = movedAnnounced(announced, old, rr.Plan, loc)
	row.MovedScratch = movedAnnounced(announced, old, sc.Plan, loc)
	row.EndReplan, row.EndScratch = planEnd(rr.Plan, loc), planEnd(sc.Plan, loc)
	row.EndDiffPct = 100 * row.EndReplan.Sub(row.EndScratch).Hours() / row.EndScratch.Sub(s.opStart).Hours()
	return nil
}

// newlyUnplaced counts the interventions old places that new leaves unplaced.
func newlyUnplaced(old, new *model.Plan) int {
	placed := map[string]bool{}
	for _, a := range old.Assignments {
		placed[a.Intervention] = true
	}
	n := 0
	for _, u := range new.Unplaced {
		if placed[u.Intervention] {
			n++
		}
	}
	return n
}

// appt is an appointment of the base plan.
type appt struct {
	a          model.Assignment
	start, end time.Time
}

// scenario is what a scenario's builder sees: the operation, its base plan's
// appointments by start, now, and the scenario's random source.
type scenario struct {
	p          *model.Problem
	loc        *time.Location
	opStart    time.Time
	appts      []appt
	dwellingOf map[string]string
	now        time.Time
	rng        *rand.Rand
	// id is the scenario's event id
	id string
	// delivery is the one a delivery scenario's now was picked for
	delivery *model.Delivery
	// subject is what another scenario's now was picked for
	subject string
	// q is the problem at now (the next days announced), plan the base plan
	q    *model.Problem
	plan *model.Plan
}

// replanScenario makes the events of one kind of scenario.
type replanScenario struct {
	// kind names it in the output
	kind string
	// pickNow, when set, moves the scenario's now (from a working day between 15%
	// and 70% of the works) toward what its event is about.
	pickNow func(s *scenario, now time.Time) time.Time
	// build makes the events at s.now; none when the operation offers no subject
	// for them (the scenario is then one of missed visits).
	build func(s *scenario) []model.Event
}

// replanScenarios has a scenario for each event type (a test checks that every
// type of model.EventTypes has one).
var replanScenarios = map[string]replanScenario{
	model.EventDeliverySlipped:        {"delivery", pickDeliveryNow, deliverySlip},
	model.EventDeliveryEarly:          {"early", pickEarlyNow, deliveryEarly},
	model.EventAppointmentMissed:      {"missed", nil, missedVisits},
	model.EventCrewAbsent:             {"sick-crew", nil, sickCrew},
	model.EventContractorWithdrawn:    {"withdrawn", pickWithdrawnNow, contractorWithdrawn},
	model.EventInterventionOverran:    {"overrun", nil, overrun},
	model.EventInterventionPartlyDone: {"part-done", nil, partlyDone},
	model.EventSnagFound:              {"snag", pickSnagNow, snagFound},
	model.EventHouseholdChanged:       {"household", nil, householdAway},
	model.EventInterventionAdded:      {"added", nil, interventionAdded},
	model.EventInterventionCancelled:  {"cancelled", nil, interventionCancelled},
	model.EventDwellingVacant:         {"vacant", nil, dwellingVacant},
	model.EventAppointmentDeclined:    {"declined", nil, appointmentDeclined},
	model.EventAppointmentRescheduled: {"reschedule", nil, appointmentRescheduled},
}

// DefaultReplanEvents are the slips the benchmark runs in turn by default: late
// delivery, missed visits, sick crew, overrun.
var DefaultReplanEvents = []string{model.EventDeliverySlipped, model.EventAppointmentMissed, model.EventCrewAbsent, model.EventInterventionOverran}

// ReplanEventTypes lists the event types that have a scenario, in the order of
// model.EventTypes.
func ReplanEventTypes() []string {
	var out []string
	for _, typ := range model.EventTypes {
		if _, ok := replanScenarios[typ]; ok {
			out = append(out, typ)
		}
	}
	return out
}

// pickDeliveryNow: a supplier warns of a slip 3 to 10 days before the delivery date.
func pickDeliveryNow(s *scenario, now time.Time) time.Time {
	if len(s.p.Deliveries) == 0 {
		return now
	}
	s.delivery = &s.p.Deliveries[s.rng.IntN(len(s.p.Deliveries))]
	now = mustMoment(s.delivery.Expected, s.loc).AddDate(0, 0, -3-s.rng.IntN(8))
	if now.Before(s.opStart.AddDate(0, 0, 7)) {
		now = s.opStart.AddDate(0, 0, 7)
	}
	return now
}

// deliverySlip: the delivery slips two to four weeks.
func deliverySlip(s *scenario) []model.Event {
	d := s.delivery
	if d == nil || !mustMoment(d.Expected, s.loc).After(s.now) {
		return nil
	}
	e := mustMoment(d.Expected, s.loc).AddDate(0, 0, 14+s.rng.IntN(15))
	return []model.Event{{ID: s.id, Type: model.EventDeliverySlipped, Delivery: d.ID, Expected: e.Format("2006-01-02T15:04")}}
}

// sickCrew: a crew with appointments in the coming days is off for 5 to 10 days
// (not one at work on something that runs past today).
func sickCrew(s *scenario) []model.Event {
	now := s.now
	from := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, s.loc)
	busy := map[string]bool{}
	for _, x := range s.appts {
		if x.start.Before(now) && x.end.After(from) {
			busy[x.a.Crew] = true
		}
	}
	var crew string
	for _, x := range s.appts {
		if x.start.After(now.Add(24*time.Hour)) && x.a.Crew != "" && !busy[x.a.Crew] {
			crew = x.a.Crew
			break
		}
	}
	if crew == "" {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventCrewAbsent, Crew: crew, From: from.Format("2006-01-02"), To: from.AddDate(0, 0, 5+s.rng.IntN(6)).Format("2006-01-02")}}
}

// overrun: an intervention under way takes a day longer.
func overrun(s *scenario) []model.Event {
	for _, x := range s.appts {
		if x.start.Before(s.now) && x.end.After(s.now) && x.a.Crew != "" {
			return []model.Event{{ID: s.id, Type: model.EventInterventionOverran, Intervention: x.a.Intervention, End: x.end.Add(24 * time.Hour).In(s.loc).Format("2006-01-02T15:04")}}
		}
	}
	return nil
}

// missedVisits: two to four visits of the last two days found nobody at home (the
// last begun in their dwelling: a successor begun would contradict it).
func missedVisits(s *scenario) []model.Event {
	lastBegun := map[string]string{}
	for _, x := range s.appts {
		if x.start.Before(s.now) {
			lastBegun[s.dwellingOf[x.a.Intervention]] = x.a.Intervention
		}
	}
	var cands []string
	for _, x := range s.appts {
		if x.start.Before(s.now) && x.start.After(s.now.Add(-48*time.Hour)) && lastBegun[s.dwellingOf[x.a.Intervention]] == x.a.Intervention {
			cands = append(cands, x.a.Intervention)
		}
	}
	s.rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	var out []model.Event
	for i := 0; i < min(len(cands), 2+s.rng.IntN(3)); i++ {
		out = append(out, model.Event{ID: fmt.Sprintf("%s-%d", s.id, i), Type: model.EventAppointmentMissed, Intervention: cands[i]})
	}
	return out
}

func mustMoment(s string, loc *time.Location) time.Time {
	t, _ := model.ParseMoment(s, loc)
	return t
}

// movedAnnounced counts the announced appointments that new moves or drops.
func movedAnnounced(announced map[string]bool, old, new *model.Plan, loc *time.Location) int {
	at := map[string]model.Assignment{}
	for _, a := range new.Assignments {
		at[a.Intervention] = a
	}
	n := 0
	for _, a := range old.Assignments {
		if !announced[a.Intervention] {
			continue
		}
		b, ok := at[a.Intervention]
		if !ok || !mustMoment(a.Start, loc).Equal(mustMoment(b.Start, loc)) || !mustMoment(a.End, loc).Equal(mustMoment(b.End, loc)) {
			n++
		}
	}
	return n
}

func planEnd(pl *model.Plan, loc *time.Location) time.Time {
	var e time.Time
	for _, a := range pl.Assignments {
		if t := mustMoment(a.End, loc); t.After(e) {
			e = t
		}
	}
	return e
}

// stamp writes t as a local time.
func (s *scenario) stamp(t time.Time) string { return t.In(s.loc).Format("2006-01-02T15:04") }

// day is midnight n days after now's day.
func (s *scenario) day(n int) time.Time {
	return time.Date(s.now.Year(), s.now.Month(), s.now.Day()+n, 0, 0, 0, 0, s.loc)
}

// ivOf is the intervention of an appointment.
func (s *scenario) ivOf(id string) *model.Intervention {
	for i := range s.p.Interventions {
		if s.p.Interventions[i].ID == id {
			return &s.p.Interventions[i]
		}
	}
	return nil
}

// pick is a random element of ids (sorted first), "" when there is none.
func (s *scenario) pick(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	sort.Strings(ids)
	ids = slices.Compact(ids)
	return ids[s.rng.IntN(len(ids))]
}

// finishedDwellings says which dwellings have all their appointments ended at now.
func (s *scenario) finishedDwellings() map[string]bool {
	finished := map[string]bool{}
	for _, x := range s.appts {
		d := s.dwellingOf[x.a.Intervention]
		if _, seen := finished[d]; !seen {
			finished[d] = true
		}
		finished[d] = finished[d] && !x.end.After(s.now)
	}
	return finished
}

// pickEarlyNow: a supplier announces, 7 to 14 days before the delivery date, that
// it comes early.
func pickEarlyNow(s *scenario, now time.Time) time.Time {
	if len(s.p.Deliveries) == 0 {
		return now
	}
	s.delivery = &s.p.Deliveries[s.rng.IntN(len(s.p.Deliveries))]
	now = mustMoment(s.delivery.Expected, s.loc).AddDate(0, 0, -7-s.rng.IntN(8))
	if now.Before(s.opStart.AddDate(0, 0, 7)) {
		now = s.opStart.AddDate(0, 0, 7)
	}
	return now
}

// deliveryEarly: the delivery comes 3 to 10 days earlier (not before tomorrow
// 08:00).
func deliveryEarly(s *scenario) []model.Event {
	d := s.delivery
	if d == nil {
		return nil
	}
	was := mustMoment(d.Expected, s.loc)
	at := was.AddDate(0, 0, -3-s.rng.IntN(8))
	if tomorrow := s.day(1).Add(8 * time.Hour); at.Before(tomorrow) {
		at = tomorrow
	}
	if !at.Before(was) {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventDeliveryEarly, Delivery: d.ID, Expected: s.stamp(at)}}
}

// withdrawable lists the (contractor, trade) pairs a contractor can withdraw
// from: its crews of the trade do that trade alone, another contractor does it
// too. Each pair is "contractor\x00trade", once per appointment its crews have.
func (s *scenario) withdrawable() map[string][]appt {
	crewOf := map[string]model.Crew{}
	for _, c := range s.p.Crews {
		crewOf[c.ID] = c
	}
	out := map[string][]appt{}
	for _, x := range s.appts {
		c, ok := crewOf[x.a.Crew]
		if !ok || len(c.Trades) != 1 || c.Contractor == "" {
			continue
		}
		alone, other := true, false
		for _, d := range s.p.Crews {
			if !slices.Contains(d.Trades, c.Trades[0]) {
				continue
			}
			if d.Contractor == c.Contractor {
				alone = alone && len(d.Trades) == 1
			} else {
				other = true
			}
		}
		if alone && other {
			key := c.Contractor + "\x00" + c.Trades[0]
			out[key] = append(out[key], x)
		}
	}
	return out
}

// pickWithdrawnNow: a contractor withdraws from a trade while it still has work
// of that trade ahead: now moves 2 to 6 days before its last appointment of the
// trade when that is sooner.
func pickWithdrawnNow(s *scenario, now time.Time) time.Time {
	pairs := s.withdrawable()
	s.subject = s.pick(slices.Collect(maps.Keys(pairs)))
	if s.subject == "" {
		return now
	}
	var last time.Time
	for _, x := range pairs[s.subject] {
		if x.start.After(last) {
			last = x.start
		}
	}
	if latest := last.AddDate(0, 0, -2); now.After(latest) {
		now = last.AddDate(0, 0, -2-s.rng.IntN(5))
	}
	if now.Before(s.opStart.AddDate(0, 0, 7)) {
		now = s.opStart.AddDate(0, 0, 7)
	}
	return now
}

// contractorWithdrawn: the contractor picked withdraws from the trade, if its
// crews have work of it not begun at now.
func contractorWithdrawn(s *scenario) []model.Event {
	who, trade, ok := strings.Cut(s.subject, "\x00")
	if !ok {
		return nil
	}
	for _, x := range s.withdrawable()[s.subject] {
		if !x.start.Before(s.now) {
			return []model.Event{{ID: s.id, Type: model.EventContractorWithdrawn, Contractor: who, Trades: []string{trade}}}
		}
	}
	return nil
}

// partlyDone: the crew of an intervention under way stopped at noon today with 2
// to 8 hours of work left.
func partlyDone(s *scenario) []model.Event {
	var ids []string
	for _, x := range s.appts {
		if x.start.Before(s.now) && x.end.After(s.now) && x.a.Crew != "" {
			ids = append(ids, x.a.Intervention)
		}
	}
	id := s.pick(ids)
	if id == "" {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventInterventionPartlyDone, Intervention: id, End: s.stamp(s.now),
		Remaining: fmt.Sprintf("%dh", 2+s.rng.IntN(7))}}
}

// pickSnagNow: a snag is found after a dwelling's works are over; when none is
// over at now, now moves to 1 to 5 days after the first dwelling's end.
func pickSnagNow(s *scenario, now time.Time) time.Time {
	end := map[string]time.Time{}
	for _, x := range s.appts {
		if d := s.dwellingOf[x.a.Intervention]; x.end.After(end[d]) {
			end[d] = x.end
		}
	}
	first := time.Time{}
	for _, e := range end {
		if first.IsZero() || e.Before(first) {
			first = e
		}
	}
	if first.IsZero() || !first.After(now) {
		return now
	}
	return first.AddDate(0, 0, 1+s.rng.IntN(5))
}

// snagFound: a dwelling whose works are over needs a return visit of 2 hours, of
// the trade of its last appointment (that no trade sequence puts before another:
// in a generated operation, the acceptance, whose pilot comes back).
func snagFound(s *scenario) []model.Event {
	finished := s.finishedDwellings()
	before := map[string]bool{}
	for _, q := range s.p.Sequences {
		before[q.Before] = true
	}
	lastTrade := map[string]string{}
	lastEnd := map[string]time.Time{}
	for _, x := range s.appts {
		d := s.dwellingOf[x.a.Intervention]
		if iv := s.ivOf(x.a.Intervention); iv != nil && !x.end.Before(lastEnd[d]) {
			lastEnd[d], lastTrade[d] = x.end, iv.Trade
		}
	}
	var ids []string
	for d, ok := range finished {
		if ok && lastTrade[d] != "" && !before[lastTrade[d]] {
			ids = append(ids, d)
		}
	}
	d := s.pick(ids)
	if d == "" {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventSnagFound, Dwelling: d,
		Add: &model.Intervention{ID: d + "/snag-" + s.id, Trade: lastTrade[d], Duration: "2h"}}}
}

// householdAway: a household with appointments in the coming weeks will be away
// (in hospital) 7 to 14 days from 3 to 6 days after now.
func householdAway(s *scenario) []model.Event {
	from := s.day(3 + s.rng.IntN(4))
	to := from.AddDate(0, 0, 7+s.rng.IntN(8))
	hhOf := map[string]string{}
	for _, d := range s.p.Dwellings {
		if d.Occupied() {
			hhOf[d.ID] = d.Household
		}
	}
	var ids []string
	for _, x := range s.appts {
		if h := hhOf[s.dwellingOf[x.a.Intervention]]; h != "" && !x.start.Before(from) && x.start.Before(to) {
			ids = append(ids, h)
		}
	}
	id := s.pick(ids)
	for _, h := range s.p.Households {
		if h.ID == id && id != "" {
			h.Absences = append(slices.Clone(h.Absences), model.Period{From: from.Format("2006-01-02"),
				To: to.AddDate(0, 0, -1).Format("2006-01-02"), Reason: "hospital"})
			return []model.Event{{ID: s.id, Type: model.EventHouseholdChanged, Household: &h}}
		}
	}
	return nil
}

// interventionAdded: 3 more hours of a trade are needed in a dwelling where that
// trade's work has not begun (a crew's appointment after now): the survey found
// more to do.
func interventionAdded(s *scenario) []model.Event {
	var ids []string
	for _, x := range s.appts {
		if !x.start.Before(s.now) && x.a.Crew != "" {
			ids = append(ids, x.a.Intervention)
		}
	}
	iv := s.ivOf(s.pick(ids))
	if iv == nil {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventInterventionAdded,
		Add: &model.Intervention{ID: iv.Dwelling + "/extra-" + s.id, Dwelling: iv.Dwelling, Trade: iv.Trade, Duration: "3h"}}}
}

// interventionCancelled: an intervention not begun, done by a crew and not tied to
// a relocation, will not be done (the household declined it).
func interventionCancelled(s *scenario) []model.Event {
	var ids []string
	for _, x := range s.appts {
		if iv := s.ivOf(x.a.Intervention); !x.start.Before(s.now) && x.a.Crew != "" && iv != nil && iv.Relocation == "" {
			ids = append(ids, iv.ID)
		}
	}
	id := s.pick(ids)
	if id == "" {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventInterventionCancelled, Intervention: id}}
}

// dwellingVacant: the household of an occupied dwelling with works ahead, and no
// relocation, has left.
func dwellingVacant(s *scenario) []model.Event {
	relocated := map[string]bool{}
	for _, iv := range s.p.Interventions {
		if iv.Relocation != "" {
			relocated[iv.Dwelling] = true
		}
	}
	occupied := map[string]bool{}
	for _, d := range s.p.Dwellings {
		occupied[d.ID] = d.Occupied() && !relocated[d.ID]
	}
	var ids []string
	for _, x := range s.appts {
		if d := s.dwellingOf[x.a.Intervention]; occupied[d] && !x.start.Before(s.now) {
			ids = append(ids, d)
		}
	}
	d := s.pick(ids)
	if d == "" {
		return nil
	}
	return []model.Event{{ID: s.id, Type: model.EventDwellingVacant, Dwelling: d}}
}

// appointmentDeclined: a household calls to move an appointment two days to three
// weeks ahead that needs someone at home: it will not be there then.
func appointmentDeclined(s *scenario) []model.Event {
	x := model.NewIndex(s.p)
	var ids []string
	for _, a := range s.appts {
		iv := x.Interventions[a.a.Intervention]
		if iv == nil || a.start.Before(s.day(2)) || !a.start.Before(s.day(21)) || x.HouseholdOf(iv) == nil {
			continue
		}
		if acc := x.AccessOf(iv); acc == model.AccessTenant || acc == model.AccessKeys && !x.HouseholdOf(iv).KeysWithPilot {
			ids = append(ids, iv.ID)
		}
	}
	if id := s.pick(ids); id != "" {
		return []model.Event{{ID: s.id, Type: model.EventAppointmentDeclined, Intervention: id}}
	}
	return nil
}

// appointmentRescheduled: a household calls to move an appointment two days to
// three weeks ahead; the pilot offers the slots scheduler.Slots finds and the
// household takes one of the first three (an appointment with no slot to offer is
// left for another, up to 20 tries).
func appointmentRescheduled(s *scenario) []model.Event {
	var ids []string
	for _, a := range s.appts {
		if !a.start.Before(s.day(2)) && a.start.Before(s.day(21)) {
			ids = append(ids, a.a.Intervention)
		}
	}
	if s.q == nil {
		return nil
	}
	sort.Strings(ids)
	ids = slices.Compact(ids)
	s.rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	f, err := scheduler.NewSlotFinder(s.q, s.plan, s.now)
	if err != nil {
		return nil
	}
	for _, id := range ids[:min(len(ids), 20)] {
		ans, err := f.Slots(id, scheduler.SlotOptions{Count: 3})
		if err != nil || len(ans.Slots) == 0 {
			continue
		}
		ev := ans.Slots[s.rng.IntN(len(ans.Slots))].Event
		ev.ID = s.id
		return []model.Event{ev}
	}
	return nil
}
