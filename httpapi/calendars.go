package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
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

// Appointment is a placed intervention as the people at the door need it: where
// (dwelling, building, stairwell, floor), how to get in, when, who comes. Access
// is tenant (someone at home), keys (the tenant opens, or leaves the keys),
// keys_with_pilot (the keys are with the pilot) or none (nobody needs to be
// there: not occupied, or the work needs no access).
type Appointment struct {
	Intervention string          `json:"intervention"`
	Trade        string          `json:"trade"`
	TradeName    string          `json:"trade_name,omitempty"`
	Dwelling     string          `json:"dwelling"`
	Building     string          `json:"building"`
	Stairwell    string          `json:"stairwell"`
	Floor        int             `json:"floor"`
	Access       string          `json:"access"`
	NeedsPilot   bool            `json:"needs_pilot,omitempty"`
	Household    string          `json:"household,omitempty"`
	Crew         string          `json:"crew,omitempty"`
	Pilot        string          `json:"pilot,omitempty"`
	Status       string          `json:"status"`
	Start        string          `json:"start"`
	End          string          `json:"end"`
	Segments     []model.Segment `json:"segments,omitempty"`
}

// appointments lists the plan's appointments, by start.
func appointments(v *Version) []Appointment {
	p := v.Problem
	x := model.NewIndex(p)
	out := []Appointment{}
	for _, a := range v.Plan.Assignments {
		iv := x.Interventions[a.Intervention]
		if iv == nil {
			continue
		}
		ap := Appointment{Intervention: a.Intervention, Trade: iv.Trade, Dwelling: iv.Dwelling, Access: x.AccessOf(iv), NeedsPilot: x.NeedsPilot(iv),
			Crew: a.Crew, Pilot: a.Pilot, Status: iv.StatusOf(), Start: a.Start, End: a.End, Segments: a.Segments}
		if t := x.Trades[iv.Trade]; t != nil {
			ap.TradeName = t.Name
		}
		if d := x.Dwellings[iv.Dwelling]; d != nil {
			ap.Building, ap.Stairwell, ap.Floor = d.Building, d.Stairwell, d.Floor
			if d.Occupied() {
				ap.Household = d.Household
				if h := x.Households[d.Household]; h != nil && ap.Access == model.AccessKeys && h.KeysWithPilot {
					ap.Access = "keys_with_pilot"
				}
			} else {
				ap.Access = model.AccessNone
			}
		}
		out = append(out, ap)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Appointments is the view of a plan's appointments: a contractor's crews' ones,
// without households.
func (v *view) Appointments(as []Appointment) []Appointment {
	if v.role != RoleContractor {
		return as
	}
	out := []Appointment{}
	for _, a := range as {
		if v.hasCrew(a.Crew) {
			a.Household = ""
			out = append(out, a)
		}
	}
	return out
}

func (v *view) hasCrew(c string) bool {
	for _, x := range v.crews {
		if x == c {
			return true
		}
	}
	return false
}

type appointmentsAnswer struct {
	Operation    string        `json:"operation"`
	Version      int           `json:"version"`
	Appointments []Appointment `json:"appointments"`
}

// listAppointments serves the latest plan's appointments as the token's role
// sees them; a view that names households is audited.
func (s *Server) listAppointments(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
	}
	vw := s.viewFor(r, op, nil)
	if vw.seesHouseholds() {
		if err := s.audited(r, op, "*", "listAppointments"); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, appointmentsAnswer{Operation: op, Version: v.Number, Appointments: vw.Appointments(appointments(v))})
}

// calendar serves the iCalendar feed of a household, crew or pilot to a bearer
// token whose view may read it (see view.Calendar); a household's is audited.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	op, kind, who := vars["op"], vars["kind"], strings.TrimSuffix(vars["who"], ".ics")
	if kind != "household" && kind != "crew" && kind != "pilot" {
		return knownOwner(nil, kind, who)
	}
	if !s.viewFor(r, op, nil).Calendar(kind, who) {
		g := grantOf(r)
		s.denied(r, nil, http.StatusForbidden, "role", g.ID)
		return errorf(http.StatusForbidden, "forbidden", "a token of role %s may not read this calendar", g.Role)
	}
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
	}
	if err := knownOwner(v.Problem, kind, who); err != nil {
		return err
	}
	if err := s.auditFeed(r, op, kind, who, "calendar"); err != nil {
		return err
	}
	body, err := s.ics(v, op, kind, who)
	if err != nil {
		return err
	}
	writeBody(w, http.StatusOK, "text/calendar; charset=utf-8", body)
	return nil
}

// auditFeed records the read of a feed that names households: a household's
// (that household) or a pilot's (all of them); a crew's names none.
func (s *Server) auditFeed(r *http.Request, op, kind, who, route string) error {
	switch kind {
	case "household":
		return s.audited(r, op, who, route)
	case "pilot":
		return s.audited(r, op, "*", route)
	}
	return nil
}

// icsEvent is one VEVENT of a feed before its SEQUENCE and DTSTAMP.
type icsEvent struct {
	uid, start, end, summary, location, desc, status string
}

func (e *icsEvent) hash() string {
	h := sha256.Sum256([]byte(strings.Join([]string{e.start, e.end, e.summary, e.location, e.desc, e.status}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// ics builds the feed of a household, crew or pilot (who must be in the
// version's problem): only its owner's appointments, one event per worked
// stretch of an intervention (its segments), in French. A household's feed names
// the trade and what the household must do (be at home, or nothing), never the
// crew, the pilot or other dwellings; a crew's says where and how to get in,
// never the household. An event's SEQUENCE grows only when its content changes
// (the store keeps a hash per UID), and its DTSTAMP is when that content was
// first served.
func (s *Server) ics(v *Version, op, kind, who string) ([]byte, error) {
	p := v.Problem
	loc := p.Typed().Loc
	utc := func(s string) string {
		t, err := model.ParseMoment(s, loc)
		if err != nil {
			return ""
		}
		return t.UTC().Format("20060102T150405Z")
	}
	var evs []icsEvent
	for _, a := range appointments(v) {
		switch {
		case kind == "household" && a.Household != who,
			kind == "crew" && a.Crew != who,
			kind == "pilot" && a.Pilot != who:
			continue
		}
		segs := a.Segments
		if len(segs) == 0 {
			segs = []model.Segment{{Start: a.Start, End: a.End}}
		}
		for k, sg := range segs {
			e := icsEvent{uid: a.Intervention, start: utc(sg.Start), end: utc(sg.End), status: "TENTATIVE"}
			if len(segs) > 1 {
				e.uid = fmt.Sprintf("%s#%d", a.Intervention, k+1)
			}
			e.uid += "@" + op + ".rehabplan"
			if a.Status == model.StatusAnnounced || a.Status == model.StatusDone {
				e.status = "CONFIRMED"
			}
			describe(&e, a, kind, k, len(segs))
			evs = append(evs, e)
		}
	}
	hashes := map[string]string{}
	for _, e := range evs {
		hashes[e.uid] = e.hash()
	}
	seqs, err := s.feeds.EventSequences(strings.Join([]string{op, v.Incarnation, kind, who}, "\x00"), hashes, time.Now().UTC().Truncate(time.Second))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	icsLine(&b, "BEGIN:VCALENDAR")
	icsLine(&b, "VERSION:2.0")
	icsLine(&b, "PRODID:-//rehabplan//planning//FR")
	icsLine(&b, "CALSCALE:GREGORIAN")
	icsLine(&b, "METHOD:PUBLISH")
	name := map[string]string{"household": "Travaux dans votre logement", "crew": "Équipe " + who, "pilot": "Pilote " + who}[kind]
	icsLine(&b, "X-WR-CALNAME:"+icsEscape(fmt.Sprintf("%s – %s", orDefault(p.Operation.Name, op), name)))
	for _, e := range evs {
		sq := seqs[e.uid]
		icsLine(&b, "BEGIN:VEVENT")
		icsLine(&b, "UID:"+icsEscape(e.uid))
		icsLine(&b, fmt.Sprintf("SEQUENCE:%d", sq.Seq))
		icsLine(&b, "DTSTAMP:"+sq.Stamp.UTC().Format("20060102T150405Z"))
		icsLine(&b, "DTSTART:"+e.start)
		icsLine(&b, "DTEND:"+e.end)
		icsLine(&b, "SUMMARY:"+icsEscape(e.summary))
		icsLine(&b, "LOCATION:"+icsEscape(e.location))
		icsLine(&b, "DESCRIPTION:"+icsEscape(e.desc))
		icsLine(&b, "STATUS:"+e.status)
		icsLine(&b, "END:VEVENT")
	}
	icsLine(&b, "END:VCALENDAR")
	return []byte(b.String()), nil
}

// describe writes an event's summary, location and description for the feed's
// owner, in French.
func describe(e *icsEvent, a Appointment, kind string, k, n int) {
	trade := orDefault(a.TradeName, a.Trade)
	part := ""
	if n > 1 {
		part = fmt.Sprintf(" (%d/%d)", k+1, n)
	}
	place := fmt.Sprintf("logement %s, bâtiment %s, cage %s, étage %d", a.Dwelling, a.Building, a.Stairwell, a.Floor)
	door := map[string]string{
		model.AccessTenant: "une personne doit être présente pour ouvrir",
		model.AccessKeys:   "une personne doit être présente, ou les clés confiées au pilote",
		"keys_with_pilot":  "les clés sont chez le pilote",
		model.AccessNone:   "aucune présence nécessaire",
	}[a.Access]
	switch kind {
	case "household":
		e.summary = "Travaux : " + trade + part
		e.location = "Votre logement " + a.Dwelling
		what := "Merci d'être présent ou de confier vos clés au pilote."
		switch a.Access {
		case model.AccessTenant:
			what = "Merci d'être présent pour ouvrir à l'entreprise."
		case "keys_with_pilot":
			what = "Vos clés sont chez le pilote : votre présence n'est pas nécessaire."
		case model.AccessNone:
			what = "Votre présence n'est pas nécessaire."
		}
		e.desc = fmt.Sprintf("%s dans votre logement. %s", trade, what)
	case "crew":
		e.summary = fmt.Sprintf("%s%s – logement %s", trade, part, a.Dwelling)
		e.location = place
		e.desc = fmt.Sprintf("Intervention %s. Accès : %s.", a.Intervention, door)
		if a.Pilot != "" {
			e.desc += " Pilote présent : " + a.Pilot + "."
		}
	default:
		e.summary = fmt.Sprintf("%s%s – logement %s", trade, part, a.Dwelling)
		e.location = place
		e.desc = fmt.Sprintf("Intervention %s, équipe %s, ménage %s. Accès : %s.", a.Intervention, orDefault(a.Crew, "aucune"), orDefault(a.Household, "aucun"), door)
	}
}
