package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/scheduler"
)

// defaultWorkLimit is --work-limit's default: the night's replans (or solves)
// build this many schedules each. Chosen so that the 200 operations' night at
// one worker stays well under 10 minutes on two free cores (bench/RESULTS.md).
const defaultWorkLimit = 3

// genStart is the generated operations' first day (gen.DefaultStart).
const genStart = "2027-01-04"

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x6e69676874)) }

// row is one configuration's measure.
type row struct {
	Config config
	Wall   time.Duration
	// Sum is the sum of the per-operation seconds of the night's report.
	Sum                                       float64
	Done, Unchanged, Partial, Failed, Pending int
	// Once: each operation replanned exactly once (Why says why not).
	Once bool
	Why  string
	// Resumed counts the night jobs claimed more than once (a lease lapsed).
	Resumed int
	// Broken counts the stored plans the verifier finds a hard rule broken in.
	Broken int
	// Idle is the slots' time out of replans per operation: (wall × slots − Σ) / n.
	Idle time.Duration
	// Codes are the batch processes' exit codes.
	Codes []int
}

// report is what the table says besides its rows.
type report struct {
	Ops       []operation
	Load      time.Duration
	Server    string
	QueueCost time.Duration
}

// measure builds the binary, loads the operations once, measures the queue's
// own cost, then runs the night for each configuration in a fresh schema.
func measure(ctx context.Context, o options, db *schemas, stderr io.Writer) (*report, []row, error) {
	if o.Store != "" {
		// pgtest hands out schemas of REHABPLAN_TEST_POSTGRES's server
		os.Setenv("REHABPLAN_TEST_POSTGRES", o.Store)
	}
	tmp, err := os.MkdirTemp("", "rehabplan-night-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	bin := o.Binary
	if bin == "" {
		bin = filepath.Join(tmp, "rehabplan")
		fmt.Fprintf(stderr, "night: building rehabplan\n")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/rehabplan/rehabplan/cmd/rehabplan")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("go build: %v: %s", err, out)
		}
	}
	tmpl, tmplSchema, err := db.new()
	if err != nil {
		return nil, nil, err
	}
	rep := &report{Server: serverVersion(ctx, tmpl)}
	fmt.Fprintf(stderr, "night: loading %d operations (%d to %d dwellings, first plan: %v)\n", o.Operations, o.MinDwellings, o.MaxDwellings, o.FirstPlan)
	begin := time.Now()
	if rep.Ops, err = load(ctx, o, tmpl); err != nil {
		return nil, nil, err
	}
	rep.Load = time.Since(begin)
	fmt.Fprintf(stderr, "night: loaded in %s\n", rep.Load.Round(time.Millisecond))
	if o.QueueJobs > 0 {
		url, _, err := db.new()
		if err != nil {
			return nil, nil, err
		}
		if rep.QueueCost, err = queueCost(ctx, url, o.QueueJobs); err != nil {
			return nil, nil, fmt.Errorf("the queue's cost: %w", err)
		}
	}
	var rows []row
	for _, c := range o.Configs {
		fmt.Fprintf(stderr, "night: %s (batch processes × workers)\n", c)
		r, err := night(ctx, o, c, bin, db, tmplSchema, rep.Ops)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", c, err)
		}
		fmt.Fprintf(stderr, "night: %s: wall %s, Σ %.1f s, %d done, %d unchanged, %d partial, %d failed, once: %v %s\n", c, r.Wall.Round(time.Millisecond),
			r.Sum, r.Done, r.Unchanged, r.Partial, r.Failed, r.Once, r.Why)
		rows = append(rows, r)
	}
	return rep, rows, nil
}

// night runs one configuration: the operations copied into a fresh schema,
// c.Processes batch processes started together, then the store checked.
func night(ctx context.Context, o options, c config, bin string, db *schemas, tmpl string, ops []operation) (row, error) {
	r := row{Config: c}
	url, _, err := db.new()
	if err != nil {
		return r, err
	}
	if err := copyOperations(ctx, url, tmpl); err != nil {
		return r, err
	}
	args := []string{"batch", "--store", url, "--night", o.Night, "--now", o.Now, "--workers", strconv.Itoa(c.Workers),
		"--work-limit", strconv.Itoa(o.WorkLimit), "--seed", strconv.FormatInt(o.Seed, 10), "--lease", o.Lease.String(),
		// the work limit bounds each search, not the clock: a budget no share of which cuts a search
		"--budget", "10000h"}
	var logs []string
	if r.Wall, r.Codes, logs, err = runBatches(ctx, bin, args, c.Processes); err != nil {
		return r, err
	}
	for i, code := range r.Codes {
		// 0: all done; 3: some partial; 1: one failed (the report says which)
		if code != 0 && code != 1 && code != 3 {
			return r, fmt.Errorf("batch process %d ended with %d: %s", i+1, code, lastLines(logs[i], 5))
		}
	}
	st, err := httpapi.OpenPostgres(url)
	if err != nil {
		return r, err
	}
	defer st.Close()
	nights, err := st.Night(o.Night)
	if err != nil {
		return r, err
	}
	jobs, err := st.Jobs()
	if err != nil {
		return r, err
	}
	versions := map[string]int{}
	for _, op := range ops {
		vs, err := st.Versions(op.ID)
		if err != nil {
			return r, err
		}
		versions[op.ID] = len(vs)
	}
	r.Why = checkOnce(o.Night, ops, nights, jobs, versions)
	r.Once = r.Why == ""
	for _, n := range nights {
		r.Sum += n.Seconds
		switch n.Outcome {
		case "done":
			r.Done++
		case "unchanged":
			r.Unchanged++
		case "partial":
			r.Partial++
		case "failed":
			r.Failed++
		default:
			r.Pending++
		}
	}
	for _, j := range jobs {
		if j.Kind == httpapi.JobNight && j.Night == o.Night && j.Resumed > 0 {
			r.Resumed++
		}
	}
	slots := float64(c.Processes * c.Workers)
	r.Idle = time.Duration((r.Wall.Seconds()*slots - r.Sum) / float64(max(len(ops), 1)) * float64(time.Second))
	if r.Broken, err = verifyAll(ctx, st, ops); err != nil {
		return r, err
	}
	return r, nil
}

// runBatches starts n processes of bin with args together and waits for them
// all: the wall time from the first start to the last end, their exit codes and
// their standard errors.
func runBatches(ctx context.Context, bin string, args []string, n int) (time.Duration, []int, []string, error) {
	cmds := make([]*exec.Cmd, n)
	logs := make([]*bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = exec.CommandContext(ctx, bin, args...)
		logs[i] = &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = io.Discard, logs[i]
	}
	begin := time.Now()
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			for _, started := range cmds[:i] {
				started.Process.Kill()
				started.Wait()
			}
			return 0, nil, nil, err
		}
	}
	codes := make([]int, n)
	for i, cmd := range cmds {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			codes[i] = ee.ExitCode()
		default:
			return 0, nil, nil, err
		}
	}
	wall := time.Since(begin)
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, err
	}
	out := make([]string, n)
	for i, l := range logs {
		out[i] = l.String()
	}
	return wall, codes, out, nil
}

// checkOnce says how the night failed to replan each operation exactly once
// ("" when it did not): one row of nights per operation, ended; one night job
// per operation, ended, the row's; one version more when the row says it
// changed (done or partial), and that version the row's; none more otherwise.
func checkOnce(night string, ops []operation, nights []httpapi.NightRow, jobs []httpapi.JobRecord, versions map[string]int) string {
	var why []string
	rows := map[string][]httpapi.NightRow{}
	for _, n := range nights {
		rows[n.Operation] = append(rows[n.Operation], n)
	}
	nightJobs := map[string][]httpapi.JobRecord{}
	for _, j := range jobs {
		if j.Kind == httpapi.JobNight && j.Night == night {
			nightJobs[j.Operation] = append(nightJobs[j.Operation], j)
		}
	}
	known := map[string]bool{}
	for _, op := range ops {
		known[op.ID] = true
		rs, js := rows[op.ID], nightJobs[op.ID]
		if len(rs) != 1 {
			why = append(why, fmt.Sprintf("%s: %d rows in the night's report", op.ID, len(rs)))
			continue
		}
		n := rs[0]
		if len(js) != 1 {
			why = append(why, fmt.Sprintf("%s: %d night jobs", op.ID, len(js)))
			continue
		}
		j := js[0]
		switch {
		case n.Outcome == "":
			why = append(why, fmt.Sprintf("%s: not ended", op.ID))
		case j.ID != n.Job:
			why = append(why, fmt.Sprintf("%s: the report's job %s is not the night job %s", op.ID, n.Job, j.ID))
		case j.State == "running":
			why = append(why, fmt.Sprintf("%s: its job is still running", op.ID))
		}
		want := op.Versions
		if n.Outcome == "done" || n.Outcome == "partial" {
			want++
			if n.Version != want || j.Version != want {
				why = append(why, fmt.Sprintf("%s: %s as version %d (job: %d), want %d", op.ID, n.Outcome, n.Version, j.Version, want))
			}
		}
		if versions[op.ID] != want {
			why = append(why, fmt.Sprintf("%s: %d versions after the night, want %d (%s)", op.ID, versions[op.ID], want, n.Outcome))
		}
	}
	for op := range rows {
		if !known[op] {
			why = append(why, fmt.Sprintf("%s: in the night's report but not loaded", op))
		}
	}
	if len(why) > 3 {
		why = append(why[:3], fmt.Sprintf("and %d more", len(why)-3))
	}
	return strings.Join(why, "; ")
}

// verifyAll runs the verifier on every operation's latest plan, on all cores,
// and counts the plans that break a hard rule.
func verifyAll(ctx context.Context, st *httpapi.PGStore, ops []operation) (int, error) {
	var mu sync.Mutex
	broken := 0
	var first error
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for id := range next {
				v, err := st.Latest(id)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
				if err != nil || v.Plan == nil {
					continue
				}
				if len(scheduler.Verify(v.Problem, v.Plan)) > 0 {
					mu.Lock()
					broken++
					mu.Unlock()
				}
			}
		})
	}
	for _, op := range ops {
		if ctx.Err() != nil {
			break
		}
		next <- op.ID
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return broken, first
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// writeTable prints the measures as markdown.
func writeTable(w io.Writer, o options, rep *report, rows []row) {
	total := 0
	for _, op := range rep.Ops {
		total += op.Dwellings
	}
	plan := "each with its first plan (--load-work-limit " + strconv.Itoa(o.LoadWorkLimit) + "): the night replans"
	if !o.FirstPlan {
		plan = "without a plan: the night solves each"
	}
	fmt.Fprintf(w, "%d operations of %d to %d dwellings (%d in all, seeds %d+i), %s; --now %s --work-limit %d --seed %d; PostgreSQL %s; %d cores (GOMAXPROCS); loaded in %s.\n\n",
		len(rep.Ops), o.MinDwellings, o.MaxDwellings, total, o.Seed, plan, o.Now, o.WorkLimit, o.Seed, rep.Server, runtime.GOMAXPROCS(0), rep.Load.Round(100*time.Millisecond))
	fmt.Fprintln(w, "| batch processes × `--workers` | wall | Σ per-operation seconds | done / unchanged / partial / failed | each replanned once | slots' time out of replans per operation |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	var one time.Duration
	for _, r := range rows {
		wall := fmt.Sprintf("%.1f s", r.Wall.Seconds())
		if r.Config == (config{1, 1}) {
			one = r.Wall
		} else if one > 0 {
			wall += fmt.Sprintf(" (1×1 → %s: **%.2f×**)", r.Config, one.Seconds()/r.Wall.Seconds())
		}
		outcome := fmt.Sprintf("%d / %d / %d / %d", r.Done, r.Unchanged, r.Partial, r.Failed)
		if r.Pending > 0 {
			outcome += fmt.Sprintf(", %d not ended", r.Pending)
		}
		once := "yes"
		if !r.Once {
			once = "**no**: " + r.Why
		}
		if r.Resumed > 0 {
			once += fmt.Sprintf(" (%d taken again after a lease lapsed)", r.Resumed)
		}
		if r.Broken > 0 {
			once += fmt.Sprintf("; **%d plans break a hard rule**", r.Broken)
		}
		fmt.Fprintf(w, "| %s | %s | %.1f s | %s | %s | %.0f ms |\n", r.Config, wall, r.Sum, outcome, once, float64(r.Idle)/float64(time.Millisecond))
	}
	if rep.QueueCost > 0 {
		fmt.Fprintf(w, "\nThe queue's own cost per job (%d jobs each queued, claimed FOR UPDATE SKIP LOCKED, renewed once and ended with the claim checked; no version): %.2f ms.\n",
			o.QueueJobs, float64(rep.QueueCost)/float64(time.Millisecond))
	}
}
