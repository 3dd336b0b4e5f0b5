package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// sameStrictDecoding: strictUnmarshal accepts a document exactly when encoding/json's
// strict decoding (unknown fields refused, nothing after the document) does, and
// reads the same values. It reports whether the document was accepted.
func sameStrictDecoding[T any](t *testing.T, data []byte) bool {
	t.Helper()
	var got, want T
	err := strictUnmarshal(data, &got)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	wantErr := dec.Decode(&want)
	if wantErr == nil {
		if _, e := dec.Token(); e != io.EOF {
			wantErr = fmt.Errorf("after the document: %v", e)
		}
	}
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%q: strictUnmarshal says %v, encoding/json %v", data, err, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Fatalf("%q: read %#v, encoding/json %#v", data, got, want)
	}
	return err == nil
}

var planSeeds = []string{
	`{"format":"rehabplan-plan/v1","operation":"x","status":"complete","seed":0,"assignments":[],"unplaced":[]}`,
	`{"format":"rehabplan-plan/v1","assignments":[{"intervention":"a","start":"2027-01-01T08:00:00+01:00"}]}`,
	` { "format" : "é" , "seed" : -12 , "score" : { "hard" : 0, "soft" : 1.5e3, "terms" : [ { "goal":"g", "value": -0.0, "weight": 1E-7, "cost": 0 } ] } } `,
	`{"assignments":[{"intervention":"a","crew":"c","pilot":"p","start":"s","end":"e","segments":[{"start":"1","end":"2"},{}]}],"unplaced":[{"intervention":"u","reasons":[{"rule":"r","message":"m"}]},{"reasons":[]}]}`,
	`{}`, `{"seed":1.0}`, `{"seed":1e3}`, `{"seed":01}`, `{"seed":99999999999999999999}`, `{"format":"a\"b"}`, `{"format":"a\u0041"}`,
	`{"format":null}`, `{"score":null}`, `{"assignments":null}`, `{"Format":"x"}`, `{"FORMAT":"x"}`, `{"format":"x","format":"y"}`, `{"other":1}`,
	`{"format":"x"} {}`, `{"format":"x"}}`, `{"format":"x"}]`, `{"format":"x"} 3`, `{"format":"x"`, `{"format":"\xff"}`, "{\"format\":\"a\tb\"}", `[]`, ``, ` `,
	`{"score":{"soft":1e400}}`, `{"score":{"hard":-1,"unplaced":3}}`, `{"score":{"hard":1.5}}`, `{"assignments":[{"intervention":"a"},]}`, `{"assignments":[,]}`,
	`{,}`, `{"seed":-}`, `{"seed":1.}`, `{"seed":.5}`, `{"format":"\ud800"}`, `{"format":"\u00e9\ud83c\udfe0"}`, `{"assignments":{}}`, `{"seed":"1"}`,
}

// TestStrictDecodingAsEncodingJSON: plans, problems and event lists are read as
// encoding/json reads them, on hand-made documents, the bundled ones, and what
// rehabplan writes.
func TestStrictDecodingAsEncodingJSON(t *testing.T) {
	accepted := 0
	for _, s := range planSeeds {
		if sameStrictDecoding[Plan](t, []byte(s)) {
			accepted++
		}
		sameStrictDecoding[Problem](t, []byte(s))
		sameStrictDecoding[Events](t, []byte(s))
	}
	if accepted < 10 || accepted == len(planSeeds) {
		t.Fatalf("%d of %d seeds accepted: the seeds no longer test both sides", accepted, len(planSeeds))
	}
	files, _ := filepath.Glob("../testdata/*/*.json")
	files = append(files, "testdata/valid.json", filepath.Join("..", "scheduler", "testdata", "replan-slip.golden"))
	problems := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameStrictDecoding[Plan](t, b)
		if sameStrictDecoding[Problem](t, b) {
			problems++
		}
	}
	if problems < 10 {
		t.Fatalf("only %d bundled problems read", problems)
	}
	p := &Plan{Format: PlanFormat, Operation: "op", Status: "complete", Seed: 7,
		Assignments: []Assignment{{Intervention: "a", Crew: "c", Start: "2027-03-01T08:00:00+01:00", End: "2027-03-01T12:00:00+01:00",
			Segments: []Segment{{Start: "s", End: "e"}}}, {Intervention: "b<&>é"}},
		Unplaced: []Unplaced{{Intervention: "u", Reasons: []Reason{{Rule: "r", Message: "ne peut pas être placée"}}}},
		Score:    &Score{Hard: 1, Unplaced: 2, Soft: 12.375, Terms: []ScoreTerm{{Goal: "makespan_days", Value: 1.0 / 3, Weight: 1e-9, Cost: 1e22}}}}
	b, err := MarshalPlanIndent(p)
	if err != nil {
		t.Fatal(err)
	}
	if !sameStrictDecoding[Plan](t, b) {
		t.Fatal("a plan rehabplan writes is refused")
	}
}

// FuzzStrictDecoding: on any input, the plan, problem and events readers accept and
// refuse what encoding/json does, and read the same values.
func FuzzStrictDecoding(f *testing.F) {
	for _, s := range planSeeds {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/valid.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameStrictDecoding[Plan](t, data)
		sameStrictDecoding[Problem](t, data)
		sameStrictDecoding[Events](t, data)
	})
}

func TestFieldPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"format", "format"},
		{"operation.policy.makespan", "operation.policy.makespan"},
		{"interventions.12.duration", "interventions[12].duration"},
		{"households.0.availability.3.start", "households[0].availability[3].start"},
		{"crews.7", "crews[7]"},
	} {
		if got := fieldPath(tc.in); got != tc.want {
			t.Errorf("fieldPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
