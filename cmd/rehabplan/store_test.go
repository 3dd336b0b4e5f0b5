package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/model"
)

// TestMain stops the throwaway PostgreSQL server the store tests may start.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// fillStore writes a store with what a dump must carry: several versions, an
// operation deleted and created again (another incarnation), idempotency keys,
// running and ended jobs, and text jsonb would refuse. It returns the keys used.
func fillStore(t *testing.T, st httpapi.Store) map[string]httpapi.Idem {
	t.Helper()
	keys := map[string]httpapi.Idem{
		"a": httpapi.NewIdem("key-a", "POST", "/v1/operations/a/events", []byte(`{"events":[]}`)),
		"b": httpapi.NewIdem("key-b", "PUT", "/v1/operations/b", []byte(`{}`)),
	}
	named := func(name string) *model.Problem {
		p := gen.Example()
		p.Operation.Name = name
		return p
	}
	a1, err := st.CreateOperation("a", named("a \x00 « un »"))
	require.NoError(t, err)
	a2, _, err := st.AddVersion("a", a1.Base(), &httpapi.Version{Kind: "replanned", Problem: named("a2")}, keys["a"])
	require.NoError(t, err)
	_, _, err = st.AddVersion("a", a2.Base(), &httpapi.Version{Kind: "solved", Problem: named("a3"), Plan: &model.Plan{Status: "feasible"}}, httpapi.Idem{})
	require.NoError(t, err)
	bOld, err := st.CreateOperation("b", named("b, first"))
	require.NoError(t, err)
	rl := st.(httpapi.RequestLog)
	req := func(h, subject string) httpapi.TenantRequest {
		t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		return httpapi.TenantRequest{Household: h, Date: "2027-03-01", Subject: subject, Status: httpapi.RequestOpen, Interventions: []string{},
			FollowUp: "2027-03-08", Text: "texte \x00 « libre »", Created: t0, Updated: t0, UpdatedBy: "pilot"}
	}
	_, _, err = rl.AddRequest("b", bOld.Incarnation, req("H001", "of the deleted incarnation"), httpapi.Idem{})
	require.NoError(t, err)
	require.NoError(t, st.DeleteOperation("b", ""))
	b1, err := st.CreateOperation("b", named("b, second"))
	require.NoError(t, err)
	_, _, err = st.AddVersion("b", b1.Base(), &httpapi.Version{Kind: "replaced", Problem: named("b2")}, keys["b"])
	require.NoError(t, err)
	_, _, err = rl.AddRequest("a", a1.Incarnation, req("H002", "bruit"), keys["a"])
	require.NoError(t, err)
	r2, _, err := rl.AddRequest("a", a1.Incarnation, req("H001", "fuite"), httpapi.Idem{})
	require.NoError(t, err)
	up := req("H001", "fuite, vue")
	up.ID, up.Status = r2.ID, httpapi.RequestClosed
	_, err = rl.UpdateRequest("a", a1.Incarnation, up, 1)
	require.NoError(t, err)
	_, _, err = rl.AddRequest("b", b1.Incarnation, req("H001", "b"), httpapi.Idem{})
	require.NoError(t, err)
	al := st.(httpapi.AuditLog)
	for _, h := range []string{"H001", "*"} {
		_, err := al.AppendAudit(httpapi.AuditRecord{Time: time.Date(2027, 3, 1, 9, 0, 0, 123000, time.UTC), Token: "pilot", Role: "pilot", Operation: "a", Household: h, Route: "r"})
		require.NoError(t, err)
	}
	fs := st.(httpapi.FeedStore)
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, h := range []string{strings.Repeat("a", 64), strings.Repeat("b", 64)} {
		require.NoError(t, fs.PutFeed(httpapi.Feed{ID: fmt.Sprintf("f%d", i), Operation: "a", Incarnation: a1.Incarnation, Kind: "household", Who: "H001",
			Created: t0, CreatedBy: "pilot"}, h))
	}
	require.NoError(t, fs.RevokeFeed("a", "f1", t0.Add(time.Hour)))
	_, err = fs.EventSequences("a\x00"+a1.Incarnation+"\x00household\x00H001", map[string]string{"uid-1": "h1", "uid-2": "h2"}, t0)
	require.NoError(t, err)
	_, err = fs.ServerKey()
	require.NoError(t, err)
	now := time.Now().UTC()
	for _, j := range []httpapi.JobRecord{
		{ID: "job-running", Operation: "b", Incarnation: b1.Incarnation, State: "running", Base: 2, Started: now, TimeLimit: time.Minute, Seed: 7},
		{ID: "job-done", Operation: "a", Incarnation: a1.Incarnation, State: "done", Base: 2, Version: 3, Started: now.Add(-time.Hour), Ended: now, Best: "0/0/12.5"},
	} {
		require.NoError(t, st.PutJob(&j))
	}
	return keys
}

// TestStoreExportImportRoundTrip: bbolt → PostgreSQL → bbolt keeps every
// record byte for byte, and the imported store goes on as the first would (its
// bases, idempotency keys and jobs valid).
func TestStoreExportImportRoundTrip(t *testing.T) {
	pgURL := pgtest.Schema(t)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bolt1"), 0o700))
	st, err := httpapi.OpenBolt(filepath.Join(dir, "bolt1", "rehabplan.db"))
	require.NoError(t, err)
	keys := fillStore(t, st)
	require.NoError(t, st.Close())

	dumps := []string{filepath.Join(dir, "1.jsonl"), filepath.Join(dir, "2.jsonl"), filepath.Join(dir, "3.jsonl")}
	steps := [][]string{
		{"store", "export", "--data", filepath.Join(dir, "bolt1"), "-o", dumps[0]},
		{"store", "import", "--store", pgURL, dumps[0]},
		{"store", "export", "--store", pgURL, "-o", dumps[1]},
		{"store", "import", "--data", filepath.Join(dir, "bolt2"), dumps[1]},
		{"store", "export", "--data", filepath.Join(dir, "bolt2"), "-o", dumps[2]},
	}
	for _, args := range steps {
		code, _, stderr := runCLI(args...)
		require.Equal(t, exitOK, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "5 versions, 2 idempotency keys, 2 job records, 3 tenants' requests (1 keys), 2 audit records, 2 calendar feeds (2 event sequences), 1 server key", "%v", args)
	}
	first, err := os.ReadFile(dumps[0])
	require.NoError(t, err)
	assert.Equal(t, 20, strings.Count(string(first), "\n"), "one line per version, key, request, job, audit record, feed, sequence and the server key")
	for _, d := range dumps[1:] {
		again, err := os.ReadFile(d)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(again), "%s is the first dump", filepath.Base(d))
	}

	// the PostgreSQL store goes on where bbolt left off
	pg, err := httpapi.OpenPostgres(pgURL)
	require.NoError(t, err)
	defer pg.Close()
	bolt2, err := httpapi.OpenBolt(filepath.Join(dir, "bolt2", "rehabplan.db"))
	require.NoError(t, err)
	defer bolt2.Close()
	for _, s := range []httpapi.Store{pg, bolt2} {
		a, err := s.Latest("a")
		require.NoError(t, err)
		assert.Equal(t, 3, a.Number)
		assert.Equal(t, "a3", a.Problem.Operation.Name)
		v1, err := s.Get("a", 1)
		require.NoError(t, err)
		assert.Equal(t, "a \x00 « un »", v1.Problem.Operation.Name)
		infos, err := s.Versions("a")
		require.NoError(t, err)
		require.Len(t, infos, 3)
		assert.Equal(t, "feasible", infos[2].Status)
		n, err := s.Idempotent("a", keys["a"])
		require.NoError(t, err)
		assert.Equal(t, 2, n, "the key replays on the imported store")
		b, err := s.Head("b")
		require.NoError(t, err)
		_, replayed, err := s.AddVersion("b", httpapi.Base{Incarnation: b.Incarnation, Version: 1}, &httpapi.Version{Kind: "replaced", Problem: gen.Example()}, keys["b"])
		require.NoError(t, err)
		assert.True(t, replayed)
		rs, err := s.(httpapi.RequestLog).Requests("a", "")
		require.NoError(t, err)
		require.Len(t, rs, 2)
		assert.Equal(t, []string{"fuite, vue", "bruit"}, []string{rs[0].Subject, rs[1].Subject})
		assert.Equal(t, 2, rs[0].Revision)
		a3, err := s.Head("a")
		require.NoError(t, err)
		again, replayed, err := s.(httpapi.RequestLog).AddRequest("a", a3.Incarnation, rs[1], keys["a"])
		require.NoError(t, err)
		assert.True(t, replayed, "the request's key replays on the imported store")
		assert.Equal(t, "R1", again.ID)
		r3, _, err := s.(httpapi.RequestLog).AddRequest("a", a3.Incarnation, rs[1], httpapi.Idem{})
		require.NoError(t, err)
		assert.Equal(t, "R3", r3.ID, "numbering goes on")
		n3, err := s.(httpapi.AuditLog).AppendAudit(httpapi.AuditRecord{Time: time.Now().UTC(), Token: "t", Operation: "a", Household: "H1"})
		require.NoError(t, err)
		assert.Equal(t, uint64(3), n3, "the audit numbering goes on")
		f, err := s.(httpapi.FeedStore).FeedByHash(strings.Repeat("b", 64))
		require.NoError(t, err)
		assert.Equal(t, "f1", f.ID)
		assert.NotNil(t, f.Revoked)
		assert.Equal(t, a3.Incarnation, f.Incarnation)
		seqs, err := s.(httpapi.FeedStore).EventSequences("a\x00"+a3.Incarnation+"\x00household\x00H001", map[string]string{"uid-1": "h1", "uid-2": "h9"}, time.Now())
		require.NoError(t, err)
		assert.Equal(t, 0, seqs["uid-1"].Seq, "the same content keeps its sequence")
		assert.Equal(t, 1, seqs["uid-2"].Seq, "a change raises the imported sequence")
		job, err := s.GetJob("job-running")
		require.NoError(t, err)
		assert.Equal(t, b.Incarnation, job.Incarnation)
		assert.Equal(t, int64(7), job.Seed)
		job.State, job.Ended = "done", time.Now()
		v, err := s.FinishJob(job, &httpapi.Version{Kind: "solved", Problem: gen.Example(), Plan: &model.Plan{Status: "feasible"}})
		require.NoError(t, err, "the running job finishes on its base")
		assert.Equal(t, 3, v.Number)
	}
}

// TestStoreImportRefuses: a bad dump or a store not empty writes nothing, and
// the error names the line.
func TestStoreImportRefuses(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI("store", "export", "--data", filepath.Join(dir, "src"), "-o", filepath.Join(dir, "empty.jsonl"))
	require.Equal(t, exitOK, code, stderr)
	st, err := httpapi.OpenBolt(filepath.Join(dir, "src", "rehabplan.db"))
	require.NoError(t, err)
	fillStore(t, st)
	require.NoError(t, st.Close())
	good := filepath.Join(dir, "good.jsonl")
	code, _, stderr = runCLI("store", "export", "--data", filepath.Join(dir, "src"), "-o", good)
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(good)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	lines = lines[:len(lines)-1]
	edit := func(f func([]string) []string) string {
		return strings.Join(f(append([]string(nil), lines...)), "")
	}
	cases := []struct {
		name, dump, want string
	}{
		{"a version missing", edit(func(l []string) []string { return append(l[:1], l[2:]...) }), "line 2: version 3 of operation \"a\": expected version 2"},
		{"not JSON", edit(func(l []string) []string { l[3] = "{oops\n"; return l }), "line 4: invalid character"},
		{"an unknown kind", edit(func(l []string) []string {
			l[0] = strings.Replace(l[0], `"kind":"version"`, `"kind":"verison"`, 1)
			return l
		}), `line 1: kind "verison"`},
		{"another incarnation midway", edit(func(l []string) []string {
			l[1] = regexp.MustCompile(`"incarnation":"[0-9a-f]{32}"`).ReplaceAllString(l[1], `"incarnation":"`+strings.Repeat("0", 32)+`"`)
			return l
		}), "line 2: version 2 of operation \"a\": incarnation 000"},
		{"a key before its version", edit(func(l []string) []string { return append([]string{l[6]}, l[:6]...) }), "line 1: idempotency key of operation \"b\""},
		{"a request before its operation", edit(func(l []string) []string { return append([]string{l[7]}, l...) }), `line 1: request "R1" of operation "a": no version of its incarnation came before`},
		{"audit records out of order", edit(func(l []string) []string { l[13], l[14] = l[14], l[13]; return l }), "line 15: an audit record without its record, or numbered before the last (2)"},
		{"the server key twice", edit(func(l []string) []string { return append(l, l[19]) }), "line 21: the server key twice"},
		{"a night not a date", edit(func(l []string) []string {
			return append(l, `{"kind":"night","night":{"night":"11/01/2027","operation":"a","job":"j","outcome":"done","seconds":1,"queued":"2027-01-11T00:00:00Z"}}`+"\n")
		}), `line 21: night "11/01/2027" of operation "a": the night is not a date YYYY-MM-DD`},
		{"a night's outcome unknown", edit(func(l []string) []string {
			return append(l, `{"kind":"night","night":{"night":"2027-01-11","operation":"a","job":"j","outcome":"fini","seconds":1,"queued":"2027-01-11T00:00:00Z"}}`+"\n")
		}), `line 21: night "2027-01-11" of operation "a": outcome "fini": expected done, unchanged, partial, failed or none`},
		{"a night's row twice", edit(func(l []string) []string {
			row := `{"kind":"night","night":{"night":"2027-01-11","operation":"a","job":"j","outcome":"","seconds":0,"queued":"2027-01-11T00:00:00Z"}}` + "\n"
			return append(l, row, row)
		}), `line 22: night "2027-01-11" of operation "a": twice`},
		{"a document of another number", edit(func(l []string) []string {
			l[1] = strings.Replace(l[1], `"document":{"version":2`, `"document":{"version":5`, 1)
			return l
		}), "line 2: version 2 of operation \"a\": its document is version 5"},
	}
	// the shape of the good dump the cases rely on
	require.Len(t, lines, 20)
	require.Contains(t, lines[6], `"kind":"idempotency","operation":"b"`)
	require.Contains(t, lines[1], `"document":{"version":2`)
	require.Contains(t, lines[7], `"kind":"request","operation":"a"`)
	require.Contains(t, lines[13], `"kind":"audit"`)
	require.Contains(t, lines[19], `"kind":"server_key"`)
	pgURL := ""
	targets := []struct{ name, flag string }{{"bbolt", "--data"}, {"postgres", "--store"}}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			loc := func(i int) string { return filepath.Join(dir, target.name+string(rune('a'+i))) }
			if target.name == "postgres" {
				pgURL = pgtest.Schema(t)
				loc = func(int) string { return pgURL }
			}
			for i, tc := range cases {
				path := filepath.Join(dir, "bad.jsonl")
				require.NoError(t, os.WriteFile(path, []byte(tc.dump), 0o600))
				code, _, stderr := runCLI("store", "import", target.flag, loc(i), path)
				assert.Equal(t, exitFail, code, tc.name)
				assert.Contains(t, stderr, tc.want, tc.name)
				// nothing written: the export is the empty store's
				out := filepath.Join(dir, "after.jsonl")
				code, _, stderr = runCLI("store", "export", target.flag, loc(i), "-o", out)
				require.Equal(t, exitOK, code, stderr)
				after, err := os.ReadFile(out)
				require.NoError(t, err)
				assert.Empty(t, after, "%s: an import that fails writes nothing", tc.name)
			}
			code, _, stderr := runCLI("store", "import", target.flag, loc(0), good)
			require.Equal(t, exitOK, code, stderr)
			code, _, stderr = runCLI("store", "import", target.flag, loc(0), good)
			assert.Equal(t, exitFail, code)
			assert.Contains(t, stderr, "not empty")
		})
	}
}

func TestStoreFlags(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  string
		code int
		want string
	}{
		{"both", []string{"store", "export", "--data", dir, "--store", "postgres://x@127.0.0.1:1/x"}, "", exitFail, "--store and --data both given"},
		{"not a URL", []string{"store", "export", "--store", "/var/lib/rehabplan"}, "", exitFail, "want a postgres:// URL"},
		{"env not a URL", []string{"store", "export"}, "mysql://x", exitFail, `--store "mysql://x": want a postgres:// URL`},
		{"--data beats the env", []string{"store", "export", "--data", dir}, "mysql://x", exitOK, "0 versions"},
		{"no subcommand", []string{"store"}, "", exitInvalid, "want export or import"},
		{"another subcommand", []string{"store", "exprot"}, "", exitInvalid, "want export or import"},
		{"import without a file", []string{"store", "import", "--data", dir}, "", exitInvalid, "want one FILE"},
		{"export with an argument", []string{"store", "export", "--data", dir, "x"}, "", exitInvalid, "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("REHABPLAN_STORE", tc.env)
			code, _, stderr := runCLI(tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

// TestStoreExportImportNights: the nights' reports move with the store,
// PostgreSQL → bbolt → PostgreSQL, byte for byte (a row ended, a row failed, a
// row still queued); on the store imported at the end the night's report reads
// the same and the night is not queued again (each operation replanned once
// per night, wherever the store went).
func TestStoreExportImportNights(t *testing.T) {
	pg1 := pgtest.Schema(t)
	pg2 := pgtest.Schema(t)
	dir := t.TempDir()
	st, err := httpapi.OpenPostgres(pg1)
	require.NoError(t, err)
	fillStore(t, st)
	_, err = st.CreateOperation("c", gen.Example())
	require.NoError(t, err)
	const night = "2027-01-11"
	n, err := st.QueueNight(night, httpapi.NightSettings{Now: night, TimeLimit: time.Minute, WorkLimit: 3, Seed: 2})
	require.NoError(t, err)
	require.Equal(t, 3, n, "a, b and c queued")
	ctx := context.Background()
	for _, end := range []httpapi.NightOutcome{{Outcome: "unchanged", Seconds: 1.25}, {Outcome: "failed", Seconds: 0.5, Error: "« une erreur »"}} {
		c, err := st.Claim(ctx, "test", time.Minute, []string{httpapi.JobNight}, night)
		require.NoError(t, err)
		require.NotNil(t, c)
		c.Job.State, c.Job.Ended = "done", time.Now()
		if end.Outcome == "failed" {
			c.Job.State, c.Job.Error = "failed", end.Error
		}
		_, err = st.FinishClaim(&c.Job, c.Token, nil, &end)
		require.NoError(t, err)
	}
	report, err := st.Night(night)
	require.NoError(t, err)
	require.Len(t, report, 3)
	require.NoError(t, st.Close())

	dumps := []string{filepath.Join(dir, "1.jsonl"), filepath.Join(dir, "2.jsonl"), filepath.Join(dir, "3.jsonl")}
	steps := [][]string{
		{"store", "export", "--store", pg1, "-o", dumps[0]},
		{"store", "import", "--data", filepath.Join(dir, "bolt"), dumps[0]},
		{"store", "export", "--data", filepath.Join(dir, "bolt"), "-o", dumps[1]},
		{"store", "import", "--store", pg2, dumps[1]},
		{"store", "export", "--store", pg2, "-o", dumps[2]},
	}
	for _, args := range steps {
		code, _, stderr := runCLI(args...)
		require.Equal(t, exitOK, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "6 versions, 2 idempotency keys, 5 job records, 3 tenants' requests (1 keys), 2 audit records, 2 calendar feeds (2 event sequences), 1 server key, 3 rows of nights' reports", "%v", args)
	}
	first, err := os.ReadFile(dumps[0])
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(first), `{"kind":"night","night":{"night":"2027-01-11"`))
	assert.Contains(t, string(first), `"outcome":"failed","seconds":0.5,"error":"« une erreur »"`)
	for _, d := range dumps[1:] {
		again, err := os.ReadFile(d)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(again), "%s is the first dump", filepath.Base(d))
	}

	st2, err := httpapi.OpenPostgres(pg2)
	require.NoError(t, err)
	defer st2.Close()
	again, err := st2.Night(night)
	require.NoError(t, err)
	assert.Equal(t, report, again, "the night's report reads the same")
	n, err = st2.QueueNight(night, httpapi.NightSettings{})
	require.NoError(t, err)
	assert.Zero(t, n, "the night is not queued again on the imported store")
	c, err := st2.Claim(ctx, "test", time.Minute, []string{httpapi.JobNight}, night)
	require.NoError(t, err)
	require.NotNil(t, c, "the row still queued: its job, imported, is taken")
	var waiting httpapi.NightRow
	for _, r := range again {
		if r.Outcome == "" {
			waiting = r
		}
	}
	assert.Equal(t, waiting.Job, c.Job.ID)
	assert.Equal(t, waiting.Operation, c.Job.Operation)
}
