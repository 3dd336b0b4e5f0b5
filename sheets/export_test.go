package sheets

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var (
	solvedOnce sync.Once
	solvedP    *model.Problem
	solvedPlan *model.Plan
	solvedErr  error
)

// solvedExample is the example, as its plan books it, and a deterministic plan of it.
func solvedExample(t testing.TB) (*model.Problem, *model.Plan) {
	t.Helper()
	solvedOnce.Do(func() {
		solvedP = readExample(t)
		res, err := scheduler.Solve(context.Background(), solvedP, &scheduler.Settings{TimeLimit: time.Minute, Seed: 1, WorkLimit: 4, Workers: 1})
		if err != nil {
			solvedErr = err
			return
		}
		// the problem the plan is for: the example with the stays the planner
		// chose booked (Export books them itself from the example as given)
		solvedP, solvedPlan = res.Problem, res.Plan
	})
	if solvedErr != nil {
		t.Fatal(solvedErr)
	}
	return solvedP, solvedPlan
}

// TestExportExample exports a plan of the example with one change and reads the
// workbook back: the expected sheets, every assignment in its building's sheet on
// its first day, one agenda row per worked stretch of each crew, the change and
// the unplaced interventions. One long test: the checks share one export, the
// slow part.
func TestExportExample(t *testing.T) {
	p, plan := solvedExample(t)
	if len(plan.Assignments) == 0 {
		t.Fatal("the plan places nothing")
	}
	// a replan that moves the first assignment by a day, to fill the changes sheet
	a := plan.Assignments[0]
	diff := &model.Diff{Format: model.DiffFormat, Operation: p.Operation.ID, Changes: []model.Change{{
		Intervention: a.Intervention, Kind: model.ChangeMoved, Dwelling: "B1-A-01", Household: "H001", Trade: "visit", Announced: true,
		Old: &model.Slot{Start: a.Start, End: a.End, Crew: a.Crew}, New: &model.Slot{Start: a.Start, End: a.End}, ShiftMinutes: 1440, Cause: "ev-1"}}}
	// the example as given: Export books the plan's stays itself
	if err := Export(io.Discard, readExample(t), plan, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Export(&buf, p, plan, diff); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := map[string]bool{}
	for _, s := range f.GetSheetList() {
		sheets[s] = true
	}
	want := []string{"Synthèse", "Agenda des pilotes", "Rendez-vous des ménages", "Non placées", "Changements"}
	for _, b := range p.Buildings {
		want = append(want, "Bât. "+b.ID)
	}
	for _, c := range p.Crews {
		want = append(want, "Équipe "+c.ID)
	}
	for _, s := range want {
		if !sheets[s] {
			t.Errorf("no sheet %q in %v", s, f.GetSheetList())
		}
	}
	loc, _ := model.LoadLocation(p.Operation.TimeZone)
	x := model.NewIndex(p)
	// every assignment shows in its building's sheet on its first day, and in its
	// crew's agenda with its local start time
	bRows := map[string][][]string{}
	for _, a := range plan.Assignments {
		iv := x.Interventions[a.Intervention]
		d := x.Dwellings[iv.Dwelling]
		rows, ok := bRows[d.Building]
		if !ok {
			rows, err = f.GetRows("Bât. " + d.Building)
			if err != nil {
				t.Fatal(err)
			}
			bRows[d.Building] = rows
		}
		start, _ := model.ParseMoment(a.Start, loc)
		day := frDays[start.Weekday()][:3] + " " + start.Format("02/01")
		col := -1
		for j, h := range rows[0] {
			if h == day {
				col = j
			}
		}
		found := false
		for _, r := range rows[1:] {
			if r[0] == d.ID && col >= 0 && col < len(r) && strings.Contains(r[col], iv.Trade) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s (%s on %s) is not in the sheet of building %s", a.Intervention, iv.Trade, day, d.Building)
		}
	}
	for _, c := range p.Crews {
		rows, err := f.GetRows("Équipe " + c.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range plan.Assignments {
			if a.Crew == c.ID {
				n += max(1, len(a.Segments))
			}
		}
		if len(rows)-1 != n {
			t.Errorf("crew %s: %d agenda rows, want %d worked stretches", c.ID, len(rows)-1, n)
		}
		if len(rows) > 1 {
			first := rows[1]
			if !strings.Contains(first[4], "/") || len(first[2]) != 5 {
				t.Errorf("crew %s: first row %q: want an intervention id and a time HH:MM", c.ID, first)
			}
		}
	}
	rows, err := f.GetRows("Changements")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][0] != a.Intervention || rows[1][1] != "déplacée" || rows[1][12] != "24" {
		t.Errorf("changes sheet: %q", rows)
	}
	rows, err = f.GetRows("Non placées")
	if err != nil {
		t.Fatal(err)
	}
	reasons := 0
	for _, u := range plan.Unplaced {
		reasons += max(1, len(u.Reasons))
	}
	if len(rows)-1 != reasons {
		t.Errorf("unplaced sheet: %d rows, want %d", len(rows)-1, reasons)
	}
}

func TestExportRefusesAnotherOperationsPlan(t *testing.T) {
	p, plan := solvedExample(t)
	other := *plan
	other.Operation = "another"
	if err := Export(&bytes.Buffer{}, p, &other, nil); err == nil || !strings.Contains(err.Error(), "another") {
		t.Fatalf("got %v, want an error naming the plan's operation", err)
	}
	bad := *plan
	bad.Assignments = append([]model.Assignment{{Intervention: "nope", Start: "x", End: "y"}}, plan.Assignments...)
	if err := Export(&bytes.Buffer{}, p, &bad, nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("got %v, want an error naming the unknown intervention", err)
	}
}
