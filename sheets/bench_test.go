package sheets_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/rehabplan/rehabplan/sheets"
)

// big is a generated operation of 1,000 dwellings (the largest real operations).
func big(b *testing.B) *model.Problem {
	b.Helper()
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	if err := model.Validate(p); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkImport1000 reads the workbook of a 1,000-dwelling operation (issue 18:
// under 3 s).
func BenchmarkImport1000(b *testing.B) {
	p := big(b)
	var buf bytes.Buffer
	if err := sheets.Template(&buf, p); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sheets.Import(bytes.NewReader(buf.Bytes()), scheduler.French); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(p.Interventions)), "interventions")
}

// BenchmarkTemplate1000 writes that workbook.
func BenchmarkTemplate1000(b *testing.B) {
	p := big(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sheets.Template(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport1000 writes the plan of a 1,000-dwelling operation (issue 18:
// under 5 s). The plan is made once, with a small work limit.
func BenchmarkExport1000(b *testing.B) {
	p := big(b)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{TimeLimit: 5 * time.Minute, Seed: 1, WorkLimit: 1, Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sheets.Export(io.Discard, p, res.Plan, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Plan.Assignments)), "assignments")
}

// Generated operations (relocations, fixed interventions, varied calendars) go
// through the workbook unchanged too.
func TestRoundTripGenerated(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		p := gen.Generate(gen.Options{Dwellings: 40 + 20*int(seed), Seed: seed})
		var buf bytes.Buffer
		if err := sheets.Template(&buf, p); err != nil {
			t.Fatal(err)
		}
		q, err := sheets.Import(&buf, scheduler.English)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		a, _ := model.MarshalProblemIndent(p)
		b, _ := model.MarshalProblemIndent(q)
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: the generated operation reads back differently", seed)
		}
	}
}
