package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// elapsed masks the search's time, the one part of the summaries that changes
// from run to run.
var elapsed = regexp.MustCompile(`(after|après) [0-9.,]+ ?(ms|s|µs|min [0-9]+ s)|(after) [0-9hm.]+s`)

// What people read after solve, verify and replan, in English and under --lang
// fr, against golden files (go test ./cmd/rehabplan -run TestSummaries -update
// rewrites them): the example solved (complete: its end against the bound), the
// example with one household away all the time (partial: what is unplaced and
// why), verified, then replanned after a slipped delivery (the changes, the
// shift in days and hours, the end of works and the notices). The French ones
// write dates out in Paris time and no English word of the summary.
//
// One long function: the commands run in order on the files the previous ones
// wrote, in both languages, and the checks of the French words read the outputs
// together.
func TestSummaries(t *testing.T) {
	dir := t.TempDir()
	p := gen.Example()
	write := func(name string, v any) string {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		return path
	}
	prob := write("p.json", p)
	partial := p.Clone()
	partial.Operation.ID = "op-partiel"
	partial.Households[0].Absences = append(partial.Households[0].Absences, model.Period{From: "2027-01-18", To: p.Operation.End, Reason: "absent"})
	part := write("partial.json", partial)
	ev := write("ev.json", map[string]any{"format": "rehabplan-events/v1", "events": []map[string]string{
		{"id": "slip", "type": "delivery_slipped", "delivery": "L-windows-1", "expected": "2027-03-09T08:00"}}})
	det := []string{"--work-limit", "4", "--workers", "1", "--seed", "1"}
	outs := map[string]string{}
	for _, lang := range []string{"en", "fr"} {
		plan := filepath.Join(dir, "plan-"+lang+".json")
		code, _, stderr := runCLI(append([]string{"solve", prob, "-o", plan, "--lang", lang}, det...)...)
		require.Equal(t, exitOK, code, stderr)
		outs["solve."+lang] = stderr
		code, stdout, stderr := runCLI("verify", prob, plan, "--lang", lang)
		require.Equal(t, exitOK, code, stderr)
		outs["verify."+lang] = stdout
		code, _, stderr = runCLI(append([]string{"solve", part, "-o", filepath.Join(dir, "partial-"+lang+".json"), "--lang", lang}, det...)...)
		require.Equal(t, exitUnplaced, code, stderr)
		outs["solve-partial."+lang] = stderr
		code, _, stderr = runCLI(append([]string{"replan", prob, plan, ev, "--now", "2027-02-01T12:00", "-o", filepath.Join(dir, "new-"+lang+".json"), "--lang", lang}, det...)...)
		require.Equal(t, exitOK, code, stderr)
		outs["replan."+lang] = stderr
	}
	for name, out := range outs {
		out = elapsed.ReplaceAllString(out, "$1$3 (time)")
		path := filepath.Join("testdata", "summary", name+".txt")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), out, "%s differs: go test ./cmd/rehabplan -run TestSummaries -update, and read the diff", path)
	}
	// French: dates written out, durations in days and hours, no English word
	english := regexp.MustCompile(`\b(placed|unplaced|works from|trade|building|disturbed|search|after|lower bound|changes|moved|total shift|to tell|VIOLATION|end of works|gap)\b`)
	for _, name := range []string{"solve", "verify", "solve-partial", "replan"} {
		fr := outs[name+".fr"]
		if name == "replan" {
			fr = fr[:regexp.MustCompile(`\n\n`).FindStringIndex(fr)[0]] // the notices follow, as the scheduler writes them
		}
		require.Empty(t, english.FindAllString(fr, -1), "%s in French:\n%s", name, fr)
	}
	require.Regexp(t, `travaux du lundi 4 janvier 2027 au `, outs["solve.fr"])
	require.Regexp(t, `écart \d+,\d\x{a0}%`, outs["verify.fr"])
	require.Regexp(t, `décalage : ([\d\x{202f}]+ j( \d+ h)?|\d+ h) en moyenne par rendez-vous déplacé, [\d\x{202f}]+ j( \d+ h)? en tout`, outs["replan.fr"]) // "32 j" when the hours round to none
	require.Regexp(t, `fin des travaux : \S+ \d+(er)? \S+ 2027 à \d\d:\d\d → `, outs["replan.fr"])
	require.Contains(t, outs["solve-partial.fr"], "non placée ")
	require.Regexp(t, `\(ordre des corps d'état\) : \S+ doit suivre`, outs["solve-partial.fr"])
	// the times are the operation's: the summary's first day is the plan's, in Paris
	var first model.Plan
	data, err := os.ReadFile(filepath.Join(dir, "plan-fr.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &first))
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	lo := ""
	for _, a := range first.Assignments {
		if lo == "" || a.Start < lo {
			lo = a.Start
		}
	}
	at, err := time.Parse(time.RFC3339, lo)
	require.NoError(t, err)
	require.Contains(t, outs["solve.fr"], frDate(at.In(paris)))
}

func TestFrenchDurations(t *testing.T) {
	cases := []struct {
		hours float64
		want  string
	}{
		{0, "0 h"}, {0.4, "0 h"}, {5, "5 h"}, {24, "1 j"}, {27.6, "1 j 4 h"}, {-30, "1 j 6 h"}, {382296.2, "15\u202f929 j"}, {382300, "15\u202f929 j 4 h"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, frDaysHours(c.hours), "%v", c.hours)
	}
	require.Equal(t, "1er", frDate(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))[6:9])
	require.Equal(t, "lundi 1er mars 2027", frDate(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "2,4 s", frElapsed(2400*time.Millisecond))
	require.Equal(t, "1 min 05 s", frElapsed(65*time.Second))
}

// Every rule has a French name in the summaries.
func TestEveryRuleHasAFrenchName(t *testing.T) {
	for _, r := range constraints.All() {
		if _, ok := frRules[r.Name()]; !ok {
			t.Errorf("rule %q has no French name in frRules", r.Name())
		}
	}
}
