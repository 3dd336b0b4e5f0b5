package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/scheduler"
)

// schemas hands out fresh schemas of the server (internal/pgtest's, which this
// stands in for a test to) and drops them at the end.
type schemas struct {
	cleanups []func()
}

// fatal is how pgtest's Fatalf and Skipf stop schemas.new.
type fatal string

func (s *schemas) Helper()                        {}
func (s *schemas) Fatalf(format string, a ...any) { panic(fatal(fmt.Sprintf(format, a...))) }
func (s *schemas) Skipf(format string, a ...any)  { panic(fatal(fmt.Sprintf(format, a...))) }
func (s *schemas) Cleanup(f func())               { s.cleanups = append(s.cleanups, f) }
func (s *schemas) drop()                          { runCleanups(s.cleanups); s.cleanups = nil }
func runCleanups(fs []func()) {
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

var _ pgtest.TB = (*schemas)(nil)

// new returns the URL of a new empty schema and the schema's name.
func (s *schemas) new() (url, name string, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(fatal)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", string(f))
		}
	}()
	url = pgtest.Schema(s)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return "", "", err
	}
	return url, cfg.ConnConfig.RuntimeParams["search_path"], nil
}

// operation is one generated operation, as loaded.
type operation struct {
	ID        string
	Dwellings int
	// Versions is how many versions it has once loaded (1 without a first plan,
	// 2 with one).
	Versions int
}

// sizes are the operations' dwellings: spread evenly from min to max, shuffled
// (seeded) so that the queue, which hands out operations in their ids' order,
// does not take the small ones first.
func sizes(o options) []int {
	n := o.Operations
	out := make([]int, n)
	for i := range out {
		out[i] = o.MinDwellings
		if n > 1 {
			out[i] = o.MinDwellings + int(float64(o.MaxDwellings-o.MinDwellings)*float64(i)/float64(n-1)+0.5)
		}
	}
	rng := newRand(o.Seed)
	rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// load generates the operations, gives each its first plan (unless
// !o.FirstPlan), and stores them at url as the service does: created, then the
// solve's version on it. The solves run on all cores.
func load(ctx context.Context, o options, url string) ([]operation, error) {
	st, err := httpapi.OpenPostgres(url)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ops := make([]operation, o.Operations)
	for i, n := range sizes(o) {
		ops[i] = operation{ID: fmt.Sprintf("night-%03d", i), Dwellings: n, Versions: 1}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ops))
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				errs[i] = loadOne(ctx, o, st, &ops[i], o.Seed+int64(i))
			}
		})
	}
	for i := range ops {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("loading %s (%d dwellings): %w", ops[i].ID, ops[i].Dwellings, err)
		}
	}
	return ops, nil
}

func loadOne(ctx context.Context, o options, st *httpapi.PGStore, op *operation, seed int64) error {
	p := gen.Generate(gen.Options{Dwellings: op.Dwellings, Seed: seed})
	v, err := st.CreateOperation(op.ID, p)
	if err != nil {
		return err
	}
	if !o.FirstPlan {
		return nil
	}
	res, err := scheduler.Solve(ctx, p, &scheduler.Settings{WorkLimit: o.LoadWorkLimit, Seed: seed, Workers: 1})
	if err != nil {
		return err
	}
	if len(res.Violations) > 0 {
		return fmt.Errorf("the first plan breaks %d hard rules (a bug)", len(res.Violations))
	}
	// stored as a solve job stores it: the problem the plan is for
	if _, _, err := st.AddVersion(op.ID, v.Base(), &httpapi.Version{Kind: "solved", Problem: res.Problem, Plan: res.Plan}, httpapi.Idem{}); err != nil {
		return err
	}
	op.Versions = 2
	return nil
}

// copyOperations copies the operations and their versions of schema from into
// the store at url (migrated, empty), in one transaction, on the server: each
// configuration starts from the same store without loading it again.
func copyOperations(ctx context.Context, url, from string) error {
	st, err := httpapi.OpenPostgres(url) // applies the migrations
	if err != nil {
		return err
	}
	st.Close()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	src := pgx.Identifier{from}.Sanitize()
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, table := range []string{"operations", "versions"} {
			if _, err := tx.Exec(ctx, "INSERT INTO "+table+" SELECT * FROM "+src+"."+table); err != nil {
				return fmt.Errorf("copying %s: %w", table, err)
			}
		}
		return nil
	})
}

// serverVersion is the PostgreSQL server's version, for the report.
func serverVersion(ctx context.Context, url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "?"
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "?"
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "?"
	}
	return v
}

// queueCost is the queue's own cost per job, as BenchmarkQueueOverhead
// measures it: n jobs each queued, claimed (FOR UPDATE SKIP LOCKED), renewed
// once and ended with its claim checked, one after another, no version stored.
func queueCost(ctx context.Context, url string, n int) (time.Duration, error) {
	st, err := httpapi.OpenPostgres(url)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if _, err := st.CreateOperation("queue", gen.Example()); err != nil {
		return 0, err
	}
	head, err := st.Head("queue")
	if err != nil {
		return 0, err
	}
	host, _ := os.Hostname()
	begin := time.Now()
	for i := range n {
		rec := httpapi.JobRecord{ID: fmt.Sprintf("queue-%06d", i), Operation: "queue", Incarnation: head.Incarnation, Base: head.Version,
			State: "running", Started: time.Now(), Kind: httpapi.JobSolve}
		if err := st.PutJob(&rec); err != nil {
			return 0, err
		}
		c, err := st.Claim(ctx, "night "+host, time.Minute, []string{httpapi.JobSolve}, "")
		if err != nil {
			return 0, err
		}
		if c == nil {
			return 0, fmt.Errorf("job %s queued but not claimed", rec.ID)
		}
		if _, err := st.Renew(ctx, c.Job.ID, c.Token, time.Minute, &c.Job); err != nil {
			return 0, err
		}
		c.Job.State, c.Job.Ended = "done", time.Now()
		if _, err := st.FinishClaim(&c.Job, c.Token, nil, nil); err != nil {
			return 0, err
		}
	}
	return time.Since(begin) / time.Duration(max(n, 1)), nil
}
