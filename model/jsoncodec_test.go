package model_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

var (
	oddStrings = []string{"", "plain", "B12-A-03/plumbing", "2027-03-01T08:00:00+01:00", "x<&é", "le mardi 2 mars à 08:00", "\u2028", "\u2029x", "\xff", "a\xc3", "a\tb\nc\r", "\x00\x01\x1f", "\x7f", `q"uote`, `back\slash`, "emoji 🏠", "\b\f", "\uFFFD ok", "é\xe9", "\xed\xa0\x80", "ménage"}
	oddFloats  = []float64{0, 1, -1, 0.1, 1e21, 1e20, 1e-6, 1e-7, -0.000001234, 123456789.5, math.Copysign(0, -1), 10.0 / 1440, math.MaxFloat64, math.SmallestNonzeroFloat64}
	oddInts    = []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64}
)

// randomFill sets every field reachable from v at random: odd strings and numbers,
// nil, empty or short lists, nil or set pointers.
func randomFill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(oddStrings[r.IntN(len(oddStrings))])
	case reflect.Int, reflect.Int64:
		x := oddInts[r.IntN(len(oddInts))]
		if v.Kind() == reflect.Int && (x > math.MaxInt32 || x < math.MinInt32) {
			x = 7
		}
		v.SetInt(x)
	case reflect.Float64:
		v.SetFloat(oddFloats[r.IntN(len(oddFloats))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		randomFill(r, v.Elem())
	case reflect.Slice:
		switch k := r.IntN(5); k {
		case 0:
			v.SetZero()
		default:
			n := k - 1
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := 0; i < n; i++ {
				randomFill(r, v.Index(i))
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			randomFill(r, v.Field(i))
		}
	}
}

// sameAsMarshalIndent: got is json.MarshalIndent(v, "", "  ") byte for byte, but
// for one thing: the replacement character that stands for bytes of invalid UTF-8
// (strings decoded from JSON never have them) is written as it is, not as \ufffd.
// Both read back as the same string. Errors are encoding/json's.
func sameAsMarshalIndent(t *testing.T, v any, got []byte, err error) {
	t.Helper()
	want, wantErr := json.MarshalIndent(v, "", "  ")
	if wantErr != nil {
		require.EqualError(t, err, wantErr.Error())
		return
	}
	require.NoError(t, err)
	// no test string has a backslash before "ufffd": the replacement is exact
	want = bytes.ReplaceAll(want, []byte(`\ufffd`), []byte("\uFFFD"))
	require.Equal(t, string(want), string(got))
}

func TestMarshalIndentAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var p model.Plan
		randomFill(r, reflect.ValueOf(&p).Elem())
		got, err := model.MarshalPlanIndent(&p)
		sameAsMarshalIndent(t, &p, got, err)
		var d model.Diff
		randomFill(r, reflect.ValueOf(&d).Elem())
		got, err = model.MarshalDiffIndent(&d)
		sameAsMarshalIndent(t, &d, got, err)
	}
	for _, n := range [][2]int{{0, 0}, {1, 0}, {2, 2}} {
		var p model.Plan
		fill(reflect.ValueOf(&p).Elem(), n[0], n[1])
		got, err := model.MarshalPlanIndent(&p)
		sameAsMarshalIndent(t, &p, got, err)
		var d model.Diff
		fill(reflect.ValueOf(&d).Elem(), n[0], n[1])
		got, err = model.MarshalDiffIndent(&d)
		sameAsMarshalIndent(t, &d, got, err)
	}
	for range 3000 {
		var p model.Problem
		randomFill(r, reflect.ValueOf(&p).Elem())
		got, err := model.MarshalProblemIndent(&p)
		sameAsMarshalIndent(t, &p, got, err)
	}
	for _, n := range [][2]int{{0, 0}, {1, 0}, {2, 2}} {
		var p model.Problem
		fill(reflect.ValueOf(&p).Elem(), n[0], n[1])
		got, err := model.MarshalProblemIndent(&p)
		sameAsMarshalIndent(t, &p, got, err)
	}
	for _, p := range []*model.Problem{nil, {}} {
		got, err := model.MarshalProblemIndent(p)
		sameAsMarshalIndent(t, p, got, err)
	}
	got, err := model.MarshalPlanIndent(nil)
	sameAsMarshalIndent(t, (*model.Plan)(nil), got, err)
	got, err = model.MarshalDiffIndent(nil)
	sameAsMarshalIndent(t, (*model.Diff)(nil), got, err)
	// numbers JSON cannot write fail as encoding/json fails
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		p := &model.Plan{Score: &model.Score{Soft: f}}
		got, err := model.MarshalPlanIndent(p)
		sameAsMarshalIndent(t, p, got, err)
		d := &model.Diff{Summary: model.DiffSummary{ShiftHours: f}}
		got, err = model.MarshalDiffIndent(d)
		sameAsMarshalIndent(t, d, got, err)
	}
}

func FuzzMarshalPlanIndent(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s, 0.5)
	}
	f.Fuzz(func(t *testing.T, s string, x float64) {
		p := &model.Plan{Format: s, Assignments: []model.Assignment{{Intervention: s, Crew: s, Start: s, Segments: []model.Segment{{End: s}}}},
			Unplaced: []model.Unplaced{{Intervention: s, Reasons: []model.Reason{{Message: s}}}}, Score: &model.Score{Soft: x, Terms: []model.ScoreTerm{{Goal: s, Cost: x}}}}
		got, err := model.MarshalPlanIndent(p)
		sameAsMarshalIndent(t, p, got, err)
		d := &model.Diff{Now: s, Summary: model.DiffSummary{ShiftHours: x}, Changes: []model.Change{{Household: s, Old: &model.Slot{Pilot: s}}},
			Recipients: []model.Recipient{{Interventions: []string{s}, Notice: s}}}
		got, err = model.MarshalDiffIndent(d)
		sameAsMarshalIndent(t, d, got, err)
		pr := &model.Problem{Format: s, Operation: model.Operation{Name: s, Policy: model.Policy{Makespan: &x}, SiteHours: []model.Recurrence{{RRule: s, ExDates: []string{s}}}},
			Households: []model.Household{{ID: s, Absences: []model.Period{{Reason: s}}}}, Interventions: []model.Intervention{{ID: s, After: []string{s}}}}
		got, err = model.MarshalProblemIndent(pr)
		sameAsMarshalIndent(t, pr, got, err)
	})
}

func TestMarshalProblemIndentDocuments(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.json")
	files = append(files, "testdata/valid.json")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var p model.Problem
		if json.Unmarshal(b, &p) != nil {
			continue
		}
		got, err := model.MarshalProblemIndent(&p)
		sameAsMarshalIndent(t, &p, got, err)
		n++
	}
	require.Greater(t, n, 10)
	for _, d := range []int{3, 40, 200} {
		p := gen.Generate(gen.Options{Dwellings: d, Seed: 5})
		got, err := model.MarshalProblemIndent(p)
		sameAsMarshalIndent(t, p, got, err)
	}
	got, err := model.MarshalProblemIndent(gen.Example())
	sameAsMarshalIndent(t, gen.Example(), got, err)
}
