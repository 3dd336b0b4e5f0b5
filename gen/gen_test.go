package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden example file")

const examplePath = "../testdata/operations/example.json"

func marshal(t *testing.T, p *model.Problem) []byte {
	t.Helper()
	data, err := json.MarshalIndent(p, "", "  ")
	require.NoError(t, err)
	return append(data, '\n')
}

// variety of options the structural tests run over
var variety = []Options{
	{Dwellings: 1, Seed: 1},
	{Dwellings: 7, Seed: 2, Deliveries: 1},
	{Dwellings: 20, Seed: 3, Deliveries: 2},
	{Dwellings: 60, Seed: 4},
	{Dwellings: 90, Seed: 5, Buildings: 1},
	{Dwellings: 250, Seed: 6, Pilots: 2, Deliveries: 6, Start: "2027-09-01"},
	{Dwellings: 1000, Seed: 7},
	{Dwellings: 300, Seed: 8, ProfileShare: 0.5},
}

func TestExampleMatchesBundledFile(t *testing.T) {
	got := marshal(t, Example())
	if *update {
		require.NoError(t, os.WriteFile(examplePath, got, 0o644))
	}
	want, err := os.ReadFile(examplePath)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "testdata/operations/example.json is stale: go test ./gen -update")
}

func TestExampleShape(t *testing.T) {
	p := Example()
	require.NoError(t, model.Validate(p))
	assert.GreaterOrEqual(t, len(p.Buildings), 3)
	assert.Len(t, p.Dwellings, 60)
	assert.GreaterOrEqual(t, len(p.Crews), 8)
	assert.Len(t, p.Pilots, 2)
	assert.Len(t, p.Deliveries, 3)
	assert.Equal(t, "Europe/Paris", p.Operation.TimeZone)
	assert.Equal(t, 7, p.NoticeDays())
	share := profileShare(p)
	assert.GreaterOrEqual(t, share, 0.15, "share of households with a profile")
	assert.LessOrEqual(t, share, 0.25, "share of households with a profile")

	vacant := 0
	for _, d := range p.Dwellings {
		if d.Vacant {
			vacant++
		}
	}
	assert.GreaterOrEqual(t, vacant, 1)
	assert.LessOrEqual(t, vacant, 3) // 2-5% of 60

	// every dwelling has the default interventions, once each
	perDwelling := map[string]map[string]int{}
	snags := 0
	for _, iv := range p.Interventions {
		if perDwelling[iv.Dwelling] == nil {
			perDwelling[iv.Dwelling] = map[string]int{}
		}
		if iv.Snagging() {
			snags++
			continue
		}
		perDwelling[iv.Dwelling][iv.Trade]++
	}
	for _, d := range p.Dwellings {
		for _, tr := range trades {
			assert.Equal(t, 1, perDwelling[d.ID][tr.ID], "%s: %s", d.ID, tr.ID)
		}
		// the pilot's visits in every occupied dwelling
		want := 0
		if d.Occupied() {
			want = 1
		}
		assert.Equal(t, want, perDwelling[d.ID][tDiagnostic], "%s: diagnostic", d.ID)
		assert.Equal(t, want, perDwelling[d.ID][tSurvey], "%s: survey", d.ID)
	}
	assert.Equal(t, 4, snags, "two return visits and their checks")
	x := model.NewIndex(p)
	assert.True(t, x.Trades[tPlumbing].CutsHeating)
	assert.Equal(t, model.StageAcceptance, x.Trades[tAcceptance].Stage)
	// some crews keep their own hours, some take a week off
	own, off := 0, 0
	for _, c := range p.Crews {
		if len(c.Calendar) > 0 {
			own++
		}
		if len(c.Unavailable) > 0 {
			off++
		}
	}
	assert.GreaterOrEqual(t, own, 2)
	assert.GreaterOrEqual(t, off, 2)
}

func profileShare(p *model.Problem) float64 {
	with := 0
	for _, h := range p.Households {
		if len(h.Profiles) > 0 {
			with++
		}
	}
	return float64(with) / float64(len(p.Households))
}

// TestPractices: each practice is added only when asked for, and a generated
// operation with all of them is valid, solvable and verified; without them it is
// the same as before they existed (nothing more is drawn at random).
func TestPractices(t *testing.T) {
	base := Options{Dwellings: 40, Seed: 11}
	plain := Generate(base)
	all := base
	all.Visits, all.Heating, all.Snags = true, true, 3
	p := Generate(all)
	require.NoError(t, model.Validate(p))
	assert.Equal(t, len(plain.Dwellings), len(p.Dwellings))
	assert.Equal(t, plain.Households, p.Households, "the same households")
	assert.Equal(t, plain.Crews, p.Crews, "the same crews")
	occupied := 0
	for _, d := range p.Dwellings {
		if d.Occupied() {
			occupied++
		}
	}
	assert.Equal(t, len(plain.Interventions)+2*occupied+2*3, len(p.Interventions))
	for _, o := range []Options{{Dwellings: 40, Seed: 11, Visits: true}, {Dwellings: 40, Seed: 11, Heating: true}, {Dwellings: 40, Seed: 11, Snags: 1}} {
		q := Generate(o)
		require.NoError(t, model.Validate(q), "%+v", o)
		x := model.NewIndex(q)
		assert.Equal(t, o.Heating, x.Trades[tPlumbing].CutsHeating, "%+v", o)
		assert.Equal(t, o.Visits, x.Trades[tDiagnostic] != nil, "%+v", o)
	}
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, res.Plan.Unplaced)
	require.Empty(t, scheduler.Verify(p, res.Plan))
}

func TestGenerateDeterministic(t *testing.T) {
	for _, o := range []Options{{}, {Dwellings: 200, Seed: 9}, {Dwellings: 1000, Seed: 7}} {
		a := marshal(t, Generate(o))
		b := marshal(t, Generate(o))
		assert.True(t, bytes.Equal(a, b), "%+v", o)
	}
	a := marshal(t, Generate(Options{Dwellings: 200, Seed: 9}))
	c := marshal(t, Generate(Options{Dwellings: 200, Seed: 10}))
	assert.False(t, bytes.Equal(a, c))
	assert.Equal(t, marshal(t, Example()), marshal(t, Example()))
}

func TestDefaults(t *testing.T) {
	p := Generate(Options{Dwellings: 1000, Seed: 7})
	assert.Len(t, p.Buildings, 50)
	assert.Len(t, p.Pilots, 4)
	assert.Len(t, p.Deliveries, 3)
	assert.Equal(t, DefaultStart, p.Operation.Start)
	assert.GreaterOrEqual(t, len(p.Crews), 10)

	p = Generate(Options{})
	assert.Len(t, p.Dwellings, 60)
	assert.Len(t, p.Buildings, 3)

	p = Generate(Options{Dwellings: 251, Seed: 1, Start: "not a date"})
	assert.Len(t, p.Pilots, 2)
	assert.Equal(t, DefaultStart, p.Operation.Start)

	p = Generate(Options{Dwellings: 60, Seed: 1, ProfileShare: -1})
	assert.Zero(t, profileShare(p))
	p = Generate(Options{Dwellings: 60, Seed: 1, Deliveries: 1})
	require.Len(t, p.Deliveries, 1)
	assert.True(t, strings.HasPrefix(p.Deliveries[0].ID, "L-windows"))

	// 2-5% vacant
	p = Generate(Options{Dwellings: 1000, Seed: 3})
	vacant := 0
	for _, d := range p.Dwellings {
		if d.Vacant {
			vacant++
		}
	}
	assert.GreaterOrEqual(t, vacant, 20)
	assert.LessOrEqual(t, vacant, 50)
	assert.InDelta(t, 0.2, profileShare(p), 0.01)
}

// References checked by hand, independently of model.Validate; and Validate too.
func TestReferencesExist(t *testing.T) {
	for _, o := range append([]Options{{Dwellings: 60, Seed: 1, Buildings: 3}}, variety...) {
		p := Generate(o)
		name := fmt.Sprintf("%+v", o)
		require.NoError(t, model.Validate(p), name)

		ids := func(kind string, n int, id func(int) string) map[string]bool {
			m := map[string]bool{}
			for i := 0; i < n; i++ {
				assert.NotEmpty(t, id(i), "%s: %s[%d] without id", name, kind, i)
				assert.False(t, m[id(i)], "%s: duplicate %s %s", name, kind, id(i))
				m[id(i)] = true
			}
			return m
		}
		tradeIDs := ids("trade", len(p.Trades), func(i int) string { return p.Trades[i].ID })
		profileIDs := ids("profile", len(p.Profiles), func(i int) string { return p.Profiles[i].ID })
		buildingIDs := ids("building", len(p.Buildings), func(i int) string { return p.Buildings[i].ID })
		dwellingIDs := ids("dwelling", len(p.Dwellings), func(i int) string { return p.Dwellings[i].ID })
		householdIDs := ids("household", len(p.Households), func(i int) string { return p.Households[i].ID })
		ids("crew", len(p.Crews), func(i int) string { return p.Crews[i].ID })
		ids("pilot", len(p.Pilots), func(i int) string { return p.Pilots[i].ID })
		deliveryIDs := ids("delivery", len(p.Deliveries), func(i int) string { return p.Deliveries[i].ID })
		unitIDs := ids("relocation unit", len(p.RelocationUnits), func(i int) string { return p.RelocationUnits[i].ID })
		ivIDs := ids("intervention", len(p.Interventions), func(i int) string { return p.Interventions[i].ID })

		stairOf := map[string]string{}
		for _, b := range p.Buildings {
			assert.NotEmpty(t, b.Stairwells, name)
			for _, s := range b.Stairwells {
				assert.True(t, strings.HasPrefix(s.ID, b.ID+"-"), "%s: stairwell %s of %s", name, s.ID, b.ID)
				stairOf[s.ID] = b.ID
			}
		}
		assert.Len(t, p.Dwellings, o.Dwellings, name)
		inDwelling := map[string]string{}
		occupied := 0
		for _, d := range p.Dwellings {
			assert.True(t, buildingIDs[d.Building], "%s: dwelling %s: building %s", name, d.ID, d.Building)
			assert.Equal(t, d.Building, stairOf[d.Stairwell], "%s: dwelling %s: stairwell %s", name, d.ID, d.Stairwell)
			assert.True(t, strings.HasPrefix(d.ID, d.Stairwell+"-"), "%s: dwelling id %s", name, d.ID)
			assert.True(t, d.Floor >= 0 && d.Floor <= 4, "%s: %s floor %d", name, d.ID, d.Floor)
			assert.True(t, d.Rooms >= 1 && d.Rooms <= 5, "%s: %s rooms %d", name, d.ID, d.Rooms)
			assert.Equal(t, d.Vacant, d.Household == "", "%s: %s vacant and household", name, d.ID)
			if d.Household != "" {
				occupied++
				assert.True(t, householdIDs[d.Household], "%s: dwelling %s: household %s", name, d.ID, d.Household)
				assert.Empty(t, inDwelling[d.Household], "%s: household %s in two dwellings", name, d.Household)
				inDwelling[d.Household] = d.ID
			}
		}
		assert.Equal(t, occupied, len(p.Households), name)
		for _, h := range p.Households {
			assert.NotEmpty(t, h.Availability, "%s: %s", name, h.ID)
			carer := false
			for _, pid := range h.Profiles {
				assert.True(t, profileIDs[pid], "%s: household %s: profile %s", name, h.ID, pid)
				carer = carer || pid == pCarer
			}
			assert.Equal(t, carer, len(h.CarerAvailability) > 0, "%s: %s carer availability", name, h.ID)
			assert.LessOrEqual(t, len(h.Profiles), 2, name)
		}
		crewFor := map[string]bool{}
		for _, c := range p.Crews {
			for _, tr := range c.Trades {
				assert.True(t, tradeIDs[tr], "%s: crew %s: trade %s", name, c.ID, tr)
				crewFor[tr] = true
			}
			assert.NotEmpty(t, c.Contractor, name)
		}
		for _, s := range p.Sequences {
			assert.True(t, tradeIDs[s.Before] && tradeIDs[s.After], "%s: sequence %s → %s", name, s.Before, s.After)
		}
		stays := map[string]bool{}
		for _, r := range p.Relocations {
			assert.True(t, householdIDs[r.Household], "%s: relocation of %s", name, r.Household)
			assert.True(t, unitIDs[r.Unit], "%s: relocation in %s", name, r.Unit)
			stays[r.Household] = true
		}
		trade := map[string]model.Trade{}
		for _, tr := range p.Trades {
			trade[tr.ID] = tr
		}
		dwelling := map[string]model.Dwelling{}
		for _, d := range p.Dwellings {
			dwelling[d.ID] = d
		}
		for _, iv := range p.Interventions {
			assert.True(t, dwellingIDs[iv.Dwelling], "%s: %s: dwelling %s", name, iv.ID, iv.Dwelling)
			require.True(t, tradeIDs[iv.Trade], "%s: %s: trade %s", name, iv.ID, iv.Trade)
			if !trade[iv.Trade].PilotOnly {
				assert.True(t, crewFor[iv.Trade], "%s: %s: no crew does %s", name, iv.ID, iv.Trade)
			}
			for _, dl := range iv.Deliveries {
				assert.True(t, deliveryIDs[dl], "%s: %s: delivery %s", name, iv.ID, dl)
			}
			for _, a := range iv.After {
				assert.True(t, ivIDs[a], "%s: %s: after %s", name, iv.ID, a)
			}
			if iv.Relocation != "" {
				assert.True(t, stays[dwelling[iv.Dwelling].Household], "%s: %s has a relocation role without a stay", name, iv.ID)
			}
			switch iv.Trade {
			case tWindows:
				require.Len(t, iv.Deliveries, 1, "%s: %s", name, iv.ID)
				assert.True(t, strings.HasPrefix(iv.Deliveries[0], "L-windows-"), name)
			case tKitchen:
				if o.Deliveries != 1 {
					assert.Equal(t, []string{"L-kitchens"}, iv.Deliveries, "%s: %s", name, iv.ID)
				}
			}
		}
	}
}

// The trade order is a DAG that follows the usual order of the works: plumber, electrician,
// plasterer, then finishes.
func TestSequencesAreADAG(t *testing.T) {
	succ := map[string][]string{}
	indeg := map[string]int{}
	for _, tr := range trades {
		indeg[tr.ID] += 0
	}
	for _, s := range sequences {
		succ[s.Before] = append(succ[s.Before], s.After)
		indeg[s.After]++
	}
	var order []string
	var queue []string
	for _, tr := range trades { // in a fixed order
		if indeg[tr.ID] == 0 {
			queue = append(queue, tr.ID)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		order = append(order, n)
		for _, m := range succ[n] {
			if indeg[m]--; indeg[m] == 0 {
				queue = append(queue, m)
			}
		}
	}
	require.Len(t, order, len(trades), "the trade order has a cycle")
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	for _, pair := range [][2]string{{tVisit, tStripOut}, {tPlumbing, tElectrics}, {tElectrics, tPlasterboard},
		{tPlasterboard, tTiling}, {tTiling, tSanitary}, {tWindows, tPainting}, {tPainting, tAcceptance}} {
		assert.Less(t, pos[pair[0]], pos[pair[1]], "%s before %s", pair[0], pair[1])
	}
}

// week is one minute mask per weekday (0 = Sunday).
type week [7][1440]bool

// mask expands the recurrences the generator writes (FREQ=DAILY, FREQ=WEEKLY;BYDAY=…)
// into weekday minute masks.
func mask(t *testing.T, rs []model.Recurrence) *week {
	t.Helper()
	var w week
	days := map[string]int{"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}
	for _, r := range rs {
		var on []int
		switch {
		case r.RRule == "FREQ=DAILY":
			on = []int{0, 1, 2, 3, 4, 5, 6}
		case strings.HasPrefix(r.RRule, "FREQ=WEEKLY;BYDAY="):
			for _, d := range strings.Split(strings.TrimPrefix(r.RRule, "FREQ=WEEKLY;BYDAY="), ",") {
				k, ok := days[d]
				require.True(t, ok, "rrule %q", r.RRule)
				on = append(on, k)
			}
		default:
			t.Fatalf("the test does not read rrule %q", r.RRule)
		}
		start, err := model.ParseClock(r.Start)
		require.NoError(t, err)
		dur, err := model.ParseDuration(r.Duration, 0)
		require.NoError(t, err)
		for _, d := range on {
			for m := start; m < start+dur && m < 1440; m++ {
				w[d][m] = true
			}
		}
	}
	return &w
}

func (w *week) and(o *week) *week {
	var out week
	for d := range w {
		for m := range w[d] {
			out[d][m] = w[d][m] && o[d][m]
		}
	}
	return &out
}

func (w *week) notBefore(clock string) *week {
	from, _ := model.ParseClock(clock)
	out := *w
	for d := range out {
		for m := 0; m < from; m++ {
			out[d][m] = false
		}
	}
	return &out
}

// longest is the longest window on a weekday (Monday to Friday).
func (w *week) longest() int {
	best := 0
	for d := 1; d <= 5; d++ {
		run := 0
		for m := 0; m < 1440; m++ {
			if w[d][m] {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
	}
	return best
}

// Every household can receive the pilot's one-hour visits in one stretch, and the
// crews of the trades that need the tenant at home for half a day at least.
func TestHouseholdWindowsFitTheInterventions(t *testing.T) {
	for _, o := range variety {
		p := Generate(o)
		prof := map[string]model.Profile{}
		for _, pr := range p.Profiles {
			prof[pr.ID] = pr
		}
		office := mask(t, model.DefaultOfficeHours)
		site := mask(t, p.SiteHours())
		for _, h := range p.Households {
			home := mask(t, h.Availability)
			for _, pid := range h.Profiles {
				if prof[pid].NeedsCarer {
					home = mask(t, h.CarerAvailability)
				}
			}
			noisy := (*week)(nil)
			for _, pid := range h.Profiles {
				if nb := prof[pid].NoWorkBefore; nb != "" {
					home = home.notBefore(nb)
				}
				if prof[pid].NoisyDusty == "hours" {
					noisy = mask(t, prof[pid].NoisyHours)
				}
			}
			assert.GreaterOrEqual(t, home.and(office).longest(), 60, "%+v: %s cannot receive a one-hour visit", o, h.ID)
			tenant := home.and(site)
			if noisy != nil { // electrics and windows are noisy: only in the noisy hours
				tenant = tenant.and(noisy)
				assert.GreaterOrEqual(t, tenant.longest(), 120, "%+v: %s", o, h.ID)
			} else {
				assert.GreaterOrEqual(t, tenant.longest(), 240, "%+v: %s has no half-day for the crews", o, h.ID)
			}
			for _, a := range h.Absences {
				from, err1 := time.Parse(dateLayout, a.From)
				to, err2 := time.Parse(dateLayout, a.To)
				require.NoError(t, err1)
				require.NoError(t, err2)
				assert.LessOrEqual(t, to.Sub(from), 15*24*time.Hour, "%+v: %s away long", o, h.ID)
			}
		}
	}
}

func TestDescribeMatchesTheConstants(t *testing.T) {
	d := strings.Join(strings.Fields(Describe()), " ") // one line
	assert.Contains(t, d, fmt.Sprintf("at most %d days", maxWaterOutDays))
	assert.Contains(t, d, fmt.Sprintf("bathroom out at most %d days", homeCareDays))
	assert.Contains(t, d, "one pilot per 250 dwellings")
	assert.Contains(t, d, "110 + N/4 working days (at most 600)")
	assert.Contains(t, d, "horizon 1.6 times")
	assert.Contains(t, d, "about 2 flats every 3 days")
	for _, pr := range profiles {
		if pr.ID != pRespRelocate {
			assert.Contains(t, d, strings.ReplaceAll(pr.ID, "-", " "))
		}
	}
}

func TestGenerateLargeIsQuick(t *testing.T) {
	start := time.Now()
	p := Generate(Options{Dwellings: 1000, Seed: 7})
	elapsed := time.Since(start)
	assert.Len(t, p.Dwellings, 1000)
	assert.Less(t, elapsed, time.Second)
	t.Logf("1000 dwellings, %d interventions, %d crews in %v", len(p.Interventions), len(p.Crews), elapsed)
}

// Every generated operation must be solvable: the scheduler's first constructions
// place every intervention and the verifier accepts the plan.
func TestGeneratedOperationsAreSolvable(t *testing.T) {
	if testing.Short() {
		t.Skip("solves several operations")
	}
	cases := []Options{{Dwellings: 60, Seed: 1, Buildings: 3}, {Dwellings: 20, Seed: 1}, {Dwellings: 60, Seed: 2},
		{Dwellings: 60, Seed: 3}, {Dwellings: 60, Seed: 4}, {Dwellings: 120, Seed: 4}, {Dwellings: 35, Seed: 5, Pilots: 2},
		{Dwellings: 90, Seed: 6, Start: "2027-06-07"}}
	for _, o := range cases {
		p := Generate(o)
		require.NoError(t, model.Validate(p), "%+v", o)
		res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1, TimeLimit: time.Minute})
		require.NoError(t, err)
		assert.Empty(t, res.Violations, "%+v", o)
		assert.Empty(t, scheduler.Verify(p, res.Plan), "%+v", o)
		for _, u := range res.Plan.Unplaced {
			t.Errorf("%+v: %s unplaced: %v", o, u.Intervention, u.Reasons)
		}
	}
}

// TestExampleState: the example's state is its first three weeks announced a
// week before the works (from a plan of the example), every tenth household's
// appointments confirmed since; -update writes it again. The example with it is
// valid, and a plan of it keeps those appointments and passes the verifier.
func TestExampleState(t *testing.T) {
	if *update {
		base := exampleBase()
		res, err := scheduler.Solve(context.Background(), base, &scheduler.Settings{WorkLimit: 4, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, res.Violations)
		loc, err := model.LoadLocation(base.Operation.TimeZone)
		require.NoError(t, err)
		start, err := model.ParseDate(base.Operation.Start, loc)
		require.NoError(t, err)
		an, err := scheduler.Announce(base, res.Plan, scheduler.AnnounceOptions{Now: start.AddDate(0, 0, -7).Add(9 * time.Hour), Until: start.AddDate(0, 0, 21)})
		require.NoError(t, err)
		confirm := map[string]bool{}
		for i, l := range an.Letters {
			if i%10 == 0 {
				confirm[l.Household] = true
			}
		}
		x := model.NewIndex(an.Problem)
		var st []fixedAppointment
		for _, id := range an.Announced {
			iv := x.Interventions[id]
			f := fixedAppointment{Intervention: id, Status: iv.Status, Crew: iv.Crew, Pilot: iv.Pilot, Start: iv.Start, End: iv.End}
			if h := x.HouseholdOf(iv); h != nil && confirm[h.ID] {
				f.Status = model.StatusConfirmed
			}
			st = append(st, f)
		}
		data, err := json.MarshalIndent(st, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile("example_state.json", append(data, '\n'), 0o644))
		exampleStateJSON = append(data, '\n')
	}
	p := Example()
	require.NoError(t, model.Validate(p))
	count := map[string]int{}
	for _, iv := range p.Interventions {
		count[iv.StatusOf()]++
	}
	require.Greater(t, count[model.StatusAnnounced], 50, "%v", count)
	require.Greater(t, count[model.StatusConfirmed], 5, "%v", count)
	require.Zero(t, count[model.StatusDone], "%v", count)
	require.NotNil(t, p.Operation.Contact)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, res.Plan.Unplaced)
	fixed := map[string]model.Intervention{}
	for _, iv := range p.Interventions {
		if iv.Announced() {
			fixed[iv.ID] = iv
		}
	}
	for _, a := range res.Plan.Assignments {
		if iv, ok := fixed[a.Intervention]; ok {
			require.Equal(t, iv.Crew, a.Crew, a.Intervention)
			s1, _ := model.ParseMoment(iv.Start, time.UTC)
			s2, _ := model.ParseMoment(a.Start, time.UTC)
			require.True(t, s1.Equal(s2), "%s starts %s, announced %s", a.Intervention, a.Start, iv.Start)
		}
	}
}
