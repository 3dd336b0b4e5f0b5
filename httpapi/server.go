// Package httpapi is rehabplan's HTTP service: operations, solve jobs, plan
// versions and their diffs, events that trigger a replan, explanations, iCalendar
// feeds, health and metrics, under /v1, over a durable Store.
//
// Every route is one entry of the table in routes.go: method, path, the role its
// token needs, its handler, the query parameters and headers it reads, its
// request body and its answers. The router, the CORS answers and the OpenAPI
// document (openapi.go, served at /v1/openapi.json) are built from that table; the
// bodies' JSON Schemas are reflected from the Go types the entry names. A handler
// is a func(w, r) error: it writes its answer with writeJSON or writeBody (the
// body is made before the status is written), or returns an error that
// answerError (problem.go) maps to an RFC 9457 problem. Adding a route is its
// entry and its handler.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/rehabplan/rehabplan/model"
)

// Config sets a server up.
type Config struct {
	Store Store
	// Tokens maps bearer tokens to their role, for every operation (read and
	// write are the old roles: viewer and manager). TokenSet, when set, is used
	// as well: tokens with a scope, read from a token file that can be reloaded.
	Tokens   map[string]string
	TokenSet *TokenSet
	// Audit keeps the reads of household data, Feeds the calendar feeds; by
	// default the store, when it implements them (BoltStore does), else memory.
	Audit AuditLog
	Feeds FeedStore
	// Key is the secret key of the opaque profile ids (default: Feeds's).
	Key []byte
	// CORSOrigins lists the origins allowed to call from a browser.
	CORSOrigins []string
	// MaxBody bounds request bodies (default 64 MiB).
	MaxBody int64
	// MaxWorkbook bounds an uploaded workbook (default 16 MiB).
	MaxWorkbook int64
	// MaxSolveTime bounds a solve or replan (default 5 minutes); MaxJobs the
	// solve jobs running at once (default 2).
	MaxSolveTime time.Duration
	MaxJobs      int
	// MaxQueuedJobs bounds, with a PostgreSQL store, the solve jobs not yet ended
	// in the queue that every instance and worker shares (default 16×MaxJobs): a
	// solve asked beyond it is refused with 429 and Retry-After, so that the queue
	// cannot grow without end.
	MaxQueuedJobs int
	// MaxHeldTime bounds the search of a replan that answers in its request
	// (default 1 minute): set it below the http.Server's WriteTimeout, so that the
	// answer is written before the connection is cut. A longer time_limit asked
	// of it is a 400: longer searches are solve or replan jobs (Prefer:
	// respond-async).
	MaxHeldTime time.Duration
	// PoolSize is the number of heavy requests and solve jobs run at once
	// (default MaxJobs+2): solves, replans, and the reads that decode a version
	// (problem, plan, diff, explanation, calendar feed). PoolQueue requests may
	// wait for a slot (default 4×PoolSize), each at most PoolWait (default 10 s);
	// beyond, 429 with Retry-After.
	PoolSize, PoolQueue int
	PoolWait            time.Duration
	// PoolBudget is the memory (MiB) the pool's work may take together, each
	// work weighing an estimate of its peak from the size of the version it
	// works on (weight.go); work heavier than the budget runs alone. 0: none,
	// only PoolSize bounds the work. PoolBudgetFor sizes it from a memory limit.
	PoolBudget int64
	// JobRetention is how long ended jobs stay readable (default
	// DefaultJobRetention); they are pruned every JobRetention/24, at least
	// every hour.
	JobRetention time.Duration
	// AnswerCacheBytes bounds the encoded answers kept of whole-version reads
	// (problems, plans, versions: answers.go), default 64 MiB.
	AnswerCacheBytes int64
	Logger           *slog.Logger
}

// Server serves the API.
type Server struct {
	cfg    Config
	router *mux.Router
	// corsHeaders and corsMethods are what a browser may send, from the routes
	corsHeaders, corsMethods string
	jobs                     *jobs
	// explainers: the compiled plans the explanation route asks about
	explainers explainerCache
	tokens     *TokenSet
	audit      AuditLog
	feeds      FeedStore
	key        []byte
	// pool bounds the heavy work (pool.go)
	pool *pool
	// answers keeps the encoded answers of whole-version reads, per view
	answers  *answerCache
	metrics  *metrics
	ready    atomic.Bool
	closing  atomic.Bool
	stop     chan struct{}
	stopOnce sync.Once
	// opLocks serialises the writes of an operation (PUT, DELETE, the commit of
	// a replan or a solve): each reads the operation's head and writes on it
	// while holding it. replanLocks serialises the replans of an operation, so
	// that two replans are not computed on the same base for one to be thrown
	// away; a replan does not hold opLocks while it computes.
	opLocks     sync.Map // operation -> *sync.Mutex
	replanLocks sync.Map // operation -> chan struct{} (capacity 1)

	// slotFinders: the prepared slot finders of the slots route (slotfinders.go)
	slotFinders slotFinders
}

func lockIn(m *sync.Map, op string) func() {
	mu, _ := m.LoadOrStore(op, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// lockReplans takes the operation's replan lock, or gives up when ctx ends
// (the client left, or the server cut it).
func (s *Server) lockReplans(ctx context.Context, op string) (func(), error) {
	ch, _ := s.replanLocks.LoadOrStore(op, make(chan struct{}, 1))
	select {
	case ch.(chan struct{}) <- struct{}{}:
		return func() { <-ch.(chan struct{}) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lockOp takes the operation's write lock.
func (s *Server) lockOp(op string) func() { return lockIn(&s.opLocks, op) }

// New builds a server.
func New(cfg Config) *Server {
	if cfg.MaxWorkbook <= 0 {
		cfg.MaxWorkbook = defaultMaxWorkbook
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = model.MaxDocumentBytes
	}
	if cfg.MaxSolveTime <= 0 {
		cfg.MaxSolveTime = 5 * time.Minute
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 2
	}
	if cfg.MaxQueuedJobs <= 0 {
		cfg.MaxQueuedJobs = 16 * cfg.MaxJobs
	}
	if cfg.MaxHeldTime <= 0 {
		cfg.MaxHeldTime = time.Minute
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = cfg.MaxJobs + 2
	}
	if cfg.PoolQueue <= 0 {
		cfg.PoolQueue = 4 * cfg.PoolSize
	}
	if cfg.PoolWait <= 0 {
		cfg.PoolWait = 10 * time.Second
	}
	if cfg.AnswerCacheBytes <= 0 {
		cfg.AnswerCacheBytes = 64 << 20
	}
	if cfg.JobRetention <= 0 {
		cfg.JobRetention = DefaultJobRetention
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, jobs: newJobs(), pool: newWeightedPool(cfg.PoolSize, cfg.PoolQueue, cfg.PoolWait, cfg.PoolBudget),
		answers: newAnswerCache(cfg.AnswerCacheBytes), stop: make(chan struct{})}
	s.setupAccess()
	s.metrics = newMetrics(s)
	s.router = s.routes()
	s.corsHeaders, s.corsMethods = s.cors()
	s.ready.Store(true)
	go s.pruneLoop()
	return s
}

// ServeHTTP implements http.Handler: CORS, then the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		for _, o := range s.cfg.CORSOrigins {
			if o == origin {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Vary", "Origin")
				w.Header().Set("Access-Control-Allow-Headers", s.corsHeaders)
				w.Header().Set("Access-Control-Allow-Methods", s.corsMethods)
				w.Header().Set("Access-Control-Expose-Headers", "ETag, Location, Retry-After, Idempotent-Replayed, Preference-Applied, X-Rehabplan-Version")
			}
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.router.ServeHTTP(w, r)
}

// Shutdown stops taking jobs and cancels the running ones, waiting for them to
// store their best plan, within ctx.
func (s *Server) Shutdown(ctx context.Context) {
	s.stopOnce.Do(func() { close(s.stop) })
	s.closing.Store(true)
	s.ready.Store(false)
	s.jobs.cancelAll()
	s.jobs.wait(ctx)
}

// pruneLoop forgets, every JobRetention/24 (at most an hour), the jobs that
// ended more than JobRetention ago: their records in the store and their entries
// in memory. It stops with Shutdown.
func (s *Server) pruneLoop() {
	every := min(s.cfg.JobRetention/24, time.Hour)
	t := time.NewTicker(max(every, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.pruneJobs(time.Now().Add(-s.cfg.JobRetention))
		}
	}
}

// pruneJobs forgets the jobs that ended before the given time.
func (s *Server) pruneJobs(before time.Time) {
	n, err := s.cfg.Store.PruneJobs(before)
	if err != nil {
		s.cfg.Logger.Warn("pruning ended jobs", "cause", rootCause(err).Error())
	}
	m := s.jobs.prune(before)
	if n+m > 0 {
		s.cfg.Logger.Info("pruned ended jobs", "records", n, "in_memory", m)
	}
}

// statusWriter remembers the status for the metrics, and whether it is out.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	w.status, w.written = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

// observe counts requests and their latency per route; it logs method, route,
// status and duration, never bodies (households' data stays out of the logs). A
// panic is answered as a 500 when nothing was written yet.
func (s *Server) observe(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() {
			if v := recover(); v != nil {
				s.cfg.Logger.Error("panic", "route", route, "panic", fmt.Sprint(v))
				if !sw.written {
					writeProblem(sw, &apiError{Status: http.StatusInternalServerError, Title: "internal error", Detail: genericDetail})
				}
			}
			d := time.Since(t0)
			s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
			s.cfg.Logger.Info("request", "method", r.Method, "route", route, "status", sw.status, "ms", d.Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

// pathVars are the route's variables, unescaped.
func pathVars(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range mux.Vars(r) {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		out[k] = v
	}
	return out
}

// body reads the request body, at most MaxBody bytes (a larger one is a
// *http.MaxBytesError, answered 413); a body that cannot be read is the client's
// fault (400).
func (s *Server) body(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var mbe *http.MaxBytesError
	if err != nil && !errors.As(err, &mbe) {
		return nil, &apiError{Status: http.StatusBadRequest, Title: "invalid request", Detail: "the body could not be read", Err: err}
	}
	return data, err
}
