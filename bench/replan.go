package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
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
	p := gen.Generate(gen.Options{Dwellings: o.Dwellings, Seed: o.Seed})
	loc, err := model.LoadLocation(p.Operation.TimeZone)
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
	type appt struct {
		a          model.Assignment
		start, end time.Time
	}
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
	opStart, _ := model.ParseDate(p.Operation.Start, loc)
	last := appts[len(appts)-1].end
	fmt.Fprintf(out, "operation: %d dwellings, %d interventions, base plan %s to %s; %d s per solve\n",
		len(p.Dwellings), len(p.Interventions), opStart.Format("2006-01-02"), last.Format("2006-01-02"), int(o.TimeLimit.Seconds()))
	fmt.Fprintf(out, "%-4s %-10s %-10s %9s %8s %8s %11s %11s %7s %8s\n", "#", "kind", "now", "announced", "replan", "scratch", "end replan", "end scratch", "end Δ%", "first s")
	kinds := []string{"delivery", "missed", "sick-crew", "overrun"}
	var rows []ReplanRow
	for k := 0; k < o.Scenarios; k++ {
		if ctx.Err() != nil {
			break
		}
		if o.Only >= 0 && k != o.Only {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(k)))
		kind := kinds[k%len(kinds)]
		// now: a working day between 15% and 70% of the works, at 12:00
		span := last.Sub(opStart)
		now := opStart.Add(time.Duration((0.15 + 0.55*rng.Float64()) * float64(span)))
		var slipped *model.Delivery
		if kind == "delivery" && len(p.Deliveries) > 0 {
			// a supplier warns of a slip 3 to 10 days before the delivery date
			slipped = &p.Deliveries[rng.IntN(len(p.Deliveries))]
			now = mustMoment(slipped.Expected, loc).AddDate(0, 0, -3-rng.IntN(8))
			if now.Before(opStart.AddDate(0, 0, 7)) {
				now = opStart.AddDate(0, 0, 7)
			}
		}
		now = time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, loc)
		for now.Weekday() == time.Saturday || now.Weekday() == time.Sunday {
			now = now.AddDate(0, 0, 1)
		}
		// the pilot has announced the next AnnounceDays days of appointments
		q := *p
		q.Interventions = append([]model.Intervention(nil), p.Interventions...)
		at := map[string]int{}
		for i := range q.Interventions {
			at[q.Interventions[i].ID] = i
		}
		announced := map[string]bool{}
		horizon := now.AddDate(0, 0, o.AnnounceDays)
		for _, x := range appts {
			if !x.start.Before(now) && x.start.Before(horizon) {
				iv := &q.Interventions[at[x.a.Intervention]]
				iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusAnnounced, x.a.Crew, x.a.Pilot, x.a.Start, x.a.End
				announced[iv.ID] = true
			}
		}
		ev := model.Event{ID: fmt.Sprintf("s%02d", k)}
		evs := &model.Events{Format: model.EventsFormat}
		switch kind {
		case "delivery":
			// the delivery slips two to four weeks
			d := slipped
			if d == nil || !mustMoment(d.Expected, loc).After(now) {
				kind = "missed"
				break
			}
			e := mustMoment(d.Expected, loc).AddDate(0, 0, 14+rng.IntN(15))
			ev.Type, ev.Delivery, ev.Expected = model.EventDeliverySlipped, d.ID, e.Format("2006-01-02T15:04")
			evs.Events = append(evs.Events, ev)
		case "sick-crew":
			// a crew with appointments in the coming days is off for 5 to 10 days
			// (not one at work on something that runs past today)
			from := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
			busy := map[string]bool{}
			for _, x := range appts {
				if x.start.Before(now) && x.end.After(from) {
					busy[x.a.Crew] = true
				}
			}
			var crew string
			for _, x := range appts {
				if x.start.After(now.Add(24*time.Hour)) && x.a.Crew != "" && !busy[x.a.Crew] {
					crew = x.a.Crew
					break
				}
			}
			if crew == "" {
				kind = "missed"
				break
			}
			ev.Type, ev.Crew, ev.From, ev.To = model.EventCrewAbsent, crew, from.Format("2006-01-02"), from.AddDate(0, 0, 5+rng.IntN(6)).Format("2006-01-02")
			evs.Events = append(evs.Events, ev)
		case "overrun":
			// an intervention under way takes a day longer
			for _, x := range appts {
				if x.start.Before(now) && x.end.After(now) && x.a.Crew != "" {
					ev.Type, ev.Intervention, ev.End = model.EventInterventionOverran, x.a.Intervention, x.end.Add(24*time.Hour).In(loc).Format("2006-01-02T15:04")
					evs.Events = append(evs.Events, ev)
					break
				}
			}
			if len(evs.Events) == 0 {
				kind = "missed"
			}
		}
		if kind == "missed" {
			// two to four visits of the last two days found nobody at home
			// (the last begun in their dwelling: a successor begun would contradict it)
			lastBegun := map[string]string{}
			for _, x := range appts {
				if x.start.Before(now) {
					lastBegun[dwellingOf[x.a.Intervention]] = x.a.Intervention
				}
			}
			var cands []string
			for _, x := range appts {
				if x.start.Before(now) && x.start.After(now.Add(-48*time.Hour)) && lastBegun[dwellingOf[x.a.Intervention]] == x.a.Intervention {
					cands = append(cands, x.a.Intervention)
				}
			}
			rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
			for i := 0; i < min(len(cands), 2+rng.IntN(3)); i++ {
				evs.Events = append(evs.Events, model.Event{ID: fmt.Sprintf("s%02d-%d", k, i), Type: model.EventAppointmentMissed, Intervention: cands[i]})
			}
		}
		row := ReplanRow{Scenario: fmt.Sprintf("%02d", k), Kind: kind, Now: now, Announced: len(announced)}
		set := &scheduler.Settings{TimeLimit: o.TimeLimit, WorkLimit: o.WorkLimit, Seed: o.Seed, Workers: o.Workers}
		// the first valid replan
		t0 := time.Now()
		first, err := scheduler.Replan(ctx, &q, base.Plan, evs, now, &scheduler.Settings{WorkLimit: 1, Workers: 1, Seed: o.Seed})
		if err != nil {
			return rows, fmt.Errorf("scenario %d (%s): %w", k, kind, err)
		}
		row.FirstValid = time.Since(t0)
		if len(first.Result.Violations) > 0 {
			return rows, fmt.Errorf("scenario %d: the first replan breaks %d hard rules: %v", k, len(first.Result.Violations), first.Result.Violations)
		}
		rr, err := scheduler.Replan(ctx, &q, base.Plan, evs, now, set)
		if err != nil {
			return rows, fmt.Errorf("scenario %d (%s): %w", k, kind, err)
		}
		row.Violations = len(rr.Result.Violations)
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
			return rows, fmt.Errorf("scenario %d (%s) from scratch: %w", k, kind, err)
		}
		row.Violations += len(sc.Violations)
		row.Unplaced = [2]int{len(rr.Plan.Unplaced), len(sc.Plan.Unplaced)}
		row.MovedReplan = movedAnnounced(announced, base.Plan, rr.Plan, loc)
		row.MovedScratch = movedAnnounced(announced, base.Plan, sc.Plan, loc)
		row.EndReplan, row.EndScratch = planEnd(rr.Plan, loc), planEnd(sc.Plan, loc)
		row.EndDiffPct = 100 * row.EndReplan.Sub(row.EndScratch).Hours() / row.EndScratch.Sub(opStart).Hours()
		rows = append(rows, row)
		fmt.Fprintf(out, "%-4s %-10s %-10s %9d %8d %8d %11s %11s %7.2f %8.3f\n", row.Scenario, row.Kind, now.Format("2006-01-02"),
			row.Announced, row.MovedReplan, row.MovedScratch, row.EndReplan.Format("2006-01-02"), row.EndScratch.Format("2006-01-02"),
			row.EndDiffPct, row.FirstValid.Seconds())
	}
	if len(rows) == 0 {
		return rows, ctx.Err()
	}
	var mr, ms, bad int
	worst := math.Inf(-1)
	var firsts []float64
	for _, r := range rows {
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
	fmt.Fprintf(out, "announced appointments moved: replan %d, from scratch %d (%.1f times fewer); end date: worst %.2f%% later than from scratch; first valid replan: median %.3f s; hard violations %d over %d scenarios\n",
		mr, ms, ratio, worst, Quantile(0.5, firsts), bad, len(rows))
	return rows, nil
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
