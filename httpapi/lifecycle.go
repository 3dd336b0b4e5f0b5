package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// The appointment lifecycle over HTTP: announce a period (a new version, with the
// letters to the households), record the households' confirmations (a new
// version), offer a household on the phone the best other times of one
// appointment (slots, taken with an appointment_rescheduled event through the
// events route), and list the reminders of a day.

// lifecyclers are the roles that read the letters and reminders: they name the
// households and what they are to prepare (the viewer and the contractor do not
// read them).
const lifecyclers = allowAdmin | allowManager | allowPilot

// The lifecycle routes' own query parameters.
var (
	qLetterVersion = param{name: "version", desc: "the version whose letters to give (default: the newest version that announced appointments)",
		schema: map[string]any{"type": "integer", "minimum": 1}, parse: parseVersionNumber}
	qFormat = param{name: "format", desc: "json (default), html (printable: A4, one household a page) or text",
		schema: map[string]any{"type": "string", "enum": []any{"json", "html", "text"}}, parse: parseFormat}
	qCount = param{name: "count", desc: "how many slots to offer, 1 to 50 (default 5)",
		schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 50}, parse: parseSlotCount}
	qSlotFrom = param{name: "from", desc: "no slot starts before this moment: a date, YYYY-MM-DDTHH:MM in the operation's time zone, or RFC 3339 (default: now)",
		schema: map[string]any{"type": "string", "example": "2027-03-01"}, parse: parseMomentText}
	qSlotTo = param{name: "to", desc: "no slot starts after this moment (a date alone: its end), in the same forms (default: the operation's end)",
		schema: map[string]any{"type": "string", "example": "2027-03-12"}, parse: parseMomentText}
	qSlotNow = param{name: "now", desc: "when the slots are offered, RFC 3339 (default: the server's clock; the answer's now is what to replan the chosen slot at)",
		schema: map[string]any{"type": "string", "format": "date-time"}, parse: parseRFC3339}
	qDate = param{name: "date", desc: "the day the reminders go out, YYYY-MM-DD (they are about the next day's appointments, through the next working day)", required: true,
		schema: map[string]any{"type": "string", "format": "date"}, parse: parseDateText}
	qReminderLang = param{name: "lang", desc: "the language of the crews' and pilots' lines in the text and HTML forms, fr (default) or en; households always in French",
		schema: map[string]any{"type": "string", "enum": []any{"en", "fr"}}, parse: parseLang}
)

func parseFormat(v string) (any, error) {
	switch v {
	case "json", "html", "text":
		return v, nil
	}
	return nil, fmt.Errorf("%q: want json, html or text", v)
}

func parseSlotCount(v string) (any, error) {
	n, err := parseCount(v)
	if err != nil || n == nil || n.(int) < 1 || n.(int) > 50 {
		return nil, fmt.Errorf("%q: want a whole number from 1 to 50", v)
	}
	return n, nil
}

// parseMomentText checks the form of a moment (the operation's time zone, which
// reads it, is the handler's); it keeps the text.
func parseMomentText(v string) (any, error) {
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if _, err := time.Parse(layout, v); err == nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%q is not a date YYYY-MM-DD, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time", v)
}

func parseDateText(v string) (any, error) {
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return nil, fmt.Errorf("%q is not a date YYYY-MM-DD", v)
	}
	return v, nil
}

// announceRequest is the body of POST /v1/operations/{op}/announce.
type announceRequest struct {
	// Until: the appointments that start before it are announced (a date, local
	// midnight, or YYYY-MM-DDTHH:MM in the operation's time zone, or RFC 3339).
	// Empty: now plus the notice period plus the letter's lead time (7 days), or,
	// with households, buildings or stairwells, all their appointments to come.
	Until string `json:"until,omitempty"`
	// Households, Buildings and Stairwells keep only their appointments (the
	// union of the three).
	Households []string `json:"households,omitempty"`
	Buildings  []string `json:"buildings,omitempty"`
	Stairwells []string `json:"stairwells,omitempty"`
	// Now is when the letters go out, in the same forms (default: the problem's
	// operation.now, else the server's clock).
	Now string `json:"now,omitempty"`
}

// announceAnswer is what an announcement made.
type announceAnswer struct {
	Operation string `json:"operation"`
	Version   int    `json:"version"`
	// Until is the date used (absent when households, buildings or stairwells
	// were chosen without one).
	Until string `json:"until,omitempty"`
	// Announced are the appointments announced now, by start; Late those of them
	// the households are told of inside their notice period.
	Announced []string `json:"announced"`
	Late      []string `json:"late"`
	// Letters: one per household, in French; LettersHTML and LettersText are the
	// paths of the printable and the text forms.
	Letters     []scheduler.Letter `json:"letters"`
	LettersHTML string             `json:"letters_html"`
	LettersText string             `json:"letters_text"`
}

// confirmRequest is the body of POST /v1/operations/{op}/confirmations.
type confirmRequest struct {
	// Interventions are the appointments the households confirmed: each announced
	// (or already confirmed) in the operation's latest version.
	Interventions []string `json:"interventions"`
}

// confirmAnswer is what a confirmation made.
type confirmAnswer struct {
	Operation string `json:"operation"`
	Version   int    `json:"version"`
	// Confirmed are those confirmed now; Already those that were confirmed
	// before (nothing changes for them).
	Confirmed []string `json:"confirmed"`
	Already   []string `json:"already"`
}

// lettersAnswer is the letters of a version.
type lettersAnswer struct {
	Operation string             `json:"operation"`
	Version   int                `json:"version"`
	Letters   []scheduler.Letter `json:"letters"`
}

// slotsAnswer is the slots of one intervention, with the version they come from
// (its ETag is the answer's): an appointment_rescheduled event that takes one of
// them, sent to the events route with now set to the answer's now while the
// version is the latest, is always accepted.
type slotsAnswer struct {
	Operation string `json:"operation"`
	Version   int    `json:"version"`
	scheduler.SlotAnswer
}

// remindersAnswer is the reminders of a day, from the plan of a version.
type remindersAnswer struct {
	Version int `json:"version"`
	scheduler.ReminderList
}

// Letters is the view of letters: their texts redacted as any free text.
func (v *view) Letters(ls []scheduler.Letter) []scheduler.Letter {
	if ls == nil || v.full() {
		return ls
	}
	if v.role == RoleContractor {
		return nil
	}
	out := slices.Clone(ls)
	for i := range out {
		out[i].Text = v.say(out[i].Text)
		out[i].Appointments = slices.Clone(out[i].Appointments)
		for k := range out[i].Appointments {
			a := &out[i].Appointments[k]
			a.Presence, a.Preparation = v.say(a.Presence), v.say(a.Preparation)
		}
	}
	return out
}

// Reminders is the view of reminders: the households' texts redacted.
func (v *view) Reminders(rl scheduler.ReminderList) scheduler.ReminderList {
	if v.full() {
		return rl
	}
	rl.Reminders = slices.Clone(rl.Reminders)
	for i := range rl.Reminders {
		rl.Reminders[i].Text = v.say(rl.Reminders[i].Text)
	}
	return rl
}

// requestFailed turns a *model.ValidationError of the "request" document into
// a 422 naming its field (the values of a request that do not fit the operation);
// other errors are returned as they are.
func requestFailed(title string, err error) error {
	var ve *model.ValidationError
	if errors.As(err, &ve) && ve.Document == "request" {
		return &apiError{Status: http.StatusUnprocessableEntity, Title: title, Err: err}
	}
	return err
}

// bodyFieldError is a 400 about a field of a request's body.
func bodyFieldError(field, format string, args ...any) error {
	return fieldError("invalid request", &model.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// lifecycleWrite is the frame of a write of the lifecycle (an announcement, a
// confirmation): under the operation's write lock, a request sent again with its
// Idempotency-Key answers the version the first one made; with If-Match, only on
// the state named (else 412); on the latest version, which must have a plan
// (else 409); build makes the new version from it (nothing is written when it
// fails), which is committed on the version it was built on.
func (s *Server) lifecycleWrite(w http.ResponseWriter, r *http.Request, op string, data []byte, answer func(*Version) any,
	build func(cur *Version) (*Version, error)) error {
	idem := idempotencyOf(r, op, data, answer)
	unlock := s.lockOp(op)
	defer unlock()
	if done, err := s.replay(w, idem); done || err != nil {
		return err
	}
	base, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if !ifMatch(r, base) {
		return errPreconditionFailed{op, base}
	}
	cur, err := s.version(op, base.Incarnation, base.Version)
	if err != nil {
		return err
	}
	if cur.Plan == nil {
		return errorf(http.StatusConflict, "no plan for the latest version", "version %d has no plan yet: solve it first (nothing written)", cur.Number)
	}
	nv, err := build(cur)
	if err != nil {
		return err
	}
	v, again, err := s.cfg.Store.AddVersion(op, base, nv, idem.idem)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if again {
		return replayed(w, idem, v)
	}
	w.Header().Set(hETag.name, etag(v.Base()))
	return writeJSON(w, http.StatusCreated, idem.answer(v))
}

// decodeStrict decodes a JSON body into v, refusing unknown fields (a 400 naming
// the first).
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &apiError{Status: http.StatusBadRequest, Title: "invalid request", Detail: "the body is not the JSON expected: " + err.Error(), Err: err}
	}
	if dec.More() {
		return &apiError{Status: http.StatusBadRequest, Title: "invalid request", Detail: "the body holds more than one JSON value"}
	}
	return nil
}

// announce marks as announced the appointments of the latest plan that start
// before the date asked (or those of the chosen households, buildings and
// stairwells) and stores the result as a new version, with the letters.
func (s *Server) announce(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	data, err := s.body(w, r)
	if err != nil {
		return err
	}
	var req announceRequest
	if err := decodeStrict(data, &req); err != nil {
		return err
	}
	answer := func(v *Version) any { return s.announceAnswerOf(r, op, v) }
	return s.lifecycleWrite(w, r, op, data, answer, func(cur *Version) (*Version, error) {
		loc := cur.Problem.Typed().Loc
		opt := scheduler.AnnounceOptions{Households: req.Households, Buildings: req.Buildings, Stairwells: req.Stairwells}
		for _, m := range []struct {
			field, s string
			t        *time.Time
		}{{"until", req.Until, &opt.Until}, {"now", req.Now, &opt.Now}} {
			if m.s == "" {
				continue
			}
			t, err := model.ParseMoment(m.s, loc)
			if err != nil {
				return nil, bodyFieldError(m.field, "%v", err)
			}
			*m.t = t
		}
		res, err := scheduler.Announce(cur.Problem, cur.Plan, opt)
		if err != nil {
			return nil, requestFailed("cannot announce", err)
		}
		if len(res.Announced) == 0 {
			// a version that changes nothing is not written
			what := "before " + res.Until.In(loc).Format("2006-01-02T15:04")
			if res.Until.IsZero() {
				what = "of the households, buildings and stairwells chosen"
			}
			return nil, &apiError{Status: http.StatusUnprocessableEntity, Title: "nothing to announce",
				Fields: []*model.FieldError{{Field: "until", Msg: "no planned appointment to come " + what + " is left to announce (nothing written)"}},
				Detail: "until: no planned appointment to come " + what + " is left to announce (nothing written)"}
		}
		ann := &Announcement{Announced: res.Announced, Late: res.Late, Letters: res.Letters}
		if !res.Until.IsZero() {
			ann.Until = res.Until.In(loc).Format(time.RFC3339)
		}
		return &Version{Kind: "announced", Problem: res.Problem, Plan: cur.Plan, Announcement: ann}, nil
	})
}

// announceAnswerOf is the answer of the announcement that made v, as the
// request's token sees it.
func (s *Server) announceAnswerOf(r *http.Request, op string, v *Version) announceAnswer {
	out := announceAnswer{Operation: op, Version: v.Number, Announced: []string{}, Late: []string{}, Letters: []scheduler.Letter{}}
	if a := v.Announcement; a != nil {
		out.Until = a.Until
		out.Announced = append(out.Announced, a.Announced...)
		out.Late = append(out.Late, a.Late...)
		out.Letters = append(out.Letters, s.viewFor(r, op, profileIDs(v.Problem)).Letters(a.Letters)...)
	}
	path := fmt.Sprintf("/v1/operations/%s/letters?version=%d&format=", url.PathEscape(op), v.Number)
	out.LettersHTML, out.LettersText = path+"html", path+"text"
	return out
}

// Announcement is what an announcement did, kept with the version it made.
type Announcement struct {
	Until     string             `json:"until,omitempty"`
	Announced []string           `json:"announced"`
	Late      []string           `json:"late,omitempty"`
	Letters   []scheduler.Letter `json:"letters"`
}

// confirm records that households confirmed announced appointments: a new
// version where they are confirmed.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	data, err := s.body(w, r)
	if err != nil {
		return err
	}
	var req confirmRequest
	if err := decodeStrict(data, &req); err != nil {
		return err
	}
	if len(req.Interventions) == 0 {
		return bodyFieldError("interventions", "empty: name the appointments the households confirmed")
	}
	answer := func(v *Version) any {
		out := confirmAnswer{Operation: op, Version: v.Number, Confirmed: []string{}, Already: []string{}}
		if c := v.Confirmation; c != nil {
			out.Confirmed = append(out.Confirmed, c.Confirmed...)
			out.Already = append(out.Already, c.Already...)
		}
		return out
	}
	return s.lifecycleWrite(w, r, op, data, answer, func(cur *Version) (*Version, error) {
		q, c, err := confirmed(cur.Problem, req.Interventions)
		if err != nil {
			return nil, err
		}
		return &Version{Kind: "confirmed", Problem: q, Plan: cur.Plan, Confirmation: c}, nil
	})
}

// Confirmation is what a confirmation did, kept with the version it made.
type Confirmation struct {
	Confirmed []string `json:"confirmed"`
	Already   []string `json:"already,omitempty"`
}

// confirmed is a copy of p where the interventions ids are confirmed. Each must be
// announced or confirmed already; otherwise a 422 names it (interventions[i]):
// unknown, not announced yet, done or missed.
func confirmed(p *model.Problem, ids []string) (*model.Problem, *Confirmation, error) {
	q := p.Clone()
	at := make(map[string]int, len(q.Interventions))
	for i := range q.Interventions {
		at[q.Interventions[i].ID] = i
	}
	c := &Confirmation{}
	var fes []*model.FieldError
	seen := map[string]bool{}
	for k, id := range ids {
		field := fmt.Sprintf("interventions[%d]", k)
		i, ok := at[id]
		switch {
		case !ok:
			fes = append(fes, &model.FieldError{Field: field, Entity: "intervention", ID: id, Msg: fmt.Sprintf("unknown intervention %q", id)})
			continue
		case seen[id]:
			fes = append(fes, &model.FieldError{Field: field, Entity: "intervention", ID: id, Msg: fmt.Sprintf("%q is named twice", id)})
			continue
		}
		seen[id] = true
		iv := &q.Interventions[i]
		switch st := iv.StatusOf(); st {
		case model.StatusConfirmed:
			c.Already = append(c.Already, id)
		case model.StatusAnnounced:
			iv.Status = model.StatusConfirmed
			c.Confirmed = append(c.Confirmed, id)
		case model.StatusPlanned:
			fes = append(fes, &model.FieldError{Field: field, Entity: "intervention", ID: id, Msg: fmt.Sprintf("%q is not announced yet: announce it before its household confirms it", id)})
		default:
			fes = append(fes, &model.FieldError{Field: field, Entity: "intervention", ID: id, Msg: fmt.Sprintf("%q is %s: there is nothing to confirm", id, st)})
		}
	}
	if len(fes) > 0 {
		return nil, nil, &apiError{Status: http.StatusUnprocessableEntity, Title: "cannot confirm", Err: &model.ValidationError{Document: "request", Errors: fes}}
	}
	if err := model.Validate(q); err != nil {
		return nil, nil, fmt.Errorf("the confirmed problem: %w", err) // a valid version confirmed stays valid: a bug
	}
	return q, c, nil
}

// letters serves the letters an announcement wrote: as JSON, printable HTML (A4,
// one household a page) or text.
func (s *Server) letters(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	var info *VersionInfo
	if n, ok := arg[int](r, qLetterVersion.name); ok {
		for i := range vs {
			if vs[i].Number == n {
				info = &vs[i]
			}
		}
		if info == nil {
			return fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
		}
	} else {
		for i := len(vs) - 1; i >= 0 && info == nil; i-- {
			if vs[i].Kind == "announced" {
				info = &vs[i]
			}
		}
		if info == nil {
			return fmt.Errorf("letters: operation %q announced nothing yet: %w", op, ErrNotFound)
		}
	}
	v, err := s.version(op, info.Incarnation, info.Number)
	if err != nil {
		return err
	}
	if v.Announcement == nil {
		return fmt.Errorf("letters: version %d of operation %q announced nothing (it is %s): %w", v.Number, op, v.Kind, ErrNotFound)
	}
	if err := s.audited(r, op, "*", "letters"); err != nil {
		return err
	}
	ls := s.viewFor(r, op, profileIDs(v.Problem)).Letters(v.Announcement.Letters)
	w.Header().Set(hETag.name, etag(v.Base()))
	format, _ := arg[string](r, qFormat.name)
	var buf bytes.Buffer
	switch format {
	case "html":
		if err := scheduler.WriteLettersHTML(&buf, ls); err != nil {
			return err
		}
		writeBody(w, http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
		return nil
	case "text":
		if err := scheduler.WriteLettersText(&buf, ls); err != nil {
			return err
		}
		writeBody(w, http.StatusOK, "text/plain; charset=utf-8", buf.Bytes())
		return nil
	}
	return writeJSON(w, http.StatusOK, lettersAnswer{Operation: op, Version: v.Number, Letters: ls})
}

// reminders serves who to call or text on a day about the next day's
// appointments of the latest plan.
func (s *Server) reminders(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
	}
	loc := v.Problem.Typed().Loc
	dateS, _ := arg[string](r, qDate.name)
	day, err := model.ParseDate(dateS, loc)
	if err != nil {
		return fieldError("invalid query", &model.FieldError{Field: qDate.name, Msg: err.Error()})
	}
	rl, err := scheduler.Reminders(v.Problem, v.Plan, day)
	if err != nil {
		return requestFailed("no reminders", err)
	}
	if err := s.audited(r, op, "*", "reminders"); err != nil {
		return err
	}
	out := s.viewFor(r, op, profileIDs(v.Problem)).Reminders(*rl)
	w.Header().Set(hETag.name, etag(v.Base()))
	lang, ok := arg[scheduler.Lang](r, qReminderLang.name)
	if !ok {
		lang = scheduler.French
	}
	format, _ := arg[string](r, qFormat.name)
	if format == "json" || format == "" {
		return writeJSON(w, http.StatusOK, remindersAnswer{Version: v.Number, ReminderList: out})
	}
	var text bytes.Buffer
	if err := scheduler.WriteReminders(&text, &out, v.Problem, lang); err != nil {
		return err
	}
	if format == "text" {
		writeBody(w, http.StatusOK, "text/plain; charset=utf-8", text.Bytes())
		return nil
	}
	var page bytes.Buffer
	if err := remindersPage.Execute(&page, map[string]any{"Title": reminderTitle(&out, lang), "Text": text.String()}); err != nil {
		return err
	}
	writeBody(w, http.StatusOK, "text/html; charset=utf-8", page.Bytes())
	return nil
}

func reminderTitle(rl *scheduler.ReminderList, lang scheduler.Lang) string {
	if lang == scheduler.English {
		return "Reminders of " + rl.Day
	}
	return "Rappels du " + rl.Day
}

// remindersPage is the reminders as a printable page: the text as the command
// line writes it.
var remindersPage = template.Must(template.New("reminders").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>@page{size:A4;margin:15mm}body{font-family:sans-serif}pre{white-space:pre-wrap;font-family:inherit;font-size:11pt}</style>
</head><body><h1>{{.Title}}</h1><pre>{{.Text}}</pre></body></html>
`))

// slots offers the best other times of one intervention in the latest plan, for
// a household on the phone. One prepared finder per version and moment is kept
// (slotFinders); answers from it take milliseconds.
func (s *Server) slots(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	op, iv := vars["op"], vars["iv"]
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if len(vs) == 0 {
		return fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	last := vs[len(vs)-1]
	if !last.HasPlan {
		if !slices.ContainsFunc(vs, func(v VersionInfo) bool { return v.HasPlan }) {
			return fmt.Errorf("a plan to offer slots in: operation %q has no plan yet: %w", op, ErrNotFound)
		}
		return errorf(http.StatusConflict, "no plan for the latest version", "version %d has no plan yet: solve it before asking for slots", last.Number)
	}
	now, explicit := arg[time.Time](r, qSlotNow.name)
	e, err := s.slotFinder(r, op, last, now, explicit)
	if err != nil {
		return err
	}
	opt := scheduler.SlotOptions{Count: 5}
	if n, ok := arg[int](r, qCount.name); ok {
		opt.Count = n
	}
	for _, m := range []struct {
		name string
		end  bool
		t    *time.Time
	}{{"from", false, &opt.From}, {"to", true, &opt.To}} {
		txt, ok := arg[string](r, m.name)
		if !ok {
			continue
		}
		parse := model.ParseMoment
		if m.end {
			parse = model.ParseEndMoment
		}
		if *m.t, err = parse(txt, e.loc); err != nil {
			return fieldError("invalid query", &model.FieldError{Field: m.name, Msg: err.Error()})
		}
	}
	ans, err := e.finder.Slots(iv, opt)
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) && ve.Document == "request" && len(ve.Errors) > 0 && ve.Errors[0].Field == "intervention" && strings.HasPrefix(ve.Errors[0].Msg, "unknown ") {
			return &apiError{Status: http.StatusNotFound, Title: "not found", Err: err}
		}
		return requestFailed("no slots", err)
	}
	w.Header().Set(hETag.name, etag(Base{last.Incarnation, last.Number}))
	return writeJSON(w, http.StatusOK, slotsAnswer{Operation: op, Version: last.Number, SlotAnswer: *ans})
}
