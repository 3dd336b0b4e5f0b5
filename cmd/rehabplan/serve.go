package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/httpapi"
)

// defaultMemoryLimitMB is serve's default soft limit of the Go heap: without
// one, the garbage collector's headroom took the service to 2.2 GB under the
// load test of bench/RESULTS.md (50 clients, operations up to 3,000 dwellings).
// A soft limit alone did not keep it under 1 GB (1.2 GB: the work admitted
// together held more); with the pool's budget sized from it (536 MiB with the
// default --answer-cache), 0.86-0.92 GB.
const defaultMemoryLimitMB = 700

// cmdServe runs the HTTP service.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a, code := parseServeArgs(args, stderr)
	if a == nil {
		return code
	}
	toks, code := serveTokens(a.tokens, stderr)
	if toks == nil {
		return code
	}
	store, _, err := a.store.open()
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	// the pool's budget is sized from the memory limit in force: the flag's, or
	// GOMEMLIMIT's when the flag is not given
	setMemoryLimit(a.memLimitGiven, a.memLimit)
	budget := httpapi.PoolBudgetFor(debug.SetMemoryLimit(-1), int64(a.cacheMB)<<20)
	srv := httpapi.New(httpapi.Config{Store: store, TokenSet: toks, CORSOrigins: splitList(a.cors), MaxJobs: a.maxJobs, MaxSolveTime: a.maxSolve,
		MaxHeldTime: a.writeTimeout - 30*time.Second, PoolSize: a.pool, PoolQueue: a.poolQueue, JobRetention: a.retention,
		AnswerCacheBytes: int64(a.cacheMB) << 20, PoolBudget: budget, Logger: logger})
	if budget > 0 {
		logger.Info("memory limit", "limit_mib", debug.SetMemoryLimit(-1)>>20, "pool_budget_mib", budget)
	}
	if n, err := srv.ResumeJobs(); err != nil {
		fmt.Fprintf(stderr, "serve: resuming the jobs of the last run: %v\n", err)
		return exitFail
	} else if n > 0 {
		logger.Info("resumed the solve jobs the last run left running", "jobs", n)
	}
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	// every phase of a connection is bounded: a client that sends slowly, reads
	// slowly or idles is cut; long searches are solve jobs, not held requests
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: min(10*time.Second, a.readTimeout), ReadTimeout: a.readTimeout,
		WriteTimeout: a.writeTimeout, IdleTimeout: a.idleTimeout, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(stderr, "rehabplan: listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	watchTokens(ctx, toks, 2*time.Second, logger)
	slots := a.take
	if slots < 0 {
		slots = a.maxJobs
	}
	stopWork := serveQueue(srv, store, slots, a.lease)
	defer stopWork(context.Background())
	return serveUntilStopped(ctx, srv, hs, ln, stopWork, a.grace, logger, stderr)
}

// serveArgs are serve's flags, read and checked.
type serveArgs struct {
	addr, tokens, cors                      string
	store                                   *storeFlags
	maxJobs, pool, poolQueue, cacheMB, take int
	maxSolve, grace, retention, lease       time.Duration
	readTimeout, writeTimeout, idleTimeout  time.Duration
	memLimit                                int  // MiB
	memLimitGiven                           bool // --memory-limit was given
}

// parseServeArgs reads serve's flags; nil and the exit code, with the complaint
// on stderr, when they are wrong.
func parseServeArgs(args []string, stderr io.Writer) (*serveArgs, int) {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", ":8080", "listen address")
	sf := addStoreFlags(fs)
	tokens := fs.String("tokens", "", "file of bearer tokens, one \"sha256:HEX ROLE [OPERATIONS] [crews=CREWS] [id=NAME]\" per line (role admin, manager, pilot, contractor, viewer; read, write), reloaded when it changes or on SIGHUP; or set REHABPLAN_TOKENS=\"TOKEN:ROLE,...\" (every operation)")
	cors := fs.String("cors-origin", "", "comma-separated origins allowed to call from a browser")
	maxJobs := fs.Int("max-jobs", 2, "solve jobs running at once")
	maxSolve := fs.Duration("max-solve-time", 5*time.Minute, "longest solve or replan")
	grace := fs.Duration("shutdown-timeout", 20*time.Second, "on SIGTERM, how long running jobs get to store their best plan")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "longest time to read a request, body included (a slower client is cut)")
	writeTimeout := fs.Duration("write-timeout", 90*time.Second, "longest time from a request's headers to the end of its answer; replans, which answer in their request, search at most this less 30s (longer searches are solve jobs)")
	idleTimeout := fs.Duration("idle-timeout", 60*time.Second, "how long an idle keep-alive connection stays open")
	pool := fs.Int("pool", 0, "heavy requests and solve jobs run at once, at most: solves, replans, and the reads that decode a whole version (0: max-jobs + 2); the memory budget (--memory-limit) may admit fewer")
	poolQueue := fs.Int("pool-queue", 0, "heavy requests that may wait for their turn in the pool (a slot and room in its memory budget), first come first served, each at most 10s; beyond, 429 with Retry-After (0: 4 × pool)")
	retention := fs.Duration("job-retention", httpapi.DefaultJobRetention, "how long ended solve jobs stay readable before they are pruned")
	cacheMB := fs.Int("answer-cache", 64, "MiB of encoded answers kept of whole-version reads (problems, plans, versions), served without decoding")
	take := fs.Int("take-jobs", -1, "with a PostgreSQL store: solve jobs this instance takes from the shared queue at once (-1: max-jobs; 0: none, left to rehabplan worker)")
	lease := fs.Duration("lease", 30*time.Second, "with a PostgreSQL store: a claimed job's lease, renewed every third of it; a job whose holder died is taken again once it lapses")
	memLimit := fs.Int("memory-limit", defaultMemoryLimitMB, "MiB: a soft limit of the Go heap (runtime/debug.SetMemoryLimit), the garbage collector working harder near it, and what sizes the pool's memory budget (this limit less --answer-cache less 100 MiB: heavy work is admitted while the estimated peaks add up to at most that); 0: none, and no budget (when the flag is not given, GOMEMLIMIT wins if set)")
	pos, err := parse(fs, args)
	if err != nil || !noArguments(stderr, "serve", pos) {
		return nil, exitInvalid
	}
	if !checkFlags(stderr, atLeast("max-jobs", *maxJobs, 1), positive("max-solve-time", *maxSolve), positive("shutdown-timeout", *grace),
		positive("read-timeout", *readTimeout), atLeastDuration("write-timeout", *writeTimeout, 40*time.Second), positive("idle-timeout", *idleTimeout),
		atLeast("pool", *pool, 0), atLeast("pool-queue", *poolQueue, 0), positive("job-retention", *retention),
		atLeast("answer-cache", *cacheMB, 1), atLeast("memory-limit", *memLimit, 0), atLeast("take-jobs", *take, -1),
		atLeastDuration("lease", *lease, time.Second)) {
		return nil, exitInvalid
	}
	a := &serveArgs{addr: *addr, tokens: *tokens, cors: *cors, store: sf, maxJobs: *maxJobs, pool: *pool, poolQueue: *poolQueue,
		cacheMB: *cacheMB, take: *take, maxSolve: *maxSolve, grace: *grace, retention: *retention, lease: *lease,
		readTimeout: *readTimeout, writeTimeout: *writeTimeout, idleTimeout: *idleTimeout, memLimit: *memLimit}
	fs.Visit(func(f *flag.Flag) { a.memLimitGiven = a.memLimitGiven || f.Name == "memory-limit" })
	return a, exitOK
}

// serveTokens loads the tokens of --tokens and REHABPLAN_TOKENS, the warnings on
// stderr; nil and the exit code, with the complaint on stderr, when there are
// none or they are wrong.
func serveTokens(path string, stderr io.Writer) (*httpapi.TokenSet, int) {
	toks, warns, err := loadTokens(path, os.Getenv("REHABPLAN_TOKENS"))
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return nil, exitInvalid
	}
	for _, w := range warns {
		fmt.Fprintf(stderr, "rehabplan: warning: %s\n", w)
	}
	if toks.Len() == 0 {
		fmt.Fprintln(stderr, "rehabplan: no tokens: give --tokens FILE or REHABPLAN_TOKENS (nobody could call the API)")
		return nil, exitInvalid
	}
	return toks, exitOK
}

// setMemoryLimit sets the soft limit of the Go heap to mb MiB; given says whether
// --memory-limit was (0 given: none, whatever GOMEMLIMIT says; not given,
// GOMEMLIMIT wins when set).
func setMemoryLimit(given bool, mb int) {
	switch {
	case given && mb == 0:
		debug.SetMemoryLimit(math.MaxInt64) // none, whatever GOMEMLIMIT says
	case !given && os.Getenv("GOMEMLIMIT") != "":
		// the runtime took GOMEMLIMIT at start
	default:
		debug.SetMemoryLimit(int64(mb) << 20)
	}
}

// serveUntilStopped serves on ln until the server fails or ctx ends; then the
// queue's work, the service and the server stop within grace.
func serveUntilStopped(ctx context.Context, srv *httpapi.Server, hs *http.Server, ln net.Listener, stopWork func(context.Context), grace time.Duration, logger *slog.Logger, stderr io.Writer) int {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	case <-ctx.Done():
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		stopWork(sctx)
		srv.Shutdown(sctx)
		hs.Shutdown(sctx)
	}
	return exitOK
}

// serveQueue runs, with a PostgreSQL store, slots of the service taking solve and replan
// jobs from the queue every instance and worker shares (none when slots is 0).
// Its stop gives the running ones back to the queue, within ctx.
func serveQueue(srv *httpapi.Server, store httpapi.Store, slots int, lease time.Duration) (stop func(ctx context.Context)) {
	pg, ok := store.(*httpapi.PGStore)
	if !ok || slots == 0 {
		return func(context.Context) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	worked := make(chan struct{})
	w := &httpapi.Worker{Store: pg, Name: workerName("serve"), Slots: slots, Lease: lease, Kinds: []string{httpapi.JobSolve, httpapi.JobReplan}}
	go func() { srv.Work(ctx, w); close(worked) }()
	return func(wait context.Context) {
		cancel()
		select {
		case <-worked:
		case <-wait.Done():
		}
	}
}

// workerName names this process in the queue's claims: command, pid and host.
func workerName(cmd string) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("rehabplan %s pid %d on %s", cmd, os.Getpid(), host)
}

// loadTokens reads the token file (see httpapi.ParseTokens: "TOKEN ROLE [SCOPE]
// [crews=A,B] [id=NAME]" lines, the token as sha256:HEX) and the "TOKEN:ROLE"
// pairs of env (plain tokens, for every operation). It returns the set, which
// reloads the file, and the warnings (plain tokens in the file).
func loadTokens(path, env string) (*httpapi.TokenSet, []string, error) {
	toks, warns, err := httpapi.NewTokenSet(path)
	if err != nil {
		return nil, nil, err
	}
	for i, pair := range strings.Split(env, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		tok, role, ok := strings.Cut(pair, ":")
		if !ok {
			return nil, nil, fmt.Errorf("REHABPLAN_TOKENS entry %d: want TOKEN:ROLE", i+1)
		}
		if err := toks.Add(tok, role); err != nil {
			return nil, nil, fmt.Errorf("REHABPLAN_TOKENS entry %d: %w", i+1, err)
		}
	}
	return toks, warns, nil
}

// watchTokens reloads the token file when it changes (checked every interval)
// and on SIGHUP, until ctx ends.
func watchTokens(ctx context.Context, toks *httpapi.TokenSet, every time.Duration, logger *slog.Logger) {
	go toks.Watch(ctx, every, logger)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				toks.ReloadAndLog(true, logger)
			}
		}
	}()
}

// splitList is the non-empty items of a comma-separated list, trimmed.
func splitList(list string) []string {
	var out []string
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// atLeastDuration: a duration of at least min.
func atLeastDuration(name string, d, min time.Duration) flagRule {
	return flagRule{name, d, d < min, fmt.Sprintf("a duration of at least %s", min)}
}
