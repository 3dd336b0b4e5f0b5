package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// samePlanDecoding: whatever decodePlanFast accepts, encoding/json's strict
// decoding reads the same.
func samePlanDecoding(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := decodePlanFast(data)
	if !ok {
		return false
	}
	var want Plan
	if err := strictUnmarshal(data, &want); err != nil {
		t.Fatalf("%q: the fast path accepts what encoding/json refuses: %v", data, err)
	}
	if !reflect.DeepEqual(fast, &want) {
		t.Fatalf("%q: fast %#v, encoding/json %#v", data, fast, &want)
	}
	return true
}

var planSeeds = []string{
	`{"format":"rehabplan-plan/v1","operation":"x","status":"complete","seed":0,"assignments":[],"unplaced":[]}`,
	`{"format":"rehabplan-plan/v1","assignments":[{"intervention":"a","start":"2027-01-01T08:00:00+01:00"}]}`,
	` { "format" : "é" , "seed" : -12 , "score" : { "hard" : 0, "soft" : 1.5e3, "terms" : [ { "goal":"g", "value": -0.0, "weight": 1E-7, "cost": 0 } ] } } `,
	`{"assignments":[{"intervention":"a","crew":"c","pilot":"p","start":"s","end":"e","segments":[{"start":"1","end":"2"},{}]}],"unplaced":[{"intervention":"u","reasons":[{"rule":"r","message":"m"}]},{"reasons":[]}]}`,
	`{}`, `{"seed":1.0}`, `{"seed":1e3}`, `{"seed":01}`, `{"seed":99999999999999999999}`, `{"format":"a\"b"}`, `{"format":"a\u0041"}`,
	`{"format":null}`, `{"score":null}`, `{"assignments":null}`, `{"Format":"x"}`, `{"format":"x","format":"y"}`, `{"other":1}`,
	`{"format":"x"} {}`, `{"format":"x"}}`, `{"format":"x"`, `{"format":"\xff"}`, "{\"format\":\"a\tb\"}", `[]`, ``, `{"score":{"soft":1e400}}`,
	`{"score":{"hard":-1,"unplaced":3}}`, `{"assignments":[{"intervention":"a"},]}`, `{"assignments":[,]}`, `{,}`, `{"seed":-}`, `{"seed":1.}`, `{"seed":.5}`,
}

func TestDecodePlanFastAsEncodingJSON(t *testing.T) {
	accepted := 0
	for _, s := range planSeeds {
		if samePlanDecoding(t, []byte(s)) {
			accepted++
		}
	}
	files, _ := filepath.Glob("../testdata/*/*.json")
	files = append(files, filepath.Join("..", "scheduler", "testdata", "replan-slip.golden"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		samePlanDecoding(t, b)
	}
	// plans written by MarshalPlanIndent and by encoding/json, compact
	p := &Plan{Format: PlanFormat, Operation: "op", Status: "complete", Seed: 7,
		Assignments: []Assignment{{Intervention: "a", Crew: "c", Start: "2027-03-01T08:00:00+01:00", End: "2027-03-01T12:00:00+01:00",
			Segments: []Segment{{Start: "s", End: "e"}}}, {Intervention: "bé"}},
		Unplaced: []Unplaced{{Intervention: "u", Reasons: []Reason{{Rule: "r", Message: "ne peut pas être placée"}}}},
		Score:    &Score{Hard: 1, Unplaced: 2, Soft: 12.375, Terms: []ScoreTerm{{Goal: "makespan_days", Value: 1.0 / 3, Weight: 1e-9, Cost: 1e22}}}}
	b, err := MarshalPlanIndent(p)
	if err != nil {
		t.Fatal(err)
	}
	if !samePlanDecoding(t, b) {
		t.Fatal("the fast path refuses a plan rehabplan writes")
	}
	b, _ = json.Marshal(p)
	samePlanDecoding(t, b)
	p.Assignments[1].Intervention = "b<&>" // escaped: encoding/json reads it
	b, _ = MarshalPlanIndent(p)
	if samePlanDecoding(t, b) {
		t.Fatal("the fast path reads escapes")
	}
	if accepted < 4 {
		t.Fatalf("the fast path accepts only %d of the seeds", accepted)
	}
}

func FuzzDecodePlanFast(f *testing.F) {
	for _, s := range planSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { samePlanDecoding(t, data) })
}
