package model_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// codecDocuments: the generated 1,000-dwelling operation and a plan and a diff of its
// size (one assignment per intervention, a change for every other one), built
// without solving so that the benchmark measures the codecs alone.
func codecDocuments(b *testing.B) (*model.Problem, *model.Plan, *model.Diff) {
	b.Helper()
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	crewOf := map[string]string{}
	for _, c := range p.Crews {
		for _, t := range c.Trades {
			if crewOf[t] == "" {
				crewOf[t] = c.ID
			}
		}
	}
	paris := time.FixedZone("CET", 3600)
	t0 := time.Date(2027, 1, 4, 8, 0, 0, 0, paris)
	at := func(i, h int) string {
		return t0.Add(time.Duration(i)*time.Hour + time.Duration(h)*time.Hour).Format(time.RFC3339)
	}
	pl := &model.Plan{Format: model.PlanFormat, Operation: p.Operation.ID, Status: "complete", Seed: 1, Unplaced: []model.Unplaced{},
		Score: &model.Score{Soft: 1234.5, Terms: []model.ScoreTerm{{Goal: "makespan_days", Value: 321, Weight: 10, Cost: 3210}}}}
	d := &model.Diff{Format: model.DiffFormat, Operation: p.Operation.ID, Now: at(0, 0), Recipients: []model.Recipient{}}
	for i, iv := range p.Interventions {
		a := model.Assignment{Intervention: iv.ID, Crew: crewOf[iv.Trade], Start: at(i, 0), End: at(i, 4)}
		if i%3 == 0 {
			a.Segments = []model.Segment{{Start: at(i, 0), End: at(i, 2)}, {Start: at(i, 3), End: at(i, 4)}}
		}
		pl.Assignments = append(pl.Assignments, a)
		if i%2 == 0 {
			d.Changes = append(d.Changes, model.Change{Intervention: iv.ID, Kind: "moved", Dwelling: iv.Dwelling, Trade: iv.Trade,
				Old: &model.Slot{Start: a.Start, End: a.End, Crew: a.Crew}, New: &model.Slot{Start: at(i, 24), End: at(i, 28), Crew: a.Crew}, ShiftMinutes: 1440})
		}
	}
	return p, pl, d
}

// BenchmarkCodecs times the writers and readers of the documents rehabplan reads and
// writes at every solve and replan, with encoding/json alongside for reference
// (bench/RESULTS.md, "JSON codecs"): go test ./model -run '^$' -bench Codecs
func BenchmarkCodecs(b *testing.B) {
	p, pl, d := codecDocuments(b)
	encoders := []struct {
		name  string
		v     any
		model func() ([]byte, error)
	}{
		{"problem", p, func() ([]byte, error) { return model.MarshalProblemIndent(p) }},
		{"plan", pl, func() ([]byte, error) { return model.MarshalPlanIndent(pl) }},
		{"diff", d, func() ([]byte, error) { return model.MarshalDiffIndent(d) }},
	}
	for _, e := range encoders {
		data, err := e.model()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("encode/%s/model", e.name), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := e.model(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("encode/%s/encoding-json", e.name), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := json.MarshalIndent(e.v, "", "  "); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	problem, _ := model.MarshalProblemIndent(p)
	plan, _ := model.MarshalPlanIndent(pl)
	decoders := []struct {
		name  string
		data  []byte
		model func() error
		std   func() error
	}{
		{"problem", problem, func() error { _, err := model.DecodeUnvalidated(bytes.NewReader(problem)); return err },
			func() error { return strictStd(problem, &model.Problem{}) }},
		{"plan", plan, func() error { _, err := model.DecodePlan(bytes.NewReader(plan)); return err },
			func() error { return strictStd(plan, &model.Plan{}) }},
	}
	for _, dc := range decoders {
		b.Run(fmt.Sprintf("decode/%s/model", dc.name), func(b *testing.B) {
			b.SetBytes(int64(len(dc.data)))
			for b.Loop() {
				if err := dc.model(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("decode/%s/encoding-json", dc.name), func(b *testing.B) {
			b.SetBytes(int64(len(dc.data)))
			for b.Loop() {
				if err := dc.std(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// strictStd is the model's strict reading done by encoding/json.
func strictStd(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
