package scheduler_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const tinyOperation = `{
  "format": "rehabplan/v1",
  "operation": {"id": "op-demo", "time_zone": "Europe/Paris", "start": "2027-03-01", "end": "2027-04-30"},
  "trades": [
    {"id": "plumbing", "noisy": true, "cuts_water": true},
    {"id": "painting"}
  ],
  "buildings": [{"id": "B1", "stairwells": [{"id": "B1-A"}]}],
  "dwellings": [{"id": "B1-A-01", "building": "B1", "stairwell": "B1-A", "floor": 0, "household": "H001"}],
  "households": [{"id": "H001", "availability": [
    {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH", "start": "08:00", "duration": "9h"}]}],
  "crews": [
    {"id": "PLB-1", "trades": ["plumbing"]},
    {"id": "PNT-1", "trades": ["painting"]}
  ],
  "sequences": [{"before": "plumbing", "after": "painting", "min_lag": "24h"}],
  "interventions": [
    {"id": "B1-A-01/plumbing", "dwelling": "B1-A-01", "trade": "plumbing", "duration": "1d"},
    {"id": "B1-A-01/painting", "dwelling": "B1-A-01", "trade": "painting", "duration": "0.5d"}
  ]
}`

// Solve a one-dwelling operation: the tenant is home on Tuesdays and Thursdays,
// the paint goes on a day after the plumbing.
func ExampleSolve() {
	p, err := model.Decode(strings.NewReader(tinyOperation))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status)
	for _, a := range res.Plan.Assignments {
		fmt.Println(a.Intervention, a.Crew, a.Start, a.End)
	}
	fmt.Println("violations:", len(scheduler.Verify(p, res.Plan)))
	// Output:
	// complete
	// B1-A-01/plumbing PLB-1 2027-03-02T08:00:00+01:00 2027-03-02T17:00:00+01:00
	// B1-A-01/painting PNT-1 2027-03-04T08:00:00+01:00 2027-03-04T12:00:00+01:00
	// violations: 0
}

// Verify names the rule a plan breaks.
func ExampleVerify() {
	p, _ := model.Decode(strings.NewReader(tinyOperation))
	res, _ := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	// move the painting onto the Monday: the tenant is not home, and it would
	// come before the plumbing's drying lag
	for i := range res.Plan.Assignments {
		if res.Plan.Assignments[i].Intervention == "B1-A-01/painting" {
			res.Plan.Assignments[i].Start = "2027-03-01T08:00:00+01:00"
			res.Plan.Assignments[i].End = "2027-03-01T12:00:00+01:00"
		}
	}
	for _, v := range scheduler.Verify(p, res.Plan) {
		fmt.Println(v.Rule)
	}
	// Output:
	// tenant-availability
	// trade-sequence
}
