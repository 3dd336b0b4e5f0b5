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
	// MaxSolveTime bounds a solve or replan (default 5 minutes); MaxJobs the
	// solve jobs running at once (default 2).
	MaxSolveTime time.Duration
	MaxJobs      int
	Logger       *slog.Logger
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
	// metrics
	requests     sync.Map // "method route status" -> *atomic.Int64
	authFailures sync.Map // "status reason" -> *atomic.Int64
	latency      sync.Map // route -> *histogram
	ready        atomic.Bool
	closing      atomic.Bool
	// opLocks serialises the writes that derive a version from the latest one
	// (replans, stored solves), so that none is built on a stale version
	opLocks sync.Map // operation -> *sync.Mutex
}

func (s *Server) lockOp(op string) func() {
	m, _ := s.opLocks.LoadOrStore(op, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	return m.(*sync.Mutex).Unlock
}

// New builds a server.
func New(cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = model.MaxDocumentBytes
	}
	if cfg.MaxSolveTime <= 0 {
		cfg.MaxSolveTime = 5 * time.Minute
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, jobs: newJobs()}
	s.setupAccess()
	s.router = s.routes()
	s.corsHeaders, s.corsMethods = s.cors()
	s.ready.Store(true)
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
	s.closing.Store(true)
	s.ready.Store(false)
	s.jobs.cancelAll()
	s.jobs.wait(ctx)
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
			k := fmt.Sprintf("%s %s %d", r.Method, route, sw.status)
			c, _ := s.requests.LoadOrStore(k, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
			hs, _ := s.latency.LoadOrStore(route, newHistogram())
			hs.(*histogram).observe(d.Seconds())
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
