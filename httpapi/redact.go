package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/rehabplan/rehabplan/sheets"
)

// Redaction: what each role sees of an operation. Every answer that carries a
// problem, a plan, a diff, events, an explanation, appointments or a calendar
// goes through a view (the methods below), the one place that decides it:
//
//   - admin and pilot: everything, the households' profiles included;
//   - manager: the households and the rules their profiles impose ("no work
//     before 12:00", "noisy work only 10:00-14:00"), under opaque profile ids;
//   - viewer: the households without their profiles (nor the carer's
//     availability, which says that one is needed);
//   - contractor: its crews' assignments and appointments (dwelling, floor,
//     access, times), no household.
//
// Profile ids are names such as "respiratory-relocated": health data. An opaque
// id is "P-" and 12 hexadecimal digits of the HMAC-SHA-256, under the server's
// key, of the operation and the profile id: stable for an operation, the same in
// every answer, not reversible without the key. Free text (the reasons of an
// unplaced intervention, explanations) names profiles as `profile "ID"`,
// `profile ID` or `profil « ID »`: those are replaced the same way.
type view struct {
	role  string
	crews []string
	op    string
	key   []byte
	// text rewrites the profile ids in free text (built from the problem's
	// profiles; nil: nothing to rewrite)
	text *strings.Replacer
}

// cacheKey names what the view's answers depend on besides the operation (its
// role and crews), for the answer cache: two requests with the same cacheKey get
// the same answer of a version.
func (v *view) cacheKey() string {
	return v.role + "\x00" + strings.Join(v.crews, "\x01")
}

// full tells whether the view sees the households in full.
func (v *view) full() bool { return v.role == RoleAdmin || v.role == RolePilot }

// viewFor is the view of the request's token on operation op, whose profile ids
// are profiles (the ids that free text may name).
func (s *Server) viewFor(r *http.Request, op string, profiles []string) *view {
	g := grantOf(r)
	v := &view{role: RoleAdmin, op: op, key: s.key}
	if g != nil {
		v.role, v.crews = g.Role, g.Crews
	}
	if !v.full() && len(profiles) > 0 {
		var pairs []string
		for _, id := range profiles {
			o := v.opaque(id)
			pairs = append(pairs,
				"profile "+strconv.Quote(id), "profile "+strconv.Quote(o),
				"profil «\u00a0"+id+"\u00a0»", "profil «\u00a0"+o+"\u00a0»",
				"profile "+id+" ", "profile "+o+" ",
				"profile "+id+")", "profile "+o+")",
				"profile "+id+",", "profile "+o+",",
				"profile "+id+".", "profile "+o+".",
				"profile "+id+":", "profile "+o+":")
		}
		v.text = strings.NewReplacer(pairs...)
	}
	return v
}

func profileIDs(p *model.Problem) []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(p.Profiles))
	for i, pr := range p.Profiles {
		out[i] = pr.ID
	}
	return out
}

// opaque is the opaque id of profile id on the view's operation.
func (v *view) opaque(id string) string {
	m := hmac.New(sha256.New, v.key)
	m.Write([]byte("profile\x00" + v.op + "\x00" + id))
	return "P-" + hex.EncodeToString(m.Sum(nil)[:6])
}

func (v *view) say(s string) string {
	if v.text == nil || v.full() {
		return s
	}
	if v.role != RoleManager && v.role != RoleViewer {
		// a contractor's view has no free text about households
		return s
	}
	return v.text.Replace(s)
}

// Problem is the view of a problem: nil for a contractor, who sees none.
func (v *view) Problem(p *model.Problem) *model.Problem {
	switch {
	case p == nil || v.full():
		return p
	case v.role == RoleContractor:
		return nil
	}
	q := p.Clone()
	for i := range q.Households {
		v.household(&q.Households[i])
	}
	if v.role == RoleManager {
		for i := range q.Profiles {
			q.Profiles[i].ID = v.opaque(q.Profiles[i].ID)
		}
	} else {
		q.Profiles = nil
	}
	return q
}

// household redacts a household record in place (a manager's or viewer's view).
func (v *view) household(h *model.Household) {
	if v.role == RoleManager {
		ids := make([]string, len(h.Profiles))
		for i, id := range h.Profiles {
			ids[i] = v.opaque(id)
		}
		if len(ids) > 0 {
			h.Profiles = ids
		}
		return
	}
	h.Profiles, h.CarerAvailability = nil, nil
}

// Plan is the view of a plan: for a contractor its crews' assignments, no
// unplaced ones, no score, no stays, no interlocutors; for a manager or viewer
// the reasons' texts redacted (those of the interlocutors too), and for a viewer
// the stays without their reason (the limit a profile sets).
func (v *view) Plan(p *model.Plan) *model.Plan {
	if p == nil || v.full() {
		return p
	}
	q := *p
	if v.role == RoleContractor {
		q.Assignments = []model.Assignment{}
		for _, a := range p.Assignments {
			if slices.Contains(v.crews, a.Crew) {
				q.Assignments = append(q.Assignments, a)
			}
		}
		// who moves when and who sees which pilot are households' affairs
		q.Unplaced, q.Score, q.Stays, q.Interlocutors = []model.Unplaced{}, nil, nil, nil
		return &q
	}
	q.Unplaced = v.unplaced(p.Unplaced)
	if v.role == RoleViewer && len(p.Stays) > 0 {
		// why the planner rehoused a household says its profile's limit
		q.Stays = slices.Clone(p.Stays)
		for i := range q.Stays {
			q.Stays[i].Reason = ""
		}
	}
	if len(p.Interlocutors) > 0 {
		q.Interlocutors = make([]model.Interlocutor, len(p.Interlocutors))
		for i, it := range p.Interlocutors {
			it.Visits = slices.Clone(it.Visits)
			for k := range it.Visits {
				it.Visits[k].Reason = v.say(it.Visits[k].Reason)
			}
			q.Interlocutors[i] = it
		}
	}
	return &q
}

func (v *view) unplaced(us []model.Unplaced) []model.Unplaced {
	if us == nil {
		return nil
	}
	out := make([]model.Unplaced, len(us))
	for i, u := range us {
		out[i] = model.Unplaced{Intervention: u.Intervention, Reasons: v.reasons(u.Reasons)}
	}
	return out
}

func (v *view) reasons(rs []model.Reason) []model.Reason {
	if rs == nil {
		return nil
	}
	out := make([]model.Reason, len(rs))
	for i, r := range rs {
		out[i] = model.Reason{Rule: r.Rule, Message: v.say(r.Message)}
	}
	return out
}

// Diff is the view of a diff: for a contractor the changes of its crews (the
// summary counts them), without households, and its crews as recipients.
func (v *view) Diff(d *model.Diff) *model.Diff {
	if d == nil || v.role != RoleContractor {
		return d
	}
	q := model.Diff{Format: d.Format, Operation: d.Operation, Now: d.Now, Changes: []model.Change{}, Recipients: []model.Recipient{}}
	mine := func(s *model.Slot) bool { return s != nil && slices.Contains(v.crews, s.Crew) }
	for _, c := range d.Changes {
		if !mine(c.Old) && !mine(c.New) {
			continue
		}
		c.Household, c.Announced = "", false
		// the other side of a handover is another contractor's crew
		for _, sl := range []**model.Slot{&c.Old, &c.New} {
			if *sl != nil && !mine(*sl) {
				cp := **sl
				cp.Crew = ""
				*sl = &cp
			}
		}
		q.Changes = append(q.Changes, c)
		switch c.Kind {
		case model.ChangeMoved:
			q.Summary.Moved++
			q.Summary.ShiftHours += float64(max(c.ShiftMinutes, -c.ShiftMinutes)) / 60
		case model.ChangeCrewChanged:
			q.Summary.CrewChanged++
		case model.ChangeAdded:
			q.Summary.Added++
		case model.ChangeCancelled:
			q.Summary.Cancelled++
		case model.ChangeUnplaced:
			q.Summary.Unplaced++
		}
	}
	for _, rc := range d.Recipients {
		if rc.Kind == model.RecipientCrew && slices.Contains(v.crews, rc.ID) {
			q.Recipients = append(q.Recipients, rc)
		}
	}
	return &q
}

// Events is the view of an events document: a household record that an event
// carries is redacted as the problem's households are; nil for a contractor.
func (v *view) Events(e *model.Events) *model.Events {
	switch {
	case e == nil || v.full():
		return e
	case v.role == RoleContractor:
		return nil
	}
	q := *e
	q.Events = make([]model.Event, len(e.Events))
	for i, ev := range e.Events {
		if ev.Household != nil {
			h := *ev.Household
			h.Profiles = slices.Clone(h.Profiles)
			v.household(&h)
			ev.Household = &h
		}
		ev.Reason = v.say(ev.Reason)
		q.Events[i] = ev
	}
	return &q
}

// Version is the view of a version, each document redacted; nil for a
// contractor.
func (v *view) Version(ver *Version) *Version {
	if ver == nil || v.full() {
		return ver
	}
	if v.role == RoleContractor {
		return nil
	}
	q := *ver
	q.Problem, q.Plan, q.Diff, q.Events = v.Problem(ver.Problem), v.Plan(ver.Plan), v.Diff(ver.Diff), v.Events(ver.Events)
	if a := ver.Announcement; a != nil {
		ac := *a
		ac.Letters = v.Letters(a.Letters)
		q.Announcement = &ac
	}
	return &q
}

// Explanation is the view of an explanation: its reasons' texts redacted.
func (v *view) Explanation(e *scheduler.Explanation) *scheduler.Explanation {
	if e == nil || v.full() {
		return e
	}
	q := *e
	q.Reasons = v.reasons(e.Reasons)
	return &q
}

// Replan is the view of a replan's answer.
func (v *view) Replan(a replanAnswer) replanAnswer {
	a.Diff = v.Diff(a.Diff)
	if a.Unplaced != nil {
		u := v.unplaced(*a.Unplaced)
		if v.role == RoleContractor {
			u = []model.Unplaced{}
		}
		a.Unplaced = &u
	}
	return a
}

// Calendar tells whether the view may read the calendar of kind and who: a
// household's for admin, pilot and manager; a crew's for all but a contractor
// who is not that crew's; a pilot's for admin, pilot and manager.
func (v *view) Calendar(kind, who string) bool {
	switch v.role {
	case RoleAdmin, RolePilot, RoleManager:
		return true
	case RoleViewer:
		return kind == "crew"
	case RoleContractor:
		return kind == "crew" && slices.Contains(v.crews, who)
	}
	return false
}

// seesHouseholds tells whether the view's answers name households (an audited
// read).
func (v *view) seesHouseholds() bool { return v.role != RoleContractor }

var opaqueID = regexp.MustCompile(`^P-[0-9a-f]{12}$`)

// restoreProfiles turns the opaque profile ids that a manager's view showed back
// into the operation's profile ids, in a problem or events it sends (a problem it
// read, edited and sends back): the stored documents keep the real ids. An
// opaque id that none of the operation's latest profiles has is a 400 naming the
// field. A full view's documents are taken as they are.
func (s *Server) restoreProfiles(r *http.Request, op string, p *model.Problem, evs *model.Events) error {
	v := s.viewFor(r, op, nil)
	if v.full() {
		return nil
	}
	type ref struct {
		field string
		id    *string
	}
	var refs []ref
	add := func(field string, id *string) {
		if opaqueID.MatchString(*id) {
			refs = append(refs, ref{field, id})
		}
	}
	if p != nil {
		for i := range p.Profiles {
			add(fmt.Sprintf("profiles[%d].id", i), &p.Profiles[i].ID)
		}
		for i := range p.Households {
			for j := range p.Households[i].Profiles {
				add(fmt.Sprintf("households[%d].profiles[%d]", i, j), &p.Households[i].Profiles[j])
			}
		}
	}
	if evs != nil {
		for i := range evs.Events {
			if h := evs.Events[i].Household; h != nil {
				for j := range h.Profiles {
					add(fmt.Sprintf("events[%d].household.profiles[%d]", i, j), &h.Profiles[j])
				}
			}
		}
	}
	if len(refs) == 0 {
		return nil
	}
	cur, err := s.cfg.Store.Latest(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	real := map[string]string{}
	for _, id := range profileIDs(cur.Problem) {
		real[v.opaque(id)] = id
	}
	for _, rf := range refs {
		id, ok := real[*rf.id]
		if !ok {
			return fieldError("invalid profile", &model.FieldError{Field: rf.field, Msg: fmt.Sprintf("%s is no opaque id of this operation's profiles", *rf.id)})
		}
		*rf.id = id
	}
	return nil
}

// Workbook is what the plan's workbook is made of as the view sees it: the
// problem, plan and diff redacted as their JSON answers are. A contractor, who
// sees no problem, gets one made for the workbook alone: the operation's id,
// name, zone and horizon, the buildings, the dwellings without their households,
// the trades, its own crews and the interventions they hold; the export then
// leaves every household out.
func (v *view) Workbook(p *model.Problem, plan *model.Plan, d *model.Diff) (*model.Problem, *model.Plan, *model.Diff, sheets.ExportOptions) {
	if v.role != RoleContractor {
		return v.Problem(p), v.Plan(plan), v.Diff(d), sheets.ExportOptions{}
	}
	q := v.Plan(plan)
	o := p.Operation
	cp := &model.Problem{Format: p.Format, Operation: model.Operation{ID: o.ID, Name: o.Name, TimeZone: o.TimeZone, Start: o.Start, End: o.End},
		Buildings: p.Buildings, Trades: p.Trades}
	for _, dw := range p.Dwellings {
		dw.Household = ""
		cp.Dwellings = append(cp.Dwellings, dw)
	}
	for _, c := range p.Crews {
		if slices.Contains(v.crews, c.ID) {
			cp.Crews = append(cp.Crews, c)
		}
	}
	held := map[string]bool{}
	for _, a := range q.Assignments {
		held[a.Intervention] = true
	}
	for _, iv := range p.Interventions {
		if held[iv.ID] {
			cp.Interventions = append(cp.Interventions, iv)
		}
	}
	return cp, q, v.Diff(d), sheets.ExportOptions{NoHouseholds: true}
}
