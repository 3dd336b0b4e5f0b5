package batch

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// solved solves p, deterministically (workLimit schedules, one worker), and
// requires a plan the independent verifier accepts.
func solved(t *testing.T, p *model.Problem, workLimit int) *scheduler.Result {
	t.Helper()
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: workLimit, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, scheduler.Verify(res.Problem, res.Plan))
	return res
}

// withPlannedStays is a generated operation of 60 dwellings (seed 3) solved
// with a work limit of 2, a plan with stays the planner chose, and a time a
// month before its works (the clock moves nothing into the frozen period).
func withPlannedStays(t *testing.T) (now time.Time, p *model.Problem, res *scheduler.Result) {
	t.Helper()
	p = gen.Generate(gen.Options{Dwellings: 60, Seed: 3})
	require.NotNil(t, p.Operation.Rehousing)
	res = solved(t, p, 2)
	require.NotEmpty(t, res.Plan.PlannedStays(), "the generator's households that need a stay")
	return parisNoon(t, 2026, time.December, 1), p, res
}

// parisNoon is noon of y-m-d in Europe/Paris, the generated operations' zone.
func parisNoon(t *testing.T, y int, m time.Month, d int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	return time.Date(y, m, d, 12, 0, 0, 0, loc)
}

// operations makes a batch directory: op-a and op-c with a plan (op-c with a
// pending delivery slip), op-b without one.
func operations(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i, name := range []string{"op-a", "op-b", "op-c"} {
		p := gen.Generate(gen.Options{Dwellings: 10, Seed: int64(i + 1)})
		writeJSONFile(t, filepath.Join(dir, name, "problem.json"), p)
		if name == "op-b" {
			continue
		}
		writeJSONFile(t, filepath.Join(dir, name, "plan.json"), solved(t, p, 2).Plan)
	}
	writeJSONFile(t, filepath.Join(dir, "op-c", "events", "001-slip.json"), model.Events{Format: model.EventsFormat,
		Events: []model.Event{{ID: "slip", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T08:00"}}})
	return dir
}

// checkLatest asserts every operation's latest version is complete and valid, and
// that versions are numbered without gaps.
func checkLatest(t *testing.T, dir string, needPlan bool) map[string]int {
	t.Helper()
	ops, err := Operations(dir)
	require.NoError(t, err)
	require.Len(t, ops, 3)
	out := map[string]int{}
	for _, op := range ops {
		l, err := LoadLatest(filepath.Join(dir, op))
		require.NoError(t, err, op)
		vs, err := versions(filepath.Join(dir, op))
		require.NoError(t, err)
		for i, v := range vs {
			require.Equal(t, i+1, v, "%s: versions %v have a gap", op, vs)
		}
		out[op] = l.Version
		if l.Plan == nil {
			require.False(t, needPlan && op != "op-b", "%s has no plan", op)
			require.Equal(t, "op-b", op)
			continue
		}
		require.Empty(t, scheduler.Verify(l.Problem, l.Plan), "%s version %d", op, l.Version)
	}
	return out
}

func TestRunWritesVersionsAndAppliesEventsOnce(t *testing.T) {
	dir := operations(t)
	now := parisNoon(t, 2027, time.February, 1)
	rs, err := Run(context.Background(), dir, Options{Now: now, WorkLimit: 3, Workers: 2})
	require.NoError(t, err)
	require.Len(t, rs, 3)
	for _, r := range rs {
		require.Equal(t, "ok", r.Status, "%+v", r)
		require.Equal(t, 1, r.Version)
	}
	require.Equal(t, 1, rs[2].Events)
	require.Equal(t, map[string]int{"op-a": 1, "op-b": 1, "op-c": 1}, checkLatest(t, dir, true))
	// the next night: the slip is not applied twice; an operation whose plan
	// changes gets version 2, one where nothing changed keeps version 1 and gets no
	// new directory
	rs, err = Run(context.Background(), dir, Options{Now: now.Add(24 * time.Hour), WorkLimit: 3, Workers: 2})
	require.NoError(t, err)
	for _, r := range rs {
		require.Zero(t, r.Events)
		_, statErr := os.Stat(filepath.Join(dir, r.Operation, "versions", "0002"))
		switch r.Status {
		case "ok":
			require.Equal(t, 2, r.Version, "%+v", r)
			require.NoError(t, statErr)
		case "unchanged":
			require.Equal(t, 1, r.Version, "%+v", r)
			require.Zero(t, r.Moved)
			require.True(t, os.IsNotExist(statErr), "%s: a version written though nothing changed", r.Operation)
		default:
			t.Fatalf("%+v", r)
		}
	}
	// nothing was overwritten: version 1 is still there, unchanged in number
	_, err = os.Stat(filepath.Join(dir, "op-c", "versions", "0001", "plan.json"))
	require.NoError(t, err)
	checkLatest(t, dir, true)
}

// A night with no event and no change writes nothing: the latest version stays.
func TestRunWritesNoVersionWhenNothingChanged(t *testing.T) {
	dir := operations(t)
	now := parisNoon(t, 2027, time.February, 1)
	_, err := Run(context.Background(), dir, Options{Now: now, WorkLimit: 3, Workers: 2})
	require.NoError(t, err)
	rs, err := Run(context.Background(), dir, Options{Now: now, WorkLimit: 3, Workers: 2})
	require.NoError(t, err)
	unchanged := 0
	for _, r := range rs {
		if r.Status == "unchanged" {
			unchanged++
			require.Equal(t, 1, r.Version)
			vs, err := versions(filepath.Join(dir, r.Operation))
			require.NoError(t, err)
			require.Equal(t, []int{1}, vs, r.Operation)
		}
	}
	// op-a and op-b have no events and were just replanned at the same time
	require.GreaterOrEqual(t, unchanged, 2, "%+v", rs)
	var out strings.Builder
	require.NoError(t, WriteReport(&out, rs))
	require.Contains(t, out.String(), "unchanged")
	checkLatest(t, dir, true)
}

func TestRunRefusesASecondRunOnTheSameDirectory(t *testing.T) {
	dir := operations(t)
	unlock, err := lock(dir)
	require.NoError(t, err)
	_, err = Run(context.Background(), dir, Options{})
	require.ErrorContains(t, err, "another batch run holds the lock")
	unlock()
	_, err = os.Stat(filepath.Join(dir, ".batch.lock"))
	require.True(t, os.IsNotExist(err), "the lock file stays after the release: %v", err)
	// taken again once released
	unlock, err = lock(dir)
	require.NoError(t, err)
	unlock()
}

// A folder with no operation is refused, and nothing is written in it.
func TestRunRefusesAFolderWithoutOperations(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	_, err := Run(context.Background(), dir, Options{})
	require.ErrorContains(t, err, "no operation here")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, ents, 1, "the batch wrote into a folder that is not its own")
}

func TestRunReportsBadEventsAndKeepsTheOperation(t *testing.T) {
	dir := operations(t)
	writeJSONFile(t, filepath.Join(dir, "op-a", "events", "002-bad.json"), model.Events{Format: model.EventsFormat,
		Events: []model.Event{{ID: "ghost", Type: model.EventCrewAbsent, Crew: "nobody", From: "2027-02-02", To: "2027-02-03"}}})
	rs, err := Run(context.Background(), dir, Options{Now: parisNoon(t, 2027, time.February, 1), WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	require.Equal(t, "error", rs[0].Status)
	require.Contains(t, rs[0].Error, `unknown crew "nobody"`)
	require.Equal(t, "ok", rs[1].Status)
	require.Equal(t, 0, checkLatest(t, dir, true)["op-a"])
}

// TestKilledBatchKeepsAValidLatestPlan kills the real binary at random moments, 20
// times: every operation must keep a complete, valid latest plan.
func TestKilledBatchKeepsAValidLatestPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "rehabplan")
	build := exec.Command("go", "build", "-o", bin, "../cmd/rehabplan")
	build.Env = os.Environ()
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	dir := operations(t)
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2027, 2, 1, 11, 0, 0, 0, time.UTC)
	killed := 0
	for i := 0; i < 20; i++ {
		cmd := exec.Command(bin, "batch", dir, "--work-limit", "3", "--workers", "2",
			"--now", base.Add(time.Duration(i)*6*time.Hour).Format(time.RFC3339))
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(rng.IntN(600)) * time.Millisecond)
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			killed++
		}
		_ = cmd.Wait()
		checkLatest(t, dir, false)
	}
	require.GreaterOrEqual(t, killed, 10)
	// a run to the end leaves a new version wherever the plan changed, and the
	// latest one where nothing did
	before := checkLatest(t, dir, false)
	reportFile := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, "batch", dir, "--work-limit", "3", "--workers", "2", "--now", base.Add(6*24*time.Hour).Format(time.RFC3339),
		"--report", reportFile)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	after := checkLatest(t, dir, true)
	var reports []Report
	require.NoError(t, readJSON(reportFile, &reports))
	require.Len(t, reports, len(after))
	for _, r := range reports {
		switch r.Status {
		case "ok":
			require.Equal(t, before[r.Operation]+1, after[r.Operation], r.Operation)
		case "unchanged":
			require.Equal(t, before[r.Operation], after[r.Operation], r.Operation)
		default:
			t.Fatalf("%+v", r)
		}
	}
	// the slip was applied exactly once over all the runs
	applied := 0
	vs, _ := versions(filepath.Join(dir, "op-c"))
	for _, v := range vs {
		var names []string
		require.NoError(t, readJSON(filepath.Join(dir, "op-c", "versions", vdir(v), "events.json"), &names))
		applied += len(names)
	}
	require.Equal(t, 1, applied)
}

// A quiet night is quiet: with no event, a run moves no appointment (a replan
// without cause keeps the old plan), and a second run at the same time, with
// nothing passed into the frozen period, writes no version.
func TestQuietNightsMoveNothing(t *testing.T) {
	dir := t.TempDir()
	p := gen.Example()
	writeJSONFile(t, filepath.Join(dir, "op", "problem.json"), p)
	res := solved(t, p, 4)
	writeJSONFile(t, filepath.Join(dir, "op", "plan.json"), res.Plan)
	now := parisNoon(t, 2027, time.February, 1)
	run := func(now time.Time) Report {
		rs, err := Run(context.Background(), dir, Options{Now: now, WorkLimit: 3, Workers: 1})
		require.NoError(t, err)
		require.Len(t, rs, 1)
		require.Zero(t, rs[0].Moved, "%+v", rs[0])
		require.Zero(t, rs[0].AnnouncedMoved, "%+v", rs[0])
		return rs[0]
	}
	// the first run: appointments passed into done and into the notice period,
	// a version with the statuses, and the plan as it was
	r := run(now)
	require.Equal(t, "ok", r.Status, "%+v", r)
	require.Equal(t, 1, r.Version)
	l, err := LoadLatest(filepath.Join(dir, "op"))
	require.NoError(t, err)
	require.Equal(t, res.Plan.Assignments, l.Plan.Assignments, "a replan without events moved appointments")
	// the same night again: nothing to write
	r = run(now)
	require.Equal(t, "unchanged", r.Status, "%+v", r)
	vs, err := versions(filepath.Join(dir, "op"))
	require.NoError(t, err)
	require.Equal(t, []int{1}, vs)
	// the next night: the clock moves appointments into the frozen period, a new
	// version records it, and still nothing moves
	r = run(now.Add(24 * time.Hour))
	require.Equal(t, 2, r.Version, "%+v", r)
	l, err = LoadLatest(filepath.Join(dir, "op"))
	require.NoError(t, err)
	require.Equal(t, res.Plan.Assignments, l.Plan.Assignments)
}
