package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

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

// calendar serves the iCalendar feed of a household, crew or pilot: one event per
// appointment, with a UID stable across versions and a SEQUENCE that grows with the
// plan's version, so that a moved appointment updates in the calendar app.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	op, kind, who := vars["op"], vars["kind"], strings.TrimSuffix(vars["who"], ".ics")
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
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
			return fmt.Errorf("household %q: %w", who, ErrNotFound)
		}
		match = func(_ model.Assignment, iv *model.Intervention) bool {
			d := x.Dwellings[iv.Dwelling]
			return d != nil && d.Occupied() && d.Household == who
		}
	case "crew":
		if x.Crews[who] == nil {
			return fmt.Errorf("crew %q: %w", who, ErrNotFound)
		}
		match = func(a model.Assignment, _ *model.Intervention) bool { return a.Crew == who }
	case "pilot":
		if x.Pilots[who] == nil {
			return fmt.Errorf("pilot %q: %w", who, ErrNotFound)
		}
		match = func(a model.Assignment, _ *model.Intervention) bool { return a.Pilot == who }
	default:
		return &apiError{Status: http.StatusBadRequest, Title: "invalid calendar kind", Detail: fmt.Sprintf("%q: household, crew or pilot", kind),
			Fields: []*model.FieldError{{Field: "kind", Msg: "household, crew or pilot"}}}
	}
	loc := p.Typed().Loc
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
	writeBody(w, http.StatusOK, "text/calendar; charset=utf-8", []byte(b.String()))
	return nil
}
