package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The acceptance path: example, solve, verify, all exit 0.
func TestExampleSolveVerify(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	prob := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(prob, []byte(out), 0o644))
	plan := filepath.Join(dir, "plan.json")
	code, _, stderr := runCLI("solve", prob, "-o", plan, "--work-limit", "4", "--seed", "1")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "disturbed days per occupied dwelling")
	assert.Contains(t, stderr, "plumbing")
	code, out, _ = runCLI("verify", prob, plan)
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "no hard rule broken")
}

// unmeetable writes into dir the example with a deadline no one can meet on one
// intervention, and returns the file and that intervention's id.
func unmeetable(t *testing.T, dir string) (prob, id string) {
	t.Helper()
	p := model.Problem{}
	require.NoError(t, jsonUnmarshalFile(t, "../../testdata/operations/example.json", &p))
	p.Interventions[5].Deadline = p.Operation.Start
	prob = filepath.Join(dir, "p.json")
	require.NoError(t, writeJSON(prob, nil, &p))
	return prob, p.Interventions[5].ID
}

func TestSolveExit3WhenUnplaced(t *testing.T) {
	dir := t.TempDir()
	prob, id := unmeetable(t, dir)
	plan := filepath.Join(dir, "plan.json")
	code, _, stderr := runCLI("solve", "--work-limit", "2", prob, "-o", plan)
	require.Equal(t, exitUnplaced, code, stderr)
	assert.Contains(t, stderr, "unplaced "+id)
	// the plan is still written, and valid
	code, out, _ := runCLI("verify", prob, plan)
	assert.Equal(t, exitOK, code, out)
}

// --lang fr words the unplaced interventions' reasons in French, in the plan and
// on stderr; an unknown language is an invalid input naming the flag.
func TestSolveLangFrench(t *testing.T) {
	dir := t.TempDir()
	prob, id := unmeetable(t, dir)
	plan := filepath.Join(dir, "plan.json")
	code, _, en := runCLI("solve", "--work-limit", "2", prob, "-o", plan)
	require.Equal(t, exitUnplaced, code, en)
	code, _, fr := runCLI("solve", "--work-limit", "2", "--lang", "fr", prob, "-o", plan)
	require.Equal(t, exitUnplaced, code, fr)
	line := func(out, prefix string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, prefix+id) {
				return l
			}
		}
		return ""
	}
	require.NotEmpty(t, line(en, "unplaced "), en)
	require.NotEmpty(t, line(fr, "non placée "), fr)
	assert.Contains(t, line(fr, "non placée "), "son échéance")
	assert.NotContains(t, line(fr, "non placée "), "deadline")
	f, err := os.Open(plan)
	require.NoError(t, err)
	defer f.Close()
	got, err := model.DecodePlan(f)
	require.NoError(t, err)
	require.NotEmpty(t, got.Unplaced)
	assert.Contains(t, got.Unplaced[0].Reasons[0].Message, id)
	code, out, _ := runCLI("verify", prob, plan)
	assert.Equal(t, exitOK, code, out)

	code, _, stderr := runCLI("solve", "--lang", "de", prob)
	require.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, `--lang: unknown language "de"`)
}

// requireVerified fails t unless the independent verifier accepts the plan in
// the file plan for the problem in the file prob.
func requireVerified(t *testing.T, prob, plan string) {
	t.Helper()
	p, pl, code := readProblemAndPlan(io.Discard, prob, plan)
	require.Equal(t, exitOK, code, "%s and %s", prob, plan)
	require.Empty(t, scheduler.Verify(p, pl), "%s for %s", plan, prob)
}

func TestVerifyNamesTheBrokenRule(t *testing.T) {
	dir := t.TempDir()
	prob := filepath.Join(dir, "p.json")
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	require.NoError(t, os.WriteFile(prob, []byte(out), 0o644))
	p, err := readProblem(prob)
	require.NoError(t, err)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	require.NoError(t, err)
	require.Empty(t, scheduler.Verify(p, res.Plan), "the plan before it is broken")
	// give a crew's second job the times of its first: two jobs at once
	as := res.Plan.Assignments
	firstOf := map[string]int{}
	for i := range as {
		if as[i].Crew == "" {
			continue
		}
		if j, ok := firstOf[as[i].Crew]; ok {
			as[i].Start, as[i].End, as[i].Segments = as[j].Start, as[j].End, as[j].Segments
			break
		}
		firstOf[as[i].Crew] = i
	}
	plan := filepath.Join(dir, "plan.json")
	require.NoError(t, writeJSON(plan, nil, res.Plan))
	code, out, _ = runCLI("verify", prob, plan)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, out, "crew-calendar")
	assert.Contains(t, out, "violations")
}

func TestInvalidInputExit2(t *testing.T) {
	files, err := filepath.Glob("../../testdata/invalid/*.json")
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".expected")
			require.NoError(t, err)
			code, _, stderr := runCLI("solve", f, "--work-limit", "1")
			assert.Equal(t, exitInvalid, code)
			assert.Contains(t, stderr, strings.TrimSpace(string(want)))
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, exitInvalid},
		{"unknown command", []string{"frobnicate"}, exitInvalid},
		{"solve without file", []string{"solve"}, exitInvalid},
		{"verify with one file", []string{"verify", "x.json"}, exitInvalid},
		{"missing file", []string{"solve", "does-not-exist.json"}, exitInvalid},
		{"bad flag", []string{"solve", "--nope", "x.json"}, exitInvalid},
		{"help", []string{"help"}, exitOK},
		{"gen without dwellings", []string{"gen", "--dwellings", "0"}, exitInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, _ := runCLI(tt.args...)
			assert.Equal(t, tt.want, code)
		})
	}
}

func jsonUnmarshalFile(t *testing.T, path string, v any) error {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := model.Decode(f)
	if err != nil {
		return err
	}
	*(v.(*model.Problem)) = *p
	return nil
}

func TestGenWritesAValidOperation(t *testing.T) {
	code, out, _ := runCLI("gen", "--dwellings", "25", "--seed", "3")
	require.Equal(t, exitOK, code)
	p, err := model.Decode(strings.NewReader(out))
	require.NoError(t, err)
	assert.Len(t, p.Dwellings, 25)
}

// solvedExample writes the bundled example and its plan (solve --work-limit 4)
// into a temporary folder: the folder, the problem's, the plan's and an events
// file's paths (the events file is the caller's to write).
func solvedExample(t *testing.T) (dir, p, plan, ev string) {
	t.Helper()
	dir = t.TempDir()
	p, plan, ev = filepath.Join(dir, "p.json"), filepath.Join(dir, "plan.json"), filepath.Join(dir, "ev.json")
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
	code, _, errs := runCLI("solve", p, "-o", plan, "--work-limit", "4", "--workers", "2")
	require.Equal(t, exitOK, code, errs)
	return dir, p, plan, ev
}

func TestReplanCommand(t *testing.T) {
	dir, p, plan, ev := solvedExample(t)
	require.NoError(t, os.WriteFile(ev, []byte(`{"format":"rehabplan-events/v1","events":[
		{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`), 0o644))
	newPlan := filepath.Join(dir, "new.json")
	code, _, errs := runCLI("replan", p, plan, ev, "--now", "2027-02-01T12:00", "-o", newPlan, "--work-limit", "4", "--workers", "2")
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, errs, "announced to households")
	require.Contains(t, errs, "Madame, Monsieur")
	for _, f := range []string{"new.diff.json", "new.problem.json"} {
		_, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
	}
	code, _, errs = runCLI("verify", filepath.Join(dir, "new.problem.json"), newPlan)
	require.Equal(t, exitOK, code, errs)

	// a bad event: exit 2, naming the event and the field
	require.NoError(t, os.WriteFile(ev, []byte(`{"format":"rehabplan-events/v1","events":[
		{"id":"ghost","type":"crew_absent","crew":"nobody","from":"2027-02-02","to":"2027-02-05"}]}`), 0o644))
	code, _, errs = runCLI("replan", p, plan, ev, "--now", "2027-02-01T12:00", "-o", newPlan)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errs, `events[0].crew (event "ghost"): unknown crew "nobody"`)
	// --now is required
	code, _, _ = runCLI("replan", p, plan, ev)
	require.Equal(t, exitInvalid, code)
}

// TestBenchWorkLimitIsDeterministic: with a work limit the rows (but the seconds)
// are the same from run to run, with or without a CPU profile (--cpuprofile,
// which writes one).
func TestBenchWorkLimitIsDeterministic(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	files := []string{filepath.Join("..", "..", "bench", "testdata", "Ta001.txt"), filepath.Join("..", "..", "bench", "testdata", "ft06")}
	for _, tc := range []struct{ family, file, bounds string }{
		{"flowshop", files[0], filepath.Join("..", "..", "bench", "testdata", "flowshop_bounds.csv")},
		{"jobshop", files[1], filepath.Join("..", "..", "bench", "testdata", "jobshop_bounds.csv")},
	} {
		rows := func(extra ...string) []string {
			args := append([]string{"bench", "--family", tc.family, "--bounds", tc.bounds, "--work-limit", "5000", "--time-limit", "1m", "--workers", "2", "--seed", "3"}, extra...)
			code, out, stderr := runCLI(append(args, tc.file)...)
			require.Equal(t, exitOK, code, stderr)
			var rs []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				f := strings.Fields(l)
				if len(f) >= 6 && f[0] != "instance" && f[0] != "mean" {
					rs = append(rs, strings.Join(append(f[:4:4], f[5:]...), " ")) // without t_best_s
				}
			}
			return rs
		}
		require.NoError(t, os.RemoveAll(prof))
		a, b := rows(), rows("--cpuprofile", prof)
		require.Len(t, a, 1, tc.family)
		assert.Equal(t, a, b, tc.family)
		info, err := os.Stat(prof)
		require.NoError(t, err, tc.family)
		assert.Positive(t, info.Size(), tc.family)
	}
	code, _, stderr := runCLI("bench", "--family", "flowshop", "--work-limit", "-1", files[0])
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "--work-limit")
}

// TestBenchFlagsTimeLimit: with --work-limit and no --time-limit no time limit
// cuts a run (the work limit ends it, under any load); a --time-limit given
// stays, and without a work limit the default 10 s stays.
func TestBenchFlagsTimeLimit(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want time.Duration
		work int
	}{
		{"work limit alone", []string{"--work-limit", "5000"}, bench.NoTimeLimit, 5000},
		{"work limit and time limit", []string{"--work-limit", "5000", "--time-limit", "1m"}, time.Minute, 5000},
		{"time limit before the work limit", []string{"--time-limit", "10s", "--work-limit", "5"}, 10 * time.Second, 5},
		{"time limit alone", []string{"--time-limit", "3s"}, 3 * time.Second, 0},
		{"neither", nil, 10 * time.Second, 0},
		{"a work limit of 0 is none", []string{"--work-limit", "0"}, 10 * time.Second, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr strings.Builder
			args := append(append([]string{"--family", "jobshop"}, c.args...), "ft06")
			o, ok := benchFlags(args, &stderr)
			require.True(t, ok, stderr.String())
			assert.Equal(t, c.want, o.set.TimeLimit)
			assert.Equal(t, c.work, o.set.WorkLimit)
			assert.Equal(t, []string{"ft06"}, o.files)
		})
	}
}

// A replan whose event makes a household need a relocation stay plans it: the
// command says who moves when for it, and the plan verifies.
func TestReplanCommandPlansNewStays(t *testing.T) {
	dir, p, plan, ev := solvedExample(t)
	var doc struct {
		Households []map[string]any `json:"households"`
	}
	out, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out, &doc))
	var h map[string]any
	for _, x := range doc.Households {
		if x["id"] == "H002" {
			h = x
		}
	}
	require.NotNil(t, h)
	require.Nil(t, h["profiles"], "H002 has no limit in the example")
	h["profiles"] = []string{"home-care"} // 3 days without water at most
	e, err := json.Marshal(map[string]any{"format": "rehabplan-events/v1", "events": []any{
		map[string]any{"id": "care", "type": "household_changed", "household": h}}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ev, e, 0o644))
	for _, lang := range []string{"en", "fr"} {
		newPlan := filepath.Join(dir, "new-"+lang+".json")
		code, _, errs := runCLI("replan", p, plan, ev, "--now", "2026-12-14T09:00", "-o", newPlan, "--work-limit", "4", "--workers", "2", "--lang", lang)
		require.Equal(t, exitOK, code, errs)
		if lang == "fr" {
			assert.Contains(t, errs, "nouveaux séjours en logement tiroir (les événements les rendent nécessaires) :\n  H002 (")
		} else {
			assert.Contains(t, errs, "new relocation stays (the events made them needed; in French as the households read them):\n  H002 (")
		}
		assert.Contains(t, errs, "(relogé par le planning : coupures d'eau trop longues), déménagement le ")
		data, err := os.ReadFile(newPlan)
		require.NoError(t, err)
		var np model.Plan
		require.NoError(t, json.Unmarshal(data, &np))
		found := false
		for _, st := range np.Stays {
			found = found || st.Household == "H002" && st.Planned && st.MoveOut == "B1-A-02/move-out"
		}
		assert.True(t, found, "%+v", np.Stays)
		code, _, errs = runCLI("verify", filepath.Join(dir, "new-"+lang+".problem.json"), newPlan)
		require.Equal(t, exitOK, code, errs)
	}
}
