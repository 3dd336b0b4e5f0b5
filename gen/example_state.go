package gen

import (
	_ "embed"
	"encoding/json"

	"github.com/rehabplan/rehabplan/model"
)

// exampleStateJSON is the state of the bundled example's appointments: those of
// its first three weeks, announced by letter a week before the works began, a few
// confirmed by their households since. It is a record of what was announced (a
// plan of the example, announced with scheduler.Announce), written by
// `go test ./gen -run TestExampleState -update`; a test checks that the example
// with it is valid and that a plan keeping it passes the verifier.
//
//go:embed example_state.json
var exampleStateJSON []byte

// fixedAppointment is one intervention's status and fixed appointment.
type fixedAppointment struct {
	Intervention string `json:"intervention"`
	Status       string `json:"status"`
	Crew         string `json:"crew,omitempty"`
	Pilot        string `json:"pilot,omitempty"`
	Start        string `json:"start"`
	End          string `json:"end"`
}

// exampleState reads the embedded state; an unreadable one is a build defect.
func exampleState() []fixedAppointment {
	var out []fixedAppointment
	if err := json.Unmarshal(exampleStateJSON, &out); err != nil {
		panic("gen: example_state.json: " + err.Error())
	}
	return out
}

// applyState sets the status and appointment of the interventions the state names.
func applyState(p *model.Problem, st []fixedAppointment) {
	at := make(map[string]int, len(p.Interventions))
	for i := range p.Interventions {
		at[p.Interventions[i].ID] = i
	}
	for _, f := range st {
		k, ok := at[f.Intervention]
		if !ok {
			continue
		}
		iv := &p.Interventions[k]
		iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = f.Status, f.Crew, f.Pilot, f.Start, f.End
	}
}
