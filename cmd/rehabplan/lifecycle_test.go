package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

var update = flag.Bool("update", false, "rewrite the golden files of the letters and reminders")

var binOnce struct {
	sync.Once
	path string
	err  error
}

// binary builds rehabplan once for the tests of this file.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rehabplan-bin-")
		if err != nil {
			binOnce.err = err
			return
		}
		binOnce.path = filepath.Join(dir, "rehabplan")
		out, err := exec.Command("go", "build", "-o", binOnce.path, ".").CombinedOutput()
		if err != nil {
			binOnce.err = &buildError{string(out)}
		}
	})
	require.NoError(t, binOnce.err)
	return binOnce.path
}

type buildError struct{ out string }

func (e *buildError) Error() string { return "go build: " + e.out }

// runBin runs the binary in dir; it returns the exit code, stdout and stderr.
func runBin(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, out.String(), errb.String()
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v))
}

// golden compares got with testdata/lifecycle/NAME (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "lifecycle", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "%s differs: go test ./cmd/rehabplan -run %s -update, and read the diff", path, t.Name())
}

// TestAnnounceSlipNotices is the appointment lifecycle on the binary: solve the
// example, announce a stretch of it, slip a delivery: the diff's household notices
// name exactly the households told of an appointment that then moved.
func TestAnnounceSlipNotices(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runBin(t, dir, "example")
	require.Equal(t, exitOK, code, errs)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.json"), []byte(out), 0o644))
	code, _, errs = runBin(t, dir, "solve", "p.json", "-o", "plan.json", "--work-limit", "4", "--workers", "1")
	require.Equal(t, exitOK, code, errs)
	code, _, errs = runBin(t, dir, "announce", "p.json", "plan.json", "--now", "2027-02-01T08:00", "--until", "2027-03-22", "-o", "p2.json", "--letters", "letters")
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, errs, "letters to households")
	code, _, errs = runBin(t, dir, "verify", "p2.json", "plan.json")
	require.Equal(t, exitOK, code, "the plan must still hold for the problem with the announcements: %s", errs)

	var p2 model.Problem
	readJSONFile(t, filepath.Join(dir, "p2.json"), &p2)
	var letters []struct {
		Household    string `json:"household"`
		Appointments []struct {
			Intervention string `json:"intervention"`
		} `json:"appointments"`
	}
	readJSONFile(t, filepath.Join(dir, "letters", "letters.json"), &letters)
	hh := map[string]string{}
	for _, d := range p2.Dwellings {
		if d.Occupied() {
			hh[d.ID] = d.Household
		}
	}
	announced := map[string]bool{}
	for _, iv := range p2.Interventions {
		if iv.StatusOf() == model.StatusAnnounced {
			announced[iv.ID] = true
		}
	}
	// every letter's appointment is announced, and every announced appointment of
	// an occupied dwelling that was planned before is in its household's letter
	inLetters := map[string]bool{}
	for _, l := range letters {
		for _, a := range l.Appointments {
			require.True(t, announced[a.Intervention], "%s is in a letter but not announced", a.Intervention)
			inLetters[a.Intervention] = true
		}
	}
	require.NotEmpty(t, inLetters)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "ev.json"), []byte(`{"format":"rehabplan-events/v1","events":[
		{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-15T08:00"}]}`), 0o644))
	code, _, errs = runBin(t, dir, "replan", "p2.json", "plan.json", "ev.json", "--now", "2027-02-01T12:00", "-o", "new.json", "--work-limit", "4", "--workers", "1")
	require.Equal(t, exitOK, code, errs)

	var oldPlan, newPlan model.Plan
	readJSONFile(t, filepath.Join(dir, "plan.json"), &oldPlan)
	readJSONFile(t, filepath.Join(dir, "new.json"), &newPlan)
	var diff model.Diff
	readJSONFile(t, filepath.Join(dir, "new.diff.json"), &diff)
	newAt := map[string]model.Assignment{}
	for _, a := range newPlan.Assignments {
		newAt[a.Intervention] = a
	}
	// the households whose announced appointment is not where it was (moved,
	// or no longer placed), read from the two plans, not from the diff
	want := map[string]bool{}
	for _, a := range oldPlan.Assignments {
		n, ok := newAt[a.Intervention]
		if announced[a.Intervention] && hh[dwellingOf(&p2, a.Intervention)] != "" && (!ok || n.Start != a.Start || n.End != a.End) {
			want[hh[dwellingOf(&p2, a.Intervention)]] = true
		}
	}
	require.NotEmpty(t, want, "the slip moved no announced appointment: the test shows nothing")
	got := map[string]bool{}
	for _, r := range diff.Recipients {
		if r.Kind == model.RecipientHousehold {
			got[r.ID] = true
			require.Contains(t, r.Notice, "Madame, Monsieur")
		}
	}
	require.Equal(t, sortedKeys(want), sortedKeys(got), "households told of a change")
}

func dwellingOf(p *model.Problem, id string) string {
	for _, iv := range p.Interventions {
		if iv.ID == id {
			return iv.Dwelling
		}
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAnnounceLettersGolden: the letters of a small operation with a pilot contact
// and a trade's own preparation, as text and HTML, against golden files.
func TestAnnounceLettersGolden(t *testing.T) {
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("testdata", "lifecycle"))
	code, _, errs := runBin(t, dir, "announce", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"),
		"--now", "2027-01-22T10:00", "--until", "2027-02-20", "-o", "p2.json", "--letters", "letters")
	require.Equal(t, exitOK, code, errs)
	for _, name := range []string{"letters.txt", "letters.html"} {
		got, err := os.ReadFile(filepath.Join(dir, "letters", name))
		require.NoError(t, err)
		golden(t, name, got)
	}
	txt, _ := os.ReadFile(filepath.Join(dir, "letters", "letters.txt"))
	require.Equal(t, 3, strings.Count(string(txt), "\f"), "four households, four pages")
	require.Contains(t, string(txt), "claire.morel@example.org")
	require.Contains(t, string(txt), "décrocher rideaux et voilages", "the windows trade's own preparation")
	html, _ := os.ReadFile(filepath.Join(dir, "letters", "letters.html"))
	require.Contains(t, string(html), "size: A4")
	require.Equal(t, 4, strings.Count(string(html), `<section class="letter">`))
}

// TestRemindersGolden: the reminders of a day, households in French, crews and
// pilots in the chosen language.
func TestRemindersGolden(t *testing.T) {
	src := filepath.Join("testdata", "lifecycle")
	for _, lang := range []string{"fr", "en"} {
		code, out, errs := runCLI("reminders", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"), "--date", "2027-02-11", "--lang", lang)
		require.Equal(t, exitOK, code, errs)
		golden(t, "reminders-"+lang+".txt", []byte(out))
	}
	// a Friday covers the weekend and Monday
	code, out, errs := runCLI("reminders", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"), "--date", "2027-02-12", "--json")
	require.Equal(t, exitOK, code, errs)
	var rl struct {
		From, To  string
		Reminders []struct {
			Kind, ID     string
			Appointments []struct{ Intervention string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rl))
	require.Equal(t, "2027-02-13", rl.From)
	require.Equal(t, "2027-02-16", rl.To)
	var ids []string
	for _, r := range rl.Reminders {
		for _, a := range r.Appointments {
			ids = append(ids, a.Intervention)
		}
	}
	require.Contains(t, ids, "B1-A-01/painting")
}

// TestAnnounceBadInput: exit 2 naming the flag and the value, nothing written.
func TestAnnounceBadInput(t *testing.T) {
	src := filepath.Join("testdata", "lifecycle")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--until", "2031-01-01"}, "--until: 2031-01-01T00:00 is outside the operation's horizon"},
		{[]string{"--until", "2026-12-01"}, "--until: 2026-12-01T00:00 is outside the operation's horizon"},
		{[]string{"--household", "H999"}, `--household H999: unknown household "H999"`},
		{[]string{"--building", "B9", "--household", "H001"}, `--building B9: unknown building "B9"`},
		{[]string{"--stairwell", "Z"}, `--stairwell Z: unknown stairwell "Z"`},
		{[]string{"--until", "someday"}, "--until someday:"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "p2.json")
			args := append([]string{"announce", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"), "--now", "2027-01-22T10:00", "-o", out, "--letters", filepath.Join(dir, "letters")}, tc.args...)
			code, _, errs := runCLI(args...)
			require.Equal(t, exitInvalid, code, errs)
			require.Contains(t, errs, tc.want)
			ents, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Empty(t, ents, "nothing is written")
		})
	}
	// reminders: a date outside the horizon
	code, _, errs := runCLI("reminders", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"), "--date", "2030-01-01")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errs, "--date:")
	// a household's own letters only
	dir := t.TempDir()
	code, _, errs = runCLI("announce", filepath.Join(src, "problem.json"), filepath.Join(src, "plan.json"), "--now", "2027-01-22T10:00", "--household", "H002", "-o", filepath.Join(dir, "p2.json"), "--letters", dir)
	require.Equal(t, exitOK, code, errs)
	var ls []struct{ Household string }
	readJSONFile(t, filepath.Join(dir, "letters.json"), &ls)
	require.Len(t, ls, 1)
	require.Equal(t, "H002", ls[0].Household)
	var p2 model.Problem
	readJSONFile(t, filepath.Join(dir, "p2.json"), &p2)
	n := 0
	for _, iv := range p2.Interventions {
		if iv.StatusOf() == model.StatusAnnounced {
			require.True(t, slices.Contains([]string{"B1-A-02"}, iv.Dwelling), "%s announced", iv.ID)
			n++
		}
	}
	require.NotZero(t, n)
}
