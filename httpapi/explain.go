package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/rehabplan/rehabplan/scheduler"
)

func (s *Server) explain(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	lang, ok := arg[scheduler.Lang](r, qLang.name)
	if !ok {
		lang = acceptedLang(r.Header.Get(hAcceptLanguage.name))
	}
	e, err := s.explainer(r.Context(), vars["op"])
	if err != nil {
		return err
	}
	ex, err := e.ExplainIn(vars["iv"], lang)
	if err != nil {
		return err
	}
	if err := s.audited(r, vars["op"], "*", "explain"); err != nil {
		return err
	}
	ex = s.viewFor(r, vars["op"], e.profiles).Explanation(ex)
	w.Header().Set(hContentLang.name, string(lang))
	w.Header().Add("Vary", hAcceptLanguage.name)
	return writeJSON(w, http.StatusOK, ex)
}

// The languages explanations are written in, the first the default.
var (
	explanationLangs   = []scheduler.Lang{scheduler.English, scheduler.French}
	explanationMatcher = language.NewMatcher([]language.Tag{language.English, language.French})
)

// acceptedLang is the explanation language an Accept-Language header (RFC 9110
// 12.5.4) prefers: the best match for its languages in the order of their
// q-values (fr-CA is French, en-GB English); a wildcard stands for the default,
// English, where it comes; entries that do not parse are skipped; English when
// nothing matches.
func acceptedLang(header string) scheduler.Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		tags = acceptedTags(header)
	}
	for i, t := range tags {
		if t == wildcard {
			tags = append(tags[:i:i], language.English)
			break
		}
	}
	_, idx, conf := explanationMatcher.Match(tags...)
	if conf == language.No {
		return explanationLangs[0]
	}
	return explanationLangs[idx]
}

// wildcard is how language.ParseAcceptLanguage reads "*".
var wildcard = language.Make("mul")

// acceptedTags reads a header that language.ParseAcceptLanguage refused as a
// whole, entry by entry, skipping those it cannot read, sorted by q-value
// (stable: equal ones keep their order).
func acceptedTags(header string) []language.Tag {
	type entry struct {
		tag language.Tag
		q   float32
	}
	var es []entry
	for _, part := range strings.Split(header, ",") {
		tags, qs, err := language.ParseAcceptLanguage(part)
		if err != nil || len(tags) != 1 {
			continue
		}
		es = append(es, entry{tags[0], qs[0]})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].q > es[j].q })
	out := make([]language.Tag, len(es))
	for i, e := range es {
		out[i] = e.tag
	}
	return out
}

// explainer returns the explainer of the operation's latest plan, compiled once
// per version: the planning page asks for one explanation per click, and compiling
// an operation of 1,000 dwellings takes a good part of a second.
func (s *Server) explainer(ctx context.Context, op string) (*explainerOf, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return nil, wrapStore(err, "operation %q", op)
	}
	var info *VersionInfo
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].HasPlan {
			info = &vs[i]
			break
		}
	}
	if info == nil {
		return nil, fmt.Errorf("operation %q has no plan yet: %w", op, ErrNotFound)
	}
	// the incarnation tells a version from the one of an operation deleted and
	// created again under the same id
	key := fmt.Sprintf("%s\x00%s\x00%d", op, info.Incarnation, info.Number)
	if e := s.explainers.get(key); e != nil {
		return e, nil
	}
	// decoding and compiling are heavy work: in a slot of the pool
	release, err := s.pool.acquire(ctx, s.weigh(workCompile, op, info.Number))
	if err != nil {
		return nil, err
	}
	defer release()
	v, err := s.version(op, info.Incarnation, info.Number)
	if err != nil {
		return nil, err
	}
	ex, err := scheduler.NewExplainer(v.Problem, v.Plan)
	if err != nil {
		// the version stored was valid: the fault is not the client's
		return nil, &apiError{Status: http.StatusInternalServerError, Title: "internal error", Err: err}
	}
	e := &explainerOf{Explainer: ex, profiles: profileIDs(v.Problem), weight: len(v.Problem.Interventions)}
	s.explainers.put(key, e)
	return e, nil
}

// explainerOf is a version's explainer and its profiles' ids (which the
// explanations' texts may name, and redaction replaces).
type explainerOf struct {
	*scheduler.Explainer
	profiles []string
	// weight is its version's number of interventions, what its memory grows
	// with
	weight int
}

// explainerCache keeps the explainers of the last few versions asked about,
// at most explainersKept, and within explainerBudget interventions (the most
// recent one whatever its size): an explainer holds its compiled problem, about
// 70 MB for a 3,000-dwelling operation (36,000 interventions), so that four of
// them took a good part of the service's memory under load (bench/RESULTS.md).
type explainerCache struct {
	mu     sync.Mutex
	keys   []string // oldest first
	byKey  map[string]*explainerOf
	weight int // the sum of the kept explainers' weights
}

const (
	explainersKept  = 4
	explainerBudget = 40_000
)

func (c *explainerCache) get(key string) *explainerOf {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byKey[key]
	if e != nil {
		// most recently used last
		for i, k := range c.keys {
			if k == key {
				c.keys = append(append(c.keys[:i:i], c.keys[i+1:]...), key)
				break
			}
		}
	}
	return e
}

func (c *explainerCache) put(key string, e *explainerOf) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]*explainerOf{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = e
	c.keys = append(c.keys, key)
	c.weight += e.weight
	for len(c.keys) > explainersKept || (len(c.keys) > 1 && c.weight > explainerBudget) {
		c.weight -= c.byKey[c.keys[0]].weight
		delete(c.byKey, c.keys[0])
		c.keys = c.keys[1:]
	}
}

// drop forgets the explainers of operation op (it was deleted: its data goes).
func (c *explainerCache) drop(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.keys[:0]
	for _, k := range c.keys {
		if strings.HasPrefix(k, op+"\x00") {
			c.weight -= c.byKey[k].weight
			delete(c.byKey, k)
			continue
		}
		keep = append(keep, k)
	}
	c.keys = keep
}
