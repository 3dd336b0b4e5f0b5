package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// twoPG opens two stores on one new schema: two processes sharing a database.
func twoPG(t *testing.T) (*PGStore, *PGStore) {
	t.Helper()
	url := pgtest.Schema(t)
	a, err := OpenPostgres(url)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	b, err := OpenPostgres(url)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return a, b
}

// queueSolveRec puts a queued solve job of op's latest version.
func queueSolveRec(t *testing.T, st *PGStore, op string) JobRecord {
	t.Helper()
	head, err := st.Head(op)
	require.NoError(t, err)
	rec := JobRecord{ID: newID(), Operation: op, Incarnation: head.Incarnation, Base: head.Version, State: "running",
		Started: time.Now(), TimeLimit: time.Second, WorkLimit: 50, Kind: JobSolve}
	require.NoError(t, st.PutJob(&rec))
	return rec
}

// TestClaimsTakeEachJobOnce: workers of two processes claiming at once take
// each queued job once; a job held is not claimable until its lease lapses.
func TestClaimsTakeEachJobOnce(t *testing.T) {
	a, b := twoPG(t)
	ctx := context.Background()
	_, err := a.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	want := map[string]bool{}
	for range 12 {
		want[queueSolveRec(t, a, "op").ID] = true
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		st := []*PGStore{a, b}[i%2]
		wg.Go(func() {
			for {
				c, err := st.Claim(ctx, fmt.Sprintf("claimer %d", i), time.Minute, []string{JobSolve}, "")
				if !assert.NoError(t, err) || c == nil {
					return
				}
				mu.Lock()
				got[c.Job.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, got, len(want))
	for id, n := range got {
		assert.True(t, want[id], id)
		assert.Equal(t, 1, n, "job %s claimed %d times", id, n)
	}
	// none of another kind or night
	c, err := a.Claim(ctx, "x", time.Minute, []string{JobNight}, "")
	require.NoError(t, err)
	assert.Nil(t, c)
}

// TestLapsedLeaseIsTakenAgain: a holder that stops renewing loses the job to
// the next claim once its lease lapses; it can then neither renew nor end it,
// and the job's version is stored once, by the new holder.
func TestLapsedLeaseIsTakenAgain(t *testing.T) {
	a, b := twoPG(t)
	ctx := context.Background()
	v1, err := a.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	queueSolveRec(t, a, "op")
	first, err := a.Claim(ctx, "first", 300*time.Millisecond, []string{JobSolve}, "")
	require.NoError(t, err)
	require.NotNil(t, first)
	assert.Zero(t, first.Job.Resumed)
	none, err := b.Claim(ctx, "second", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	assert.Nil(t, none, "held: not claimable")
	// renewed: still held past its first lease
	time.Sleep(200 * time.Millisecond)
	_, err = a.Renew(ctx, first.Job.ID, first.Token, 300*time.Millisecond, nil)
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond)
	none, err = b.Claim(ctx, "second", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	assert.Nil(t, none, "renewed: still held")
	time.Sleep(400 * time.Millisecond)
	second, err := b.Claim(ctx, "second", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	require.NotNil(t, second, "lapsed: taken again")
	assert.Equal(t, first.Job.ID, second.Job.ID)
	assert.Equal(t, 1, second.Job.Resumed)

	_, err = a.Renew(ctx, first.Job.ID, first.Token, time.Minute, nil)
	assert.ErrorIs(t, err, ErrLeaseLost)
	plan := &Version{Kind: "solved", Problem: v1.Problem, Plan: &model.Plan{Status: "feasible"}}
	late := first.Job
	late.State, late.Ended = "done", time.Now()
	_, err = a.FinishClaim(&late, first.Token, plan, nil)
	assert.ErrorIs(t, err, ErrLeaseLost, "the first holder cannot end it")
	rec := second.Job
	rec.State, rec.Ended = "done", time.Now()
	out, err := b.FinishClaim(&rec, second.Token, plan, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, out.Number)
	_, err = b.FinishClaim(&rec, second.Token, plan, nil)
	assert.ErrorIs(t, err, ErrLeaseLost, "ended once")
	vs, err := a.Versions("op")
	require.NoError(t, err)
	assert.Len(t, vs, 2, "one version stored")
	got, err := a.GetJob(rec.ID)
	require.NoError(t, err)
	assert.Equal(t, "done", got.State)
	assert.Equal(t, 2, got.Version)
	c, err := a.Claim(ctx, "third", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	assert.Nil(t, c, "an ended job is not claimable")
}

// TestCancelReachesTheHolder: a cancel (of the job, or the deletion of its
// operation) made through another process is read by the holder's renewal; a
// released job is claimable at once; a job cancelled before its claim comes
// with Cancel set.
func TestCancelReachesTheHolder(t *testing.T) {
	a, b := twoPG(t)
	ctx := context.Background()
	_, err := a.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	rec := queueSolveRec(t, a, "op")
	c, err := a.Claim(ctx, "holder", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	stop, err := a.Renew(ctx, rec.ID, c.Token, time.Minute, nil)
	require.NoError(t, err)
	assert.False(t, stop)
	got, err := b.CancelJob(rec.ID)
	require.NoError(t, err)
	assert.Equal(t, "running", got.State)
	stop, err = a.Renew(ctx, rec.ID, c.Token, time.Minute, nil)
	require.NoError(t, err)
	assert.True(t, stop, "the cancel reaches the holder")

	// released: claimable at once, the cancel still asked
	require.NoError(t, a.Release(ctx, rec.ID, c.Token))
	again, err := b.Claim(ctx, "other", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	require.NotNil(t, again)
	assert.True(t, again.Cancel)

	// deleting the operation asks its running jobs to stop
	rec2 := queueSolveRec(t, a, "op")
	c2, err := a.Claim(ctx, "holder", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	require.Equal(t, rec2.ID, c2.Job.ID)
	require.NoError(t, b.DeleteOperation("op", ""))
	stop, err = a.Renew(ctx, rec2.ID, c2.Token, time.Minute, nil)
	require.NoError(t, err)
	assert.True(t, stop, "the deletion reaches the holder")

	_, err = b.CancelJob("nosuchjob")
	assert.ErrorIs(t, err, ErrNotFound)
}

// queueServers are n services on one database, the first taking the solve
// jobs (Server.Work), the others none.
func queueServers(t *testing.T, n int) []*httptest.Server {
	t.Helper()
	url := pgtest.Schema(t)
	var tss []*httptest.Server
	var first *Server
	for i := range n {
		st, err := OpenPostgres(url)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
		ts := httptest.NewServer(s)
		t.Cleanup(ts.Close)
		tss = append(tss, ts)
		if i == 0 {
			first = s
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	w := &Worker{Store: first.cfg.Store.(*PGStore), Name: "test worker", Slots: 1, Lease: 3 * time.Second, Poll: 50 * time.Millisecond}
	go func() { first.Work(ctx, w); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return tss
}

// TestQueuedSolveAcrossInstances: a solve asked of one service is run by the
// worker of another and read through a third; a cancel asked of a third
// reaches the worker, which stores its best plan so far; so does the deletion of
// the operation, which stores nothing.
func TestQueuedSolveAcrossInstances(t *testing.T) {
	tss := queueServers(t, 3)
	resp, body := call(t, tss[1], "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, tss[1], "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=20", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	assert.Equal(t, "running", st.State)
	done := waitJob(t, tss[1], st.ID)
	require.Equal(t, "done", done.State, done.Error)
	assert.Equal(t, 2, done.Version)
	resp, body = call(t, tss[2], "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	assert.Empty(t, scheduler.Verify(gen.Example(), &plan), "the plan the worker stored")

	// a long solve, cancelled through another instance
	resp, body = call(t, tss[0], "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=60s", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &st))
	deadline := time.Now().Add(20 * time.Second)
	for {
		// until the worker has it and has shown progress
		_, body = call(t, tss[1], "GET", "/v1/jobs/"+st.ID, readTok, nil)
		var now JobStatus
		require.NoError(t, json.Unmarshal(body, &now))
		if now.Best != nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "no progress seen: %s", body)
		time.Sleep(100 * time.Millisecond)
	}
	t0 := time.Now()
	resp, body = call(t, tss[2], "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	ended := waitJob(t, tss[1], st.ID)
	assert.Equal(t, "cancelled", ended.State, ended.Error)
	assert.Equal(t, 3, ended.Version, "its best plan kept")
	assert.Less(t, time.Since(t0), 10*time.Second, "stopped at a renewal, not at its time limit")
	resp, _ = call(t, tss[0], "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
	assert.Equal(t, 409, resp.StatusCode, "ended: not cancellable")

	// a long solve whose operation is deleted through another instance
	resp, body = call(t, tss[1], "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=60s", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &st))
	for {
		// until the worker's instance runs it (its live status)
		_, body = call(t, tss[0], "GET", "/v1/jobs/"+st.ID, readTok, nil)
		var now JobStatus
		require.NoError(t, json.Unmarshal(body, &now))
		if now.Best != nil {
			break
		}
		require.True(t, time.Now().Before(deadline.Add(30*time.Second)), "no progress seen: %s", body)
		time.Sleep(50 * time.Millisecond)
	}
	t0 = time.Now()
	resp, body = call(t, tss[2], "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil)
	require.Equal(t, 204, resp.StatusCode, string(body))
	ended = waitJob(t, tss[2], st.ID)
	assert.Equal(t, "failed", ended.State)
	assert.Contains(t, ended.Error, "was deleted during the solve")
	assert.Less(t, time.Since(t0), 10*time.Second, "stopped at a renewal, not at its time limit")
}

// TestNightQueuedOncePerOperation: two processes queueing one night queue each
// operation once; workers replan each once (a version when it changed); the
// night's report is stored.
func TestNightQueuedOncePerOperation(t *testing.T) {
	a, b := twoPG(t)
	for _, op := range []string{"a", "b", "c"} {
		_, err := a.CreateOperation(op, problemNamed(op))
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, st := range []*PGStore{a, b} {
		wg.Go(func() {
			n, err := st.QueueNight("2026-12-03", NightSettings{TimeLimit: time.Second, WorkLimit: 20})
			assert.NoError(t, err)
			counts[i] = n
		})
	}
	wg.Wait()
	assert.Equal(t, 3, counts[0]+counts[1], "each operation queued once")
	n, err := a.QueueNight("2026-12-03", NightSettings{})
	require.NoError(t, err)
	assert.Zero(t, n, "queued already")

	var mu sync.Mutex
	replans := map[string]int{}
	replan := func(ctx context.Context, latest *Version, now string, set *scheduler.Settings) (*Version, string, error) {
		mu.Lock()
		replans[latest.Problem.Operation.Name]++
		mu.Unlock()
		if latest.Problem.Operation.Name == "b" {
			return nil, "unchanged", nil
		}
		res, err := scheduler.Solve(ctx, latest.Problem, set)
		if err != nil {
			return nil, "", err
		}
		assert.Empty(t, scheduler.Verify(latest.Problem, res.Plan), latest.Problem.Operation.Name)
		return &Version{Kind: "solved", Problem: latest.Problem, Plan: res.Plan}, "done", nil
	}
	for _, st := range []*PGStore{a, b} {
		wg.Go(func() {
			w := &Worker{Store: st, Slots: 2, Lease: 5 * time.Second, Poll: 20 * time.Millisecond, Kinds: []string{JobNight},
				Night: "2026-12-03", UntilDone: true, Replan: replan}
			w.Run(context.Background())
		})
	}
	wg.Wait()
	assert.Equal(t, map[string]int{"a": 1, "b": 1, "c": 1}, replans, "each replanned once")
	rows, err := b.Night("2026-12-03")
	require.NoError(t, err)
	require.Len(t, rows, 3)
	for _, r := range rows {
		want, version := "done", 2
		if r.Operation == "b" {
			want, version = "unchanged", 0
		}
		assert.Equal(t, want, r.Outcome, r.Operation)
		assert.Equal(t, version, r.Version, r.Operation)
		vs, err := a.Versions(r.Operation)
		require.NoError(t, err)
		assert.Len(t, vs, max(version, 1), r.Operation)
	}
	other, err := a.Night("2026-12-04")
	require.NoError(t, err)
	assert.Empty(t, other)
}

// BenchmarkQueueOverhead is the queue's own cost per job, on PostgreSQL: a job
// queued (its record), claimed, its lease renewed once, and ended (the claim
// checked, the record written), no version stored. A night's operation costs
// this beside its replan.
func BenchmarkQueueOverhead(b *testing.B) {
	url := pgtest.Schema(b)
	st, err := OpenPostgres(url)
	require.NoError(b, err)
	defer st.Close()
	ctx := context.Background()
	_, err = st.CreateOperation("op", gen.Example())
	require.NoError(b, err)
	head, err := st.Head("op")
	require.NoError(b, err)
	for b.Loop() {
		rec := JobRecord{ID: newID(), Operation: "op", Incarnation: head.Incarnation, Base: head.Version, State: "running", Started: time.Now(), Kind: JobSolve}
		if err := st.PutJob(&rec); err != nil {
			b.Fatal(err)
		}
		c, err := st.Claim(ctx, "bench", time.Minute, []string{JobSolve}, "")
		if err != nil || c == nil {
			b.Fatal(err, c)
		}
		if _, err := st.Renew(ctx, c.Job.ID, c.Token, time.Minute, &c.Job); err != nil {
			b.Fatal(err)
		}
		c.Job.State, c.Job.Ended = "done", time.Now()
		if _, err := st.FinishClaim(&c.Job, c.Token, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStoppedWorkerGivesItsJobBack: a worker whose context ends stops its
// running job and gives it back to the queue, storing nothing: another takes it
// at once, without waiting for the lease.
func TestStoppedWorkerGivesItsJobBack(t *testing.T) {
	a, b := twoPG(t)
	_, err := a.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	rec := queueSolveRec(t, a, "op")
	rec.TimeLimit, rec.WorkLimit = time.Minute, 0
	require.NoError(t, a.PutJob(&rec))
	ctx, cancel := context.WithCancel(context.Background())
	w := &Worker{Store: a, Slots: 1, Lease: time.Minute, Poll: 20 * time.Millisecond}
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var owner string
		require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT owner FROM jobs WHERE id = $1", rec.ID).Scan(&owner))
		if owner != "" {
			break
		}
		require.True(t, time.Now().Before(deadline), "never claimed")
		time.Sleep(20 * time.Millisecond)
	}
	t0 := time.Now()
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not stop")
	}
	assert.Less(t, time.Since(t0), 10*time.Second)
	c, err := b.Claim(context.Background(), "next", time.Minute, []string{JobSolve}, "")
	require.NoError(t, err)
	require.NotNil(t, c, "given back: claimable before its lease of a minute lapses")
	assert.Equal(t, rec.ID, c.Job.ID)
	assert.Equal(t, "running", c.Job.State)
	vs, err := b.Versions("op")
	require.NoError(t, err)
	assert.Len(t, vs, 1, "nothing stored")
}

// TestProgressAcrossInstances: a queued job's last improvements are listed by
// an instance that does not run it, while it runs (written with each renewal of
// its lease) and once it ended, at most progressKept of them, oldest first, the
// last the job's best.
func TestProgressAcrossInstances(t *testing.T) {
	tss := queueServers(t, 2) // the first runs the jobs
	resp, body := call(t, tss[1], "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, tss[1], "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=60s", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	check := func(s JobStatus, body []byte) {
		t.Helper()
		require.LessOrEqual(t, len(s.Progress), progressKept, "%s", body)
		for i := 1; i < len(s.Progress); i++ {
			assert.LessOrEqual(t, s.Progress[i-1].Seconds, s.Progress[i].Seconds, "oldest first: %s", body)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body = call(t, tss[1], "GET", "/v1/jobs/"+st.ID, readTok, nil)
		var now JobStatus
		require.NoError(t, json.Unmarshal(body, &now))
		if now.State == "running" && len(now.Progress) > 0 {
			check(now, body)
			break
		}
		require.Equal(t, "running", now.State, "%s", body)
		require.True(t, time.Now().Before(deadline), "no progress listed by the other instance: %s", body)
		time.Sleep(100 * time.Millisecond)
	}
	resp, body = call(t, tss[1], "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	ended := waitJob(t, tss[1], st.ID)
	require.Equal(t, "cancelled", ended.State, ended.Error)
	_, body = call(t, tss[1], "GET", "/v1/jobs/"+st.ID, readTok, nil)
	var after JobStatus
	require.NoError(t, json.Unmarshal(body, &after))
	require.NotEmpty(t, after.Progress, "the ended job's improvements: %s", body)
	check(after, body)
	require.NotNil(t, after.Best)
	assert.Equal(t, *after.Best, after.Progress[len(after.Progress)-1], "the last improvement is the best")
	_, body = call(t, tss[0], "GET", "/v1/jobs/"+st.ID, readTok, nil)
	var live JobStatus
	require.NoError(t, json.Unmarshal(body, &live))
	assert.Equal(t, live.Progress, after.Progress, "the instance that ran it lists the same")
}

// TestWorkerClaimsOnlyWithASlot: a service's worker takes a slot of its pool
// before it claims a job: while the pool is full (a heavy request holds its one
// slot) the queued job stays unclaimed, for another instance to take; once the
// slot is free the worker claims and runs it, within the pool's bound.
func TestWorkerClaimsOnlyWithASlot(t *testing.T) {
	url := pgtest.Schema(t)
	st, err := OpenPostgres(url)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	_, err = st.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite}, PoolSize: 1})
	held, err := s.pool.acquire(context.Background(), defaultWeight)
	require.NoError(t, err)
	rec := queueSolveRec(t, st, "op")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	w := &Worker{Store: st, Name: "test worker", Slots: 2, Lease: 3 * time.Second, Poll: 20 * time.Millisecond}
	go func() { s.Work(ctx, w); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	owner := func() string {
		var o string
		require.NoError(t, st.pool.QueryRow(context.Background(), "SELECT owner FROM jobs WHERE id = $1", rec.ID).Scan(&o))
		return o
	}
	for range 25 { // 25 polls' worth
		time.Sleep(20 * time.Millisecond)
		require.Empty(t, owner(), "claimed while the pool had no free slot")
		require.Zero(t, w.running.Load(), "a job runs beyond the pool's bound")
	}
	held()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := st.GetJob(rec.ID)
		require.NoError(t, err)
		if got.State != "running" {
			assert.Equal(t, "done", got.State, got.Error)
			break
		}
		_, busy, _, _ := s.pool.stats()
		require.LessOrEqual(t, busy, 1, "the pool's bound")
		require.True(t, time.Now().Before(deadline), "the job never ended once the slot was free")
		time.Sleep(20 * time.Millisecond)
	}
}
