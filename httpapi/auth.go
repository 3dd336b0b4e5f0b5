package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
)

// The roles of a token. A token also has a scope: the operations it may see (all
// of them, or a list) and, for a contractor, its crews.
const (
	// RoleAdmin manages the service: every operation in full, the audit log,
	// the calendar feeds.
	RoleAdmin = "admin"
	// RoleManager plans and changes operations; sees that a household has
	// constraints and what they imply, under opaque profile ids.
	RoleManager = "manager"
	// RolePilot (the pilote social) sees the households in full, profiles
	// included, and hands out calendar feeds.
	RolePilot = "pilot"
	// RoleContractor sees its crews' appointments only.
	RoleContractor = "contractor"
	// RoleViewer reads plans, without profiles.
	RoleViewer = "viewer"

	// RoleRead is the old read-only role: a viewer of every operation.
	RoleRead = "read"
	// RoleWrite is the old writing role: a manager of every operation.
	RoleWrite = "write"
)

// roleSet is the roles a route lets in (a bit per role); 0 is a public route.
type roleSet uint8

const (
	allowAdmin roleSet = 1 << iota
	allowManager
	allowPilot
	allowContractor
	allowViewer
)

// The role sets of the route table.
const (
	public   roleSet = 0
	anyRole          = allowAdmin | allowManager | allowPilot | allowContractor | allowViewer
	readers          = allowAdmin | allowManager | allowPilot | allowViewer
	planners         = allowAdmin | allowManager
	feeders          = allowAdmin | allowPilot
	// tenantDesk reads and writes the tenants' requests
	tenantDesk = allowAdmin | allowManager | allowPilot
	// bookers book and move appointments with the households: they announce,
	// record confirmations and send events (a pilot the households' events
	// only: householdEvents)
	bookers = allowAdmin | allowManager | allowPilot
	admins  = allowAdmin
)

var roleBits = map[string]roleSet{RoleAdmin: allowAdmin, RoleManager: allowManager, RolePilot: allowPilot, RoleContractor: allowContractor, RoleViewer: allowViewer}

// names lists the roles of the set, in a fixed order.
func (rs roleSet) names() []string {
	var out []string
	for _, r := range []string{RoleAdmin, RoleManager, RolePilot, RoleContractor, RoleViewer} {
		if rs&roleBits[r] != 0 {
			out = append(out, r)
		}
	}
	return out
}

// canonicalRole resolves the old roles: read is viewer, write is manager (both
// of every operation).
func canonicalRole(role string) (string, bool) {
	switch role {
	case RoleRead:
		return RoleViewer, true
	case RoleWrite:
		return RoleManager, true
	}
	_, ok := roleBits[role]
	return role, ok
}

// Grant is what a token may do: its role and its scope. ID names the token in
// logs and the audit log (never the token itself).
type Grant struct {
	ID   string
	Role string
	// AllOps: every operation; else Ops lists them.
	AllOps bool
	Ops    []string
	// Crews are a contractor's crews.
	Crews []string
}

// mayOp tells whether the grant's scope holds operation op.
func (g *Grant) mayOp(op string) bool { return g.AllOps || slices.Contains(g.Ops, op) }

// hasCrew tells whether crew is one of a contractor's crews.
func (g *Grant) hasCrew(crew string) bool { return slices.Contains(g.Crews, crew) }

// TokenSet is the bearer tokens the server takes, by the SHA-256 of each token:
// the tokens given at start (Add) and those of a token file, which Reload reads
// again. It is safe for concurrent use.
type TokenSet struct {
	path  string
	mu    sync.Mutex // serialises Add and Reload
	fixed map[[sha256.Size]byte]*Grant
	file  map[[sha256.Size]byte]*Grant
	all   atomic.Pointer[map[[sha256.Size]byte]*Grant]
	// sig is the file's size, time and hash when last read
	sig string
}

// NewTokenSet makes an empty set; with a path, its tokens are read from that file
// (see ParseTokens), and Reload reads it again.
func NewTokenSet(path string) (*TokenSet, []string, error) {
	ts := &TokenSet{path: path, fixed: map[[sha256.Size]byte]*Grant{}, file: map[[sha256.Size]byte]*Grant{}}
	ts.publish()
	if path == "" {
		return ts, nil, nil
	}
	warns, _, err := ts.reload(true)
	if err != nil {
		return nil, nil, err
	}
	return ts, warns, nil
}

// Add takes a plain token of at least 16 characters with its role (read and
// write are the old aliases), for every operation. A contractor needs crews: give
// it in a token file.
func (ts *TokenSet) Add(token, role string) error {
	if len(token) < 16 {
		return fmt.Errorf("a token of fewer than 16 characters is too easy to guess")
	}
	return ts.add(token, role)
}

// add is Add without the length check (Config.Tokens: the caller's tokens).
func (ts *TokenSet) add(token, role string) error {
	g, err := newGrant(role, "*", nil, "")
	if err != nil {
		return err
	}
	if g.Role == RoleContractor {
		return fmt.Errorf("role contractor needs its crews and operations: give it in a token file")
	}
	if token == "" {
		return fmt.Errorf("an empty token")
	}
	h := sha256.Sum256([]byte(token))
	g.ID = tokenID(h)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.fixed[h] = g
	ts.publish()
	return nil
}

// Len is the number of tokens.
func (ts *TokenSet) Len() int { return len(*ts.all.Load()) }

func (ts *TokenSet) publish() {
	all := make(map[[sha256.Size]byte]*Grant, len(ts.fixed)+len(ts.file))
	for h, g := range ts.file {
		all[h] = g
	}
	for h, g := range ts.fixed {
		all[h] = g
	}
	ts.all.Store(&all)
}

// lookup is the grant of a presented token, nil when unknown.
func (ts *TokenSet) lookup(token string) *Grant {
	return (*ts.all.Load())[sha256.Sum256([]byte(token))]
}

// Reload reads the token file again. A file that does not parse changes nothing
// (the error says why): the tokens in use stay. changed tells whether the file's
// content differed from the last read.
func (ts *TokenSet) Reload() (warnings []string, changed bool, err error) {
	return ts.reload(true)
}

func (ts *TokenSet) reload(force bool) ([]string, bool, error) {
	if ts.path == "" {
		return nil, false, nil
	}
	data, err := os.ReadFile(ts.path)
	if err != nil {
		return nil, false, err
	}
	return ts.apply(data, fileSig(data), force)
}

func fileSig(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// apply takes the content of the token file, unless it is the one in use (and
// force is false).
func (ts *TokenSet) apply(data []byte, sig string, force bool) ([]string, bool, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !force && sig == ts.sig {
		return nil, false, nil
	}
	toks, warns, err := ParseTokens(bytes.NewReader(data), ts.path)
	if err != nil {
		return nil, false, err
	}
	changed := sig != ts.sig
	ts.file, ts.sig = toks, sig
	ts.publish()
	return warns, changed, nil
}

// Watch reloads the token file when its content changes, until ctx ends: the
// file is read every interval, and a new content is taken once it has stayed the
// same for one interval (a file being written in place is not taken half
// written). Each reload, and each new reason the file cannot be taken, is logged
// (by token ids, never the tokens).
func (ts *TokenSet) Watch(ctx context.Context, every time.Duration, log *slog.Logger) {
	if ts.path == "" {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	pending, lastErr := "", ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		data, err := os.ReadFile(ts.path)
		var sig, cur string
		var warns []string
		if err == nil {
			sig = fileSig(data)
			ts.mu.Lock()
			cur = ts.sig
			ts.mu.Unlock()
			switch {
			case sig == cur:
				pending = ""
				continue
			case sig != pending:
				pending = sig
				continue
			}
			warns, _, err = ts.apply(data, sig, false)
		}
		if err != nil {
			if err.Error() != lastErr {
				log.Error("token file not reloaded: the tokens in use stay", "file", ts.path, "err", err)
			}
			lastErr = err.Error()
			continue
		}
		lastErr, pending = "", ""
		log.Info("token file reloaded", "file", ts.path, "tokens", ts.Len())
		for _, w := range warns {
			log.Warn(w)
		}
	}
}

// ReloadAndLog reloads the token file (force: even when its content is the same)
// and logs what happened.
func (ts *TokenSet) ReloadAndLog(force bool, log *slog.Logger) {
	if ts.path == "" {
		return
	}
	warns, changed, err := ts.reload(force)
	switch {
	case err != nil:
		log.Error("token file not reloaded: the tokens in use stay", "file", ts.path, "err", err)
	case changed || force:
		log.Info("token file reloaded", "file", ts.path, "tokens", ts.Len())
	}
	for _, w := range warns {
		log.Warn(w)
	}
}

// ParseTokens reads a token file: one token a line, "TOKEN ROLE [SCOPE]
// [crews=A,B] [id=NAME]", blank lines and lines starting with # skipped.
//   - TOKEN is "sha256:" and the 64 hexadecimal digits of the token's SHA-256
//     (`printf %s "$TOKEN" | sha256sum`), or the token itself (taken, with a
//     warning: anyone who reads the file can use it).
//   - ROLE is admin, manager, pilot, contractor or viewer; read and write are
//     the old roles (viewer and manager of every operation).
//   - SCOPE is * (every operation, the default) or operation ids, comma-separated.
//   - crews= lists a contractor's crews (required for a contractor, refused
//     for other roles); a contractor's scope must name its operations.
//   - id= names the token in logs and the audit log (default "sha256:" and the
//     first 8 digits of its hash).
//
// where names the file in errors and warnings.
func ParseTokens(r io.Reader, where string) (map[[sha256.Size]byte]*Grant, []string, error) {
	out := map[[sha256.Size]byte]*Grant{}
	var warns []string
	ids := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at := fmt.Sprintf("%s line %d", where, n)
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return nil, nil, fmt.Errorf("%s: want \"TOKEN ROLE [SCOPE] [crews=A,B] [id=NAME]\"", at)
		}
		scope, crews, id := "", "", ""
		for _, f := range fields[2:] {
			switch {
			case strings.HasPrefix(f, "crews="):
				crews = strings.TrimPrefix(f, "crews=")
			case strings.HasPrefix(f, "id="):
				id = strings.TrimPrefix(f, "id=")
			case scope == "":
				scope = f
			default:
				return nil, nil, fmt.Errorf("%s: %q: one scope (operations, comma-separated, or *), then crews= and id=", at, f)
			}
		}
		var h [sha256.Size]byte
		if hx, ok := strings.CutPrefix(fields[0], "sha256:"); ok {
			b, err := hex.DecodeString(hx)
			if err != nil || len(b) != sha256.Size {
				return nil, nil, fmt.Errorf("%s: the token's hash is not 64 hexadecimal digits after sha256:", at)
			}
			copy(h[:], b)
		} else {
			if len(fields[0]) < 16 {
				return nil, nil, fmt.Errorf("%s: a token of fewer than 16 characters is too easy to guess", at)
			}
			h = sha256.Sum256([]byte(fields[0]))
			warns = append(warns, fmt.Sprintf("%s: a plain token (%s); store its hash instead: sha256:%s", at, tokenID(h), hex.EncodeToString(h[:])))
		}
		var crewList []string
		if crews != "" {
			crewList = splitList(crews)
		}
		g, err := newGrant(fields[1], scope, crewList, id)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", at, err)
		}
		if g.ID == "" {
			g.ID = tokenID(h)
		}
		if prev, ok := ids[g.ID]; ok && id != "" {
			return nil, nil, fmt.Errorf("%s: id %q already names the token of line %d", at, g.ID, prev)
		}
		ids[g.ID] = n
		if _, dup := out[h]; dup {
			return nil, nil, fmt.Errorf("%s: the same token as an earlier line", at)
		}
		out[h] = g
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	return out, warns, nil
}

// newGrant checks a role and its scope.
func newGrant(role, scope string, crews []string, id string) (*Grant, error) {
	canon, ok := canonicalRole(role)
	if !ok {
		return nil, fmt.Errorf("role %q: admin, manager, pilot, contractor or viewer (or the old read, write)", role)
	}
	g := &Grant{ID: id, Role: canon, Crews: crews}
	switch {
	case scope == "" || scope == "*":
		g.AllOps = true
	case role == RoleRead || role == RoleWrite:
		return nil, fmt.Errorf("role %s is for every operation: give viewer or manager a scope", role)
	default:
		g.Ops = splitList(scope)
	}
	if strings.ContainsAny(id, "\"'\\") {
		return nil, fmt.Errorf("id %q: no quotes nor backslashes", id)
	}
	switch {
	case canon == RoleContractor && len(crews) == 0:
		return nil, fmt.Errorf("role contractor needs its crews: crews=CREW,CREW")
	case canon == RoleContractor && g.AllOps:
		return nil, fmt.Errorf("role contractor needs its operations (a scope other than *)")
	case canon != RoleContractor && len(crews) > 0:
		return nil, fmt.Errorf("crews= is for a contractor, not role %s", canon)
	}
	return g, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// tokenID names a token by the start of its hash.
func tokenID(h [sha256.Size]byte) string { return "sha256:" + hex.EncodeToString(h[:4]) }

type grantKey struct{}

// grantOf is the grant of the request's token (nil on a public route).
func grantOf(r *http.Request) *Grant {
	g, _ := r.Context().Value(grantKey{}).(*Grant)
	return g
}

// authorize checks the bearer token, its role and, for a route under an
// operation, its scope; it returns the request with the token's grant. A 401 or
// 403 is logged (by the token's id, or the start of its hash, never the token)
// and counted.
func (s *Server) authorize(rt *route, r *http.Request) (*http.Request, error) {
	if rt.role == public {
		return r, nil
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		s.denied(r, rt, http.StatusUnauthorized, "missing", "")
		return nil, &apiError{Status: http.StatusUnauthorized, Title: "missing bearer token", Detail: "send Authorization: Bearer <token>",
			Header: http.Header{"Www-Authenticate": {`Bearer realm="rehabplan"`}}}
	}
	g := s.tokens.lookup(tok)
	if g == nil {
		s.denied(r, rt, http.StatusUnauthorized, "invalid", tokenID(sha256.Sum256([]byte(tok))))
		return nil, &apiError{Status: http.StatusUnauthorized, Title: "invalid token", Detail: "the token is unknown or expired",
			Header: http.Header{"Www-Authenticate": {`Bearer realm="rehabplan", error="invalid_token"`}}}
	}
	if rt.role&roleBits[g.Role] == 0 {
		s.denied(r, rt, http.StatusForbidden, "role", g.ID)
		return nil, errorf(http.StatusForbidden, "forbidden", "a token of role %s may not call this route (roles: %s)", g.Role, strings.Join(rt.role.names(), ", "))
	}
	if op, ok := pathVars(r)["op"]; ok && !g.mayOp(op) {
		s.denied(r, rt, http.StatusForbidden, "scope", g.ID)
		return nil, errorf(http.StatusForbidden, "forbidden", "the operation is not in this token's scope")
	}
	return r.WithContext(withGrant(r.Context(), g)), nil
}

func withGrant(ctx context.Context, g *Grant) context.Context {
	return context.WithValue(ctx, grantKey{}, g)
}

// inScope is the 403 of an operation that a handler finds (a job's, a body's)
// and the token's scope does not hold.
func (s *Server) inScope(r *http.Request, op string) error {
	g := grantOf(r)
	if g == nil || g.mayOp(op) {
		return nil
	}
	s.denied(r, nil, http.StatusForbidden, "scope", g.ID)
	return errorf(http.StatusForbidden, "forbidden", "the operation is not in this token's scope")
}

// denied logs and counts a 401 or 403.
func (s *Server) denied(r *http.Request, rt *route, status int, reason, who string) {
	path := ""
	if rt != nil {
		path = rt.path
	} else if cr := mux.CurrentRoute(r); cr != nil {
		path, _ = cr.GetPathTemplate()
	}
	s.countAuthFailure(status, reason)
	args := []any{"status", status, "reason", reason, "method", r.Method, "route", path, "remote", r.RemoteAddr}
	if who != "" {
		args = append(args, "token", who)
	}
	s.cfg.Logger.Warn("access denied", args...)
}

// setupAccess sets the tokens, the audit log, the feeds and the key up from the
// configuration; what the store cannot keep is kept in memory, with a warning.
func (s *Server) setupAccess() {
	s.tokens = s.cfg.TokenSet
	if s.tokens == nil {
		s.tokens, _, _ = NewTokenSet("")
	}
	for tok, role := range s.cfg.Tokens {
		if err := s.tokens.add(tok, role); err != nil {
			s.cfg.Logger.Error("token refused", "token", tokenID(sha256.Sum256([]byte(tok))), "err", err)
		}
	}
	s.audit, s.feeds, s.key = s.cfg.Audit, s.cfg.Feeds, s.cfg.Key
	if s.audit == nil {
		if a, ok := s.cfg.Store.(AuditLog); ok {
			s.audit = a
		} else {
			s.cfg.Logger.Warn("the store keeps no audit log: the reads of household data are audited in memory only")
			s.audit = &memAudit{}
		}
	}
	if s.feeds == nil {
		if f, ok := s.cfg.Store.(FeedStore); ok {
			s.feeds = f
		} else {
			s.cfg.Logger.Warn("the store keeps no calendar feeds: feeds, their sequences and the opaque ids last until the server stops")
			s.feeds = newMemFeeds()
		}
	}
	if s.key == nil {
		key, err := s.feeds.ServerKey()
		if err != nil {
			s.cfg.Logger.Error("no server key in the store: opaque ids last until the server stops", "err", err)
			key, _ = newMemFeeds().ServerKey()
		}
		s.key = key
	}
}

// Lookup returns the grant of a token (a copy), and whether it is known.
func (ts *TokenSet) Lookup(token string) (Grant, bool) {
	g := ts.lookup(token)
	if g == nil {
		return Grant{}, false
	}
	return *g, true
}
