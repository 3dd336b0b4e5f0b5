package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	vars := pathVars(r)
	lang, fe := explanationLang(r)
	if fe != nil {
		problem(w, http.StatusBadRequest, "invalid query", fe.Error(), []*model.FieldError{fe})
		return
	}
	e, err := s.explainer(vars["op"])
	if err != nil {
		storeError(w, err, fmt.Sprintf("a plan of operation %q", vars["op"]))
		return
	}
	ex, err := e.ExplainIn(vars["iv"], lang)
	if errors.Is(err, scheduler.ErrUnknownIntervention) {
		problem(w, http.StatusNotFound, "not found", err.Error(), nil)
		return
	}
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal error", "the explanation could not be made", nil)
		return
	}
	w.Header().Set("Content-Language", string(lang))
	w.Header().Add("Vary", "Accept-Language")
	writeJSON(w, 200, ex)
}

// explanationLang is the language an explanation is asked in: the lang query
// parameter ("en" or "fr") when given, otherwise French when the Accept-Language
// header prefers it (listed first, or with the highest q), otherwise English.
func explanationLang(r *http.Request) (scheduler.Lang, *model.FieldError) {
	if q := r.URL.Query(); q.Has("lang") {
		lang, err := scheduler.ParseLang(q.Get("lang"))
		if err != nil || q.Get("lang") == "" {
			return "", &model.FieldError{Field: "lang", Msg: fmt.Sprintf("unknown language %q: \"en\" or \"fr\"", q.Get("lang"))}
		}
		return lang, nil
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if tag != "" && q > bestQ {
			best, bestQ = tag, q
		}
	}
	primary, _, _ := strings.Cut(strings.ToLower(best), "-")
	if primary == "fr" {
		return scheduler.French, nil
	}
	return scheduler.English, nil
}

// explainer returns the explainer of the operation's latest plan, compiled once
// per version: the planning page asks for one explanation per click, and compiling
// an operation of 1,000 dwellings takes a good part of a second.
func (s *Server) explainer(op string) (*scheduler.Explainer, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return nil, err
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
	// the creation time tells a version from the one of an operation deleted and
	// created again under the same id
	key := fmt.Sprintf("%s\x00%d\x00%d", op, info.Number, info.Created.UnixNano())
	if e := s.explainers.get(key); e != nil {
		return e, nil
	}
	v, err := s.cfg.Store.Get(op, info.Number)
	if err != nil {
		return nil, err
	}
	e, err := scheduler.NewExplainer(v.Problem, v.Plan)
	if err != nil {
		return nil, err
	}
	s.explainers.put(key, e)
	return e, nil
}

// explainerCache keeps the explainers of the last few versions asked about.
type explainerCache struct {
	mu    sync.Mutex
	keys  []string // oldest first
	byKey map[string]*scheduler.Explainer
}

const explainersKept = 4

func (c *explainerCache) get(key string) *scheduler.Explainer {
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

func (c *explainerCache) put(key string, e *scheduler.Explainer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]*scheduler.Explainer{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = e
	c.keys = append(c.keys, key)
	for len(c.keys) > explainersKept {
		delete(c.byKey, c.keys[0])
		c.keys = c.keys[1:]
	}
}

// icsEscape escapes a TEXT value (RFC 5545 3.3.11).
func icsEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "")
	return r.Replace(s)
}

// icsLine folds a content line at 75 octets (RFC 5545 3.1), without splitting a
// UTF-8 character.
func icsLine(b *strings.Builder, line string) {
	for len(line) > 75 {
		cut := 75
		for cut > 0 && line[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// calendar serves the iCalendar feed of a household, crew or pilot: one event per
// appointment, with a UID stable across versions and a SEQUENCE that grows with the
// plan's version, so that a moved appointment updates in the calendar app.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	vars := pathVars(r)
	op, kind, who := vars["op"], vars["kind"], strings.TrimSuffix(vars["who"], ".ics")
	v, err := s.latestPlanned(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("a plan of operation %q", op))
		return
	}
	p := v.Problem
	x := model.NewIndex(p)
	trade := map[string]string{}
	for _, t := range p.Trades {
		trade[t.ID] = orDefault(t.Name, t.ID)
	}
	var match func(a model.Assignment, iv *model.Intervention) bool
	switch kind {
	case "household":
		if x.Households[who] == nil {
			problem(w, http.StatusNotFound, "not found", fmt.Sprintf("household %q", who), nil)
			return
		}
		match = func(_ model.Assignment, iv *model.Intervention) bool {
			d := x.Dwellings[iv.Dwelling]
			return d != nil && d.Occupied() && d.Household == who
		}
	case "crew":
		if x.Crews[who] == nil {
			problem(w, http.StatusNotFound, "not found", fmt.Sprintf("crew %q", who), nil)
			return
		}
		match = func(a model.Assignment, _ *model.Intervention) bool { return a.Crew == who }
	case "pilot":
		if x.Pilots[who] == nil {
			problem(w, http.StatusNotFound, "not found", fmt.Sprintf("pilot %q", who), nil)
			return
		}
		match = func(a model.Assignment, _ *model.Intervention) bool { return a.Pilot == who }
	default:
		problem(w, http.StatusBadRequest, "invalid calendar kind", fmt.Sprintf("%q: household, crew or pilot", kind),
			[]*model.FieldError{{Field: "kind", Msg: "household, crew or pilot"}})
		return
	}
	loc, _ := model.LoadLocation(p.Operation.TimeZone)
	utc := func(s string) string {
		t, err := model.ParseMoment(s, loc)
		if err != nil {
			return ""
		}
		return t.UTC().Format("20060102T150405Z")
	}
	var b strings.Builder
	icsLine(&b, "BEGIN:VCALENDAR")
	icsLine(&b, "VERSION:2.0")
	icsLine(&b, "PRODID:-//rehabplan//planning//FR")
	icsLine(&b, "CALSCALE:GREGORIAN")
	icsLine(&b, "X-WR-CALNAME:"+icsEscape(fmt.Sprintf("%s – %s %s", p.Operation.ID, kind, who)))
	stamp := v.Created.UTC().Format("20060102T150405Z")
	as := append([]model.Assignment(nil), v.Plan.Assignments...)
	sort.SliceStable(as, func(i, j int) bool { return as[i].Start < as[j].Start })
	for _, a := range as {
		iv := x.Interventions[a.Intervention]
		if iv == nil || !match(a, iv) {
			continue
		}
		icsLine(&b, "BEGIN:VEVENT")
		icsLine(&b, "UID:"+icsEscape(a.Intervention+"@"+op+".rehabplan"))
		icsLine(&b, fmt.Sprintf("SEQUENCE:%d", v.Number))
		icsLine(&b, "DTSTAMP:"+stamp)
		icsLine(&b, "DTSTART:"+utc(a.Start))
		icsLine(&b, "DTEND:"+utc(a.End))
		icsLine(&b, "SUMMARY:"+icsEscape(fmt.Sprintf("%s – logement %s", trade[iv.Trade], iv.Dwelling)))
		desc := fmt.Sprintf("Intervention %s", a.Intervention)
		if a.Crew != "" {
			desc += ", équipe " + a.Crew
		}
		if a.Pilot != "" {
			desc += ", pilote " + a.Pilot
		}
		icsLine(&b, "DESCRIPTION:"+icsEscape(desc))
		status := "TENTATIVE"
		if iv.StatusOf() == model.StatusAnnounced || iv.StatusOf() == model.StatusDone {
			status = "CONFIRMED"
		}
		icsLine(&b, "STATUS:"+status)
		icsLine(&b, "END:VEVENT")
	}
	icsLine(&b, "END:VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write([]byte(b.String()))
}
