package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

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

// calEvent is one appointment of a calendar index: all a feed says of it.
type calEvent struct {
	intervention, start, end string // start and end in UTC, iCalendar form
	crew, pilot, household   string
	trade, dwelling          string
	confirmed                bool
}

// calendarIndex is what the feeds of one version need, built once from the
// decoded version: its appointments in order, and who may have a feed. A feed
// served from it decodes nothing (a version of 3,000 dwellings is some 100 MB
// decoded; its index a few MB).
type calendarIndex struct {
	number     int
	created    time.Time
	events     []calEvent
	households map[string]bool
	crews      map[string]bool
	pilots     map[string]bool
}

func newCalendarIndex(v *Version) *calendarIndex {
	p := v.Problem
	x := model.NewIndex(p)
	trade := map[string]string{}
	for _, t := range p.Trades {
		trade[t.ID] = orDefault(t.Name, t.ID)
	}
	loc, _ := model.LoadLocation(p.Operation.TimeZone)
	utc := func(s string) string {
		t, err := model.ParseMoment(s, loc)
		if err != nil {
			return ""
		}
		return t.UTC().Format("20060102T150405Z")
	}
	ix := &calendarIndex{number: v.Number, created: v.Created, households: map[string]bool{}, crews: map[string]bool{}, pilots: map[string]bool{}}
	for id := range x.Households {
		ix.households[id] = true
	}
	for id := range x.Crews {
		ix.crews[id] = true
	}
	for id := range x.Pilots {
		ix.pilots[id] = true
	}
	as := append([]model.Assignment(nil), v.Plan.Assignments...)
	sort.SliceStable(as, func(i, j int) bool { return as[i].Start < as[j].Start })
	for _, a := range as {
		iv := x.Interventions[a.Intervention]
		if iv == nil {
			continue
		}
		e := calEvent{intervention: a.Intervention, start: utc(a.Start), end: utc(a.End), crew: a.Crew, pilot: a.Pilot,
			trade: trade[iv.Trade], dwelling: iv.Dwelling,
			confirmed: iv.StatusOf() == model.StatusAnnounced || iv.StatusOf() == model.StatusDone}
		if d := x.Dwellings[iv.Dwelling]; d != nil && d.Occupied() {
			e.household = d.Household
		}
		ix.events = append(ix.events, e)
	}
	return ix
}

// calendarCache keeps the indexes of the last versions whose feeds were read,
// keyed by operation, incarnation and version.
type calendarCache struct {
	mu    sync.Mutex
	keys  []string // oldest first
	byKey map[string]*calendarIndex
}

const calendarsKept = 16

func (c *calendarCache) get(key string) *calendarIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byKey[key]
}

func (c *calendarCache) put(key string, ix *calendarIndex) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]*calendarIndex{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = ix
	c.keys = append(c.keys, key)
	for len(c.keys) > calendarsKept {
		delete(c.byKey, c.keys[0])
		c.keys = c.keys[1:]
	}
}

func calendarKey(op string, b Base) string {
	return op + "\x00" + b.Incarnation + "\x00" + strconv.Itoa(b.Version)
}

// calendarOf is the calendar index of the operation's latest plan: from the
// cache, or built from the decoded version in a slot of the pool.
func (s *Server) calendarOf(ctx context.Context, op string) (*calendarIndex, error) {
	info, err := s.latestPlannedInfo(op)
	if err != nil {
		return nil, err
	}
	key := calendarKey(op, Base{info.Incarnation, info.Number})
	if ix := s.calendars.get(key); ix != nil {
		return ix, nil
	}
	// decoding the version is heavy work: in a slot of the pool
	release, err := s.pool.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	v, err := s.version(op, info.Incarnation, info.Number)
	if err != nil {
		return nil, err
	}
	ix := newCalendarIndex(v)
	s.calendars.put(key, ix)
	return ix, nil
}

// calendar serves the iCalendar feed of a household, crew or pilot: one event per
// appointment, with a UID stable across versions and a SEQUENCE that grows with the
// plan's version, so that a moved appointment updates in the calendar app.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	op, kind, who := vars["op"], vars["kind"], strings.TrimSuffix(vars["who"], ".ics")
	var known map[string]bool
	var match func(e *calEvent) bool
	switch kind {
	case "household":
		match = func(e *calEvent) bool { return e.household == who }
	case "crew":
		match = func(e *calEvent) bool { return e.crew == who }
	case "pilot":
		match = func(e *calEvent) bool { return e.pilot == who }
	default:
		return &apiError{Status: http.StatusBadRequest, Title: "invalid calendar kind", Detail: fmt.Sprintf("%q: household, crew or pilot", kind),
			Fields: []*model.FieldError{{Field: "kind", Msg: "household, crew or pilot"}}}
	}
	ix, err := s.calendarOf(r.Context(), op)
	if err != nil {
		return err
	}
	switch kind {
	case "household":
		known = ix.households
	case "crew":
		known = ix.crews
	case "pilot":
		known = ix.pilots
	}
	if !known[who] {
		return fmt.Errorf("%s %q: %w", kind, who, ErrNotFound)
	}
	var b strings.Builder
	icsLine(&b, "BEGIN:VCALENDAR")
	icsLine(&b, "VERSION:2.0")
	icsLine(&b, "PRODID:-//rehabplan//planning//FR")
	icsLine(&b, "CALSCALE:GREGORIAN")
	icsLine(&b, "X-WR-CALNAME:"+icsEscape(fmt.Sprintf("%s – %s %s", op, kind, who)))
	stamp := ix.created.UTC().Format("20060102T150405Z")
	for i := range ix.events {
		e := &ix.events[i]
		if !match(e) {
			continue
		}
		icsLine(&b, "BEGIN:VEVENT")
		icsLine(&b, "UID:"+icsEscape(e.intervention+"@"+op+".rehabplan"))
		icsLine(&b, fmt.Sprintf("SEQUENCE:%d", ix.number))
		icsLine(&b, "DTSTAMP:"+stamp)
		icsLine(&b, "DTSTART:"+e.start)
		icsLine(&b, "DTEND:"+e.end)
		icsLine(&b, "SUMMARY:"+icsEscape(fmt.Sprintf("%s – logement %s", e.trade, e.dwelling)))
		desc := fmt.Sprintf("Intervention %s", e.intervention)
		if e.crew != "" {
			desc += ", équipe " + e.crew
		}
		if e.pilot != "" {
			desc += ", pilote " + e.pilot
		}
		icsLine(&b, "DESCRIPTION:"+icsEscape(desc))
		status := "TENTATIVE"
		if e.confirmed {
			status = "CONFIRMED"
		}
		icsLine(&b, "STATUS:"+status)
		icsLine(&b, "END:VEVENT")
	}
	icsLine(&b, "END:VCALENDAR")
	writeBody(w, http.StatusOK, "text/calendar; charset=utf-8", []byte(b.String()))
	return nil
}

// drop forgets the indexes of operation op (it was deleted: its data goes).
func (c *calendarCache) drop(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.keys[:0]
	for _, k := range c.keys {
		if strings.HasPrefix(k, op+"\x00") {
			delete(c.byKey, k)
			continue
		}
		keep = append(keep, k)
	}
	c.keys = keep
}
