package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// poolStep is one step of a pool's scenario: a work asks (acquire, await, try,
// force), is released or has its context cancelled; then the works running,
// the number waiting and the works that failed (work:429 or work:ctx) are
// checked.
type poolStep struct {
	do      string
	work    string
	weight  int64
	running []string
	queued  int
	failed  []string
}

// poolHarness runs a scenario's works, each acquire or await in a goroutine.
type poolHarness struct {
	p        *pool
	results  chan poolResult
	releases map[string]func()
	released map[string]func()
	cancels  map[string]context.CancelFunc
	failed   []string
}

type poolResult struct {
	work    string
	release func()
	err     error
}

func (h *poolHarness) fail(work string, err error) {
	kind := "ctx"
	if errors.As(err, new(errPoolFull)) {
		kind = "429"
	}
	h.failed = append(h.failed, work+":"+kind)
}

func (h *poolHarness) do(t *testing.T, st poolStep) {
	switch st.do {
	case "acquire", "await":
		ctx, cancel := context.WithCancel(context.Background())
		h.cancels[st.work] = cancel
		go func() {
			var r poolResult
			r.work = st.work
			if st.do == "acquire" {
				r.release, r.err = h.p.acquire(ctx, st.weight)
			} else {
				r.release, r.err = h.p.await(ctx, st.weight)
			}
			h.results <- r
		}()
	case "try":
		if rel, err := h.p.tryAcquire(st.weight); err != nil {
			h.fail(st.work, err)
		} else {
			h.releases[st.work] = rel
		}
	case "force":
		h.releases[st.work] = h.p.forceWeight(st.weight)
	case "release":
		h.releases[st.work]()
		h.released[st.work] = h.releases[st.work]
		delete(h.releases, st.work)
	case "release again": // a release called twice gives back nothing more
		h.released[st.work]()
	case "cancel":
		h.cancels[st.work]()
	default:
		t.Fatalf("unknown step %q", st.do)
	}
}

// settle collects the works' answers until the pool looks as st says (or a
// second passes), then checks it once more a little later; without check, it
// only collects the answers there are.
func (h *poolHarness) settle(t *testing.T, st poolStep, check bool) {
	state := func() ([]string, int, []string) {
		for {
			select {
			case r := <-h.results:
				if r.err != nil {
					h.fail(r.work, r.err)
				} else {
					h.releases[r.work] = r.release
				}
				continue
			default:
			}
			break
		}
		var running []string
		for w := range h.releases {
			running = append(running, w)
		}
		sort.Strings(running)
		failed := slices.Clone(h.failed)
		sort.Strings(failed)
		_, _, queued, _ := h.p.stats()
		return running, queued, failed
	}
	want := func() bool {
		running, queued, failed := state()
		return slices.Equal(running, st.running) && queued == st.queued && slices.Equal(failed, st.failed)
	}
	if !check {
		state()
		return
	}
	deadline := time.Now().Add(time.Second)
	for !want() && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	running, queued, failed := state()
	require.Equal(t, st.running, running, "running after %s %s", st.do, st.work)
	require.Equal(t, st.queued, queued, "queued after %s %s", st.do, st.work)
	require.Equal(t, st.failed, failed, "failed after %s %s", st.do, st.work)
}

func TestWeightedPool(t *testing.T) {
	type s = []string
	cases := []struct {
		name                string
		size, queue         int
		budget              int64
		wait                time.Duration
		steps               []poolStep
		wantUsed, wantRefus int64
	}{
		{name: "admission by weight", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 4, running: s{"a"}},
			{do: "acquire", work: "b", weight: 4, running: s{"a", "b"}},
			{do: "acquire", work: "c", weight: 4, running: s{"a", "b"}, queued: 1},
			{do: "release", work: "a", running: s{"b", "c"}},
		}, wantUsed: 8},
		{name: "the slots bound too", size: 2, queue: 5, budget: 0, steps: []poolStep{
			{do: "acquire", work: "a", weight: 1000, running: s{"a"}},
			{do: "acquire", work: "b", weight: 1000, running: s{"a", "b"}},
			{do: "acquire", work: "c", weight: 1, running: s{"a", "b"}, queued: 1},
			{do: "release", work: "b", running: s{"a", "c"}},
		}},
		{name: "first in first out: a light work waits behind a heavy one", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 8, running: s{"a"}},
			{do: "acquire", work: "heavy", weight: 6, running: s{"a"}, queued: 1},
			{do: "acquire", work: "light", weight: 1, running: s{"a"}, queued: 2},
			{do: "release", work: "a", running: s{"heavy", "light"}},
		}, wantUsed: 7},
		{name: "a heavy work is not starved by light ones", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "l1", weight: 3, running: s{"l1"}},
			{do: "acquire", work: "heavy", weight: 9, running: s{"l1"}, queued: 1},
			{do: "acquire", work: "l2", weight: 3, running: s{"l1"}, queued: 2},
			{do: "release", work: "l1", running: s{"heavy"}, queued: 1},
			{do: "release", work: "heavy", running: s{"l2"}},
		}, wantUsed: 3},
		{name: "work heavier than the budget runs alone", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 2, running: s{"a"}},
			{do: "acquire", work: "huge", weight: 50, running: s{"a"}, queued: 1},
			{do: "release", work: "a", running: s{"huge"}},
			{do: "acquire", work: "b", weight: 1, running: s{"huge"}, queued: 1},
			{do: "try", work: "t", weight: 1, running: s{"huge"}, queued: 1, failed: s{"t:429"}},
			{do: "release", work: "huge", running: s{"b"}, failed: s{"t:429"}},
		}, wantUsed: 1, wantRefus: 1},
		{name: "a release gives back once", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 6, running: s{"a"}},
			{do: "acquire", work: "b", weight: 6, running: s{"a"}, queued: 1},
			{do: "release", work: "a", running: s{"b"}},
			{do: "release again", work: "a", running: s{"b"}},
			{do: "acquire", work: "c", weight: 6, running: s{"b"}, queued: 1},
		}, wantUsed: 6},
		{name: "a context cancelled while queued", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 8, running: s{"a"}},
			{do: "acquire", work: "b", weight: 5, running: s{"a"}, queued: 1},
			{do: "acquire", work: "c", weight: 2, running: s{"a"}, queued: 2},
			{do: "cancel", work: "b", running: s{"a", "c"}, failed: s{"b:ctx"}},
		}, wantUsed: 10},
		{name: "a full queue answers 429 at once", size: 5, queue: 1, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 10, running: s{"a"}},
			{do: "acquire", work: "b", weight: 1, running: s{"a"}, queued: 1},
			{do: "acquire", work: "c", weight: 1, running: s{"a"}, queued: 1, failed: s{"c:429"}},
			{do: "await", work: "job", weight: 1, running: s{"a"}, queued: 2, failed: s{"c:429"}},
			{do: "release", work: "a", running: s{"b", "job"}, failed: s{"c:429"}},
		}, wantUsed: 2, wantRefus: 1},
		{name: "a request waits at most the pool's wait", size: 5, queue: 5, budget: 10, wait: 30 * time.Millisecond, steps: []poolStep{
			{do: "acquire", work: "a", weight: 10, running: s{"a"}},
			{do: "acquire", work: "b", weight: 1, running: s{"a"}, failed: s{"b:429"}},
			{do: "await", work: "job", weight: 1, running: s{"a"}, queued: 1, failed: s{"b:429"}},
			{do: "release", work: "a", running: s{"job"}, failed: s{"b:429"}},
		}, wantUsed: 1, wantRefus: 1},
		{name: "try passes no waiting work", size: 5, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 6, running: s{"a"}},
			{do: "try", work: "b", weight: 6, running: s{"a"}, failed: s{"b:429"}},
			{do: "try", work: "c", weight: 4, running: s{"a", "c"}, failed: s{"b:429"}},
			{do: "acquire", work: "d", weight: 6, running: s{"a", "c"}, queued: 1, failed: s{"b:429"}},
			{do: "release", work: "c", running: s{"a"}, queued: 1, failed: s{"b:429"}},
			{do: "try", work: "e", weight: 1, running: s{"a"}, queued: 1, failed: s{"b:429", "e:429"}},
		}, wantUsed: 6, wantRefus: 2},
		{name: "forced work runs beyond the budget and counts", size: 1, queue: 5, budget: 10, steps: []poolStep{
			{do: "acquire", work: "a", weight: 10, running: s{"a"}},
			{do: "force", work: "f", weight: 5, running: s{"a", "f"}},
			{do: "release", work: "a", running: s{"f"}},
			{do: "acquire", work: "b", weight: 1, running: s{"f"}, queued: 1},
			{do: "release", work: "f", running: s{"b"}},
		}, wantUsed: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wait := c.wait
			if wait == 0 {
				wait = time.Minute
			}
			h := &poolHarness{p: newWeightedPool(c.size, c.queue, wait, c.budget), results: make(chan poolResult, 16),
				releases: map[string]func(){}, released: map[string]func(){}, cancels: map[string]context.CancelFunc{}}
			for _, st := range c.steps {
				h.do(t, st)
				h.settle(t, st, true)
			}
			budget, used := h.p.weights()
			require.Equal(t, c.budget, budget)
			if c.budget > 0 {
				require.Equal(t, c.wantUsed, used, "the weight in use")
			}
			_, _, _, refused := h.p.stats()
			require.Equal(t, c.wantRefus, refused)
			// the end: every work waiting is cancelled or admitted, and released
			for _, cancel := range h.cancels {
				cancel()
			}
			var busy, queued int
			for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
				h.settle(t, poolStep{running: nil}, false)
				for w, rel := range h.releases {
					rel()
					delete(h.releases, w)
				}
				if _, busy, queued, _ = h.p.stats(); busy == 0 && queued == 0 {
					break
				}
			}
			_, used = h.p.weights()
			require.Equal(t, []int64{0, 0, 0}, []int64{int64(busy), int64(queued), used}, "all given back")
		})
	}
}

// Two solves whose weights together exceed the pool's budget do not run
// together, though the slots would let them; a read light enough to fit beside
// the running solve is served, and the metrics show the budget and the weight
// in use (issue 14).
func TestPoolBudgetKeepsHeavyWorkApart(t *testing.T) {
	const budget = 40
	ts, s, _ := newJobServer(t, Config{PoolSize: 4, PoolQueue: 4, PoolWait: 200 * time.Millisecond, PoolBudget: budget, MaxJobs: 4})
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	solveW, readW := s.weigh(workSolve, "op-les-tilleuls", 0), s.weigh(workRead, "op-les-tilleuls", 1)
	require.Greater(t, 2*solveW, int64(budget), "the example's solve weighs more than half the budget")
	require.LessOrEqual(t, solveW+readW, int64(budget), "a read of the example fits beside its solve")

	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=30s", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var first JobStatus
	require.NoError(t, json.Unmarshal(body, &first))
	_, used := s.pool.weights()
	require.Equal(t, solveW, used, "the solve holds its weight")
	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=30s", writeTok, nil)
	require.Equal(t, 429, resp.StatusCode, "a second solve does not fit: %s", body)
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/1", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, "a light read fits beside the solve: %s", body)
	_, body = call(t, ts, "GET", "/metrics", "", nil)
	require.Contains(t, string(body), fmt.Sprintf("rehabplan_pool_budget_mib %d\n", budget))
	require.Contains(t, string(body), fmt.Sprintf("rehabplan_pool_weight_mib %d\n", solveW))
	require.Contains(t, string(body), "rehabplan_pool_busy 1\n")

	call(t, ts, "DELETE", "/v1/jobs/"+first.ID, writeTok, nil)
	waitJob(t, ts, first.ID)
	require.Eventually(t, func() bool { _, u := s.pool.weights(); return u == 0 }, 5*time.Second, 10*time.Millisecond, "the ended solve gives its weight back")
	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, "once the first ended, a solve fits: %s", body)
	var second JobStatus
	require.NoError(t, json.Unmarshal(body, &second))
	require.Equal(t, "done", waitJob(t, ts, second.ID).State)
}

func TestPoolBudgetFor(t *testing.T) {
	cases := []struct {
		name         string
		limit, cache int64
		want         int64
	}{
		{"serve's defaults: 700 MiB, a cache of 64", 700 << 20, 64 << 20, 536},
		{"900 MiB", 900 << 20, 64 << 20, 736},
		{"no limit", math.MaxInt64, 64 << 20, 0},
		{"a limit of 0", 0, 64 << 20, 0},
		{"a limit smaller than the cache and the reserve", 100 << 20, 64 << 20, 64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, PoolBudgetFor(c.limit, c.cache))
		})
	}
}

// The weights grow with the version's size and its kind of work, and a version
// with a plan weighs its problem as a third of its bytes (weight.go's
// calibration).
func TestVersionWeights(t *testing.T) {
	cases := []struct {
		name string
		vs   VersionSize
		k    workKind
		want int64
	}{
		{"a solve of a 3,000-dwelling problem", VersionSize{Bytes: 6_410_000}, workSolve, 602},
		{"a solve of it with its plan", VersionSize{Bytes: 21_490_000, HasPlan: true}, workSolve, 684},
		{"a replan of it", VersionSize{Bytes: 21_490_000, HasPlan: true}, workReplan, 761},
		{"an explanation of it", VersionSize{Bytes: 21_490_000, HasPlan: true}, workCompile, 486},
		{"a read of it", VersionSize{Bytes: 21_490_000, HasPlan: true}, workRead, 123},
		{"a read of an empty version", VersionSize{}, workRead, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, c.vs.weight(c.k))
		})
	}
}
