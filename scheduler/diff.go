package scheduler

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
)

// DiffPlans lists what changed from oldPlan (a plan of oldP) to newPlan (a plan of
// newP), and who must be told. An appointment counts as announced when oldP says so,
// or, when newP gives operation.now, when it fell inside the notice period then.
func DiffPlans(oldP, newP *model.Problem, oldPlan, newPlan *model.Plan) *model.Diff {
	if q, err := model.WithPlannedStays(oldP, oldPlan); err == nil {
		oldP = q
	}
	if q, err := model.WithPlannedStays(newP, newPlan); err == nil {
		newP = q
	}
	var now *time.Time
	if tv := newP.Typed(); tv.LocErr == nil {
		if t := tv.Now; t.OK() {
			now = &t.V
		}
	}
	return diffPlans(oldP, newP, oldPlan, newPlan, now, nil, nil)
}

type placed struct {
	a            model.Assignment
	start, end   time.Time
	startOK, eOK bool
}

func readPlan(pl *model.Plan, loc *time.Location) map[string]placed {
	out := map[string]placed{}
	if pl == nil {
		return out
	}
	for _, a := range pl.Assignments {
		if _, dup := out[a.Intervention]; dup {
			continue
		}
		s, err1 := model.ParseMoment(a.Start, loc)
		e, err2 := model.ParseMoment(a.End, loc)
		out[a.Intervention] = placed{a: a, start: s, end: e, startOK: err1 == nil, eOK: err2 == nil}
	}
	return out
}

// diffOld is what a diff reads of the old problem and plan, in the time zone zone:
// it can be read ahead (while a replan searches).
type diffOld struct {
	oldP    *model.Problem
	oldPlan *model.Plan
	zone    string
	loc     *time.Location
	olds    map[string]placed
	oldIv   map[string]*model.Intervention
	oldX    *model.Index
	oldEnd  time.Time
}

func readOld(oldP *model.Problem, oldPlan *model.Plan, zoneOf *model.Problem) *diffOld {
	zone, loc := zoneOf.Operation.TimeZone, zoneOf.Typed().Loc
	o := &diffOld{oldP: oldP, oldPlan: oldPlan, zone: zone, loc: loc, olds: readPlan(oldPlan, loc),
		oldIv: make(map[string]*model.Intervention, len(oldP.Interventions)), oldX: model.NewIndex(oldP)}
	for i := range oldP.Interventions {
		o.oldIv[oldP.Interventions[i].ID] = &oldP.Interventions[i]
	}
	for _, p := range o.olds {
		if p.eOK && p.end.After(o.oldEnd) {
			o.oldEnd = p.end
		}
	}
	return o
}

func diffPlans(oldP, newP *model.Problem, oldPlan, newPlan *model.Plan, now *time.Time, cause, cancelled map[string]string) *model.Diff {
	return diffPlansFrom(nil, oldP, newP, oldPlan, newPlan, now, cause, cancelled)
}

// diffPlansFrom is diffPlans with the old side read ahead (nil, or read of other
// documents or another time zone: read here).
//
// One long function: the changes (moved, newly placed, unplaced, cancelled) and
// the notices they owe to households, crews and pilots are made in one walk over
// the interventions, sharing the old and new slots read once; split, each part
// would need the same dozen maps passed along.
func diffPlansFrom(pre *diffOld, oldP, newP *model.Problem, oldPlan, newPlan *model.Plan, now *time.Time, cause, cancelled map[string]string) *model.Diff {
	if pre == nil || pre.oldP != oldP || pre.oldPlan != oldPlan || pre.zone != newP.Operation.TimeZone {
		pre = readOld(oldP, oldPlan, newP)
	}
	loc := pre.loc
	d := &model.Diff{Format: model.DiffFormat, Operation: newP.Operation.ID, Changes: []model.Change{}, Recipients: []model.Recipient{}}
	if now != nil {
		d.Now = now.In(loc).Format(time.RFC3339)
	}
	// the end of each trade's notice period from now (told late before it), and of
	// the next one (notices reach crews and pilots before it); "" is the operation's
	var floors, horizons map[string]time.Time
	if now != nil {
		floors, horizons = noticeEnds(oldP, newP, *now, loc)
	}
	floorOf := func(trade string) time.Time {
		if f, ok := floors[trade]; ok {
			return f
		}
		return floors[""]
	}
	olds, news := pre.olds, readPlan(newPlan, loc)
	oldIv, newIv := pre.oldIv, make(map[string]*model.Intervention, len(newP.Interventions))
	for i := range newP.Interventions {
		newIv[newP.Interventions[i].ID] = &newP.Interventions[i]
	}
	oldX, newX := pre.oldX, model.NewIndex(newP)
	slotOf := func(p placed) *model.Slot {
		return &model.Slot{Start: p.a.Start, End: p.a.End, Crew: p.a.Crew, Pilot: p.a.Pilot}
	}
	ids := make([]string, 0, len(oldIv)+len(newIv))
	for id := range oldIv {
		ids = append(ids, id)
	}
	for id := range newIv {
		if oldIv[id] == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	oldEnd, newEnd := pre.oldEnd, time.Time{}
	for _, p := range news {
		if p.eOK && p.end.After(newEnd) {
			newEnd = p.end
		}
	}
	for _, id := range ids {
		o, hadOld := olds[id]
		n, hasNew := news[id]
		iv := newIv[id]
		x := newX
		if iv == nil {
			iv, x = oldIv[id], oldX
		}
		c := model.Change{Intervention: id, Dwelling: iv.Dwelling, Trade: iv.Trade, Cause: cause[id]}
		if dw := x.Dwellings[iv.Dwelling]; dw != nil && dw.Occupied() {
			c.Household = dw.Household
		} else if dw := oldX.Dwellings[iv.Dwelling]; dw != nil && dw.Occupied() {
			c.Household = dw.Household
		}
		if hadOld {
			c.Old = slotOf(o)
			if ov := oldIv[id]; ov != nil && ov.Announced() {
				c.Announced = true
			}
			if now != nil && o.startOK && o.start.Before(floorOf(iv.Trade)) && o.start.After(*now) {
				c.Announced = true
			}
		}
		if hasNew {
			c.New = slotOf(n)
		}
		switch {
		case newIv[id] == nil:
			if !hadOld {
				continue
			}
			c.Kind = model.ChangeCancelled
			if cancelled != nil && cancelled[id] != "" {
				c.Cause = cancelled[id]
			}
		case hadOld && !hasNew:
			c.Kind = model.ChangeUnplaced
		case !hadOld && hasNew:
			c.Kind = model.ChangeAdded
		case !hadOld && !hasNew:
			continue
		case !o.start.Equal(n.start) || !o.end.Equal(n.end) || o.a.Start != n.a.Start && (!o.startOK || !n.startOK):
			c.Kind = model.ChangeMoved
			if o.startOK && n.startOK {
				c.ShiftMinutes = int(n.start.Sub(o.start) / time.Minute)
			}
		case o.a.Crew != n.a.Crew || o.a.Pilot != n.a.Pilot:
			c.Kind = model.ChangeCrewChanged
		default:
			continue
		}
		d.Changes = append(d.Changes, c)
	}
	// sorted by time (read once per change), then intervention id
	at := make([]time.Time, len(d.Changes))
	order := make([]int, len(d.Changes))
	for i := range d.Changes {
		at[i], order[i] = changeTime(d.Changes[i], loc), i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if c := at[i].Compare(at[j]); c != 0 {
			return c
		}
		return strings.Compare(d.Changes[i].Intervention, d.Changes[j].Intervention)
	})
	sorted := make([]model.Change, len(d.Changes))
	for k, i := range order {
		sorted[k] = d.Changes[i]
	}
	d.Changes = sorted
	s := &d.Summary
	for _, c := range d.Changes {
		switch c.Kind {
		case model.ChangeMoved:
			s.Moved++
			s.ShiftHours += math.Abs(float64(c.ShiftMinutes)) / 60
		case model.ChangeCrewChanged:
			s.CrewChanged++
		case model.ChangeAdded:
			s.Added++
		case model.ChangeCancelled:
			s.Cancelled++
		case model.ChangeUnplaced:
			s.Unplaced++
		}
		if c.Announced && c.Kind != model.ChangeCrewChanged {
			s.AnnouncedMoved++
		}
	}
	s.ShiftHours = math.Round(s.ShiftHours*100) / 100
	if !oldEnd.IsZero() {
		s.OldEnd = oldEnd.In(loc).Format(time.RFC3339)
	}
	if !newEnd.IsZero() {
		s.NewEnd = newEnd.In(loc).Format(time.RFC3339)
	}
	d.Recipients = recipients(d, oldP, newP, loc, horizons)
	return d
}

// noticeEnds are, by trade (and "" for the operation), the end of the notice
// period from now (oldP's notice periods: those the households were owed) and the
// end of the next one after it (newP's).
func noticeEnds(oldP, newP *model.Problem, now time.Time, loc *time.Location) (floors, horizons map[string]time.Time) {
	floors = map[string]time.Time{"": oldP.NoticeFloor(now, loc)}
	horizons = map[string]time.Time{}
	for i := range oldP.Trades {
		t := &oldP.Trades[i]
		if _, dup := floors[t.ID]; !dup {
			floors[t.ID] = oldP.TradeNoticeFloor(t, now, loc)
		}
	}
	for trade, f := range floors {
		horizons[trade] = model.NoticeFloorAfter(f, loc, newP.NoticeDays())
	}
	for i := range newP.Trades {
		t := &newP.Trades[i]
		if f, ok := floors[t.ID]; ok {
			horizons[t.ID] = model.NoticeFloorAfter(f, loc, newP.TradeNoticeDays(t))
		}
	}
	return floors, horizons
}

func changeTime(c model.Change, loc *time.Location) time.Time {
	s := c.Old
	if s == nil {
		s = c.New
	}
	t, _ := model.ParseMoment(s.Start, loc)
	return t
}

// recipients groups the changes per person to tell: each household of an
// appointment it had been told of (moved, cancelled or no longer placed); each crew
// and pilot of an appointment in its agenda, before or after, when it had been
// announced or now falls before the horizon of its trade (the end of the next
// notice period, when known: later changes reach people with the usual
// announcements; nil horizons: not known).
func recipients(d *model.Diff, oldP, newP *model.Problem, loc *time.Location, horizons map[string]time.Time) []model.Recipient {
	type key struct{ kind, id string }
	by := map[key][]model.Change{}
	var order []key
	put := func(k key, c model.Change) {
		if k.id == "" {
			return
		}
		if _, ok := by[k]; !ok {
			order = append(order, k)
		}
		cs := by[k]
		if len(cs) > 0 && cs[len(cs)-1].Intervention == c.Intervention {
			return
		}
		by[k] = append(cs, c)
	}
	for _, c := range d.Changes {
		horizon, ok := horizons[c.Trade]
		if !ok {
			horizon = horizons[""]
		}
		soon := func(s *model.Slot) bool {
			if s == nil {
				return false
			}
			t, err := model.ParseMoment(s.Start, loc)
			return err == nil && t.Before(horizon)
		}
		if horizons != nil && !c.Announced && !soon(c.New) && !soon(c.Old) {
			continue
		}
		if c.Household != "" && c.Announced && c.Kind != model.ChangeCrewChanged {
			put(key{model.RecipientHousehold, c.Household}, c)
		}
		for _, s := range []*model.Slot{c.Old, c.New} {
			if s != nil {
				put(key{model.RecipientCrew, s.Crew}, c)
			}
		}
		for _, s := range []*model.Slot{c.Old, c.New} {
			if s != nil {
				put(key{model.RecipientPilot, s.Pilot}, c)
			}
		}
	}
	rank := map[string]int{model.RecipientHousehold: 0, model.RecipientCrew: 1, model.RecipientPilot: 2}
	sort.SliceStable(order, func(i, j int) bool {
		if rank[order[i].kind] != rank[order[j].kind] {
			return rank[order[i].kind] < rank[order[j].kind]
		}
		return order[i].id < order[j].id
	})
	names := tradeNames(oldP, newP)
	out := make([]model.Recipient, 0, len(order))
	for _, k := range order {
		r := model.Recipient{Kind: k.kind, ID: k.id}
		for _, c := range by[k] {
			r.Interventions = append(r.Interventions, c.Intervention)
		}
		r.Notice = notice(k.kind, k.id, by[k], names, newP, loc)
		out = append(out, r)
	}
	return out
}

func tradeNames(ps ...*model.Problem) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		for _, t := range p.Trades {
			if t.Name != "" {
				m[t.ID] = t.Name
			} else if m[t.ID] == "" {
				m[t.ID] = t.ID
			}
		}
	}
	return m
}

// frSpan writes a slot in French: "le mardi 2 mars 2027 de 08:00 à 17:00" (or "du
// ... au ..." over several days).
func frSpan(s *model.Slot, loc *time.Location) string {
	a, err1 := model.ParseMoment(s.Start, loc)
	b, err2 := model.ParseMoment(s.End, loc)
	if err1 != nil || err2 != nil {
		return s.Start + " – " + s.End
	}
	a, b = a.In(loc), b.In(loc)
	day := calendar.FrenchDate
	if a.YearDay() == b.YearDay() && a.Year() == b.Year() {
		return fmt.Sprintf("le %s de %s à %s", day(a), a.Format("15:04"), b.Format("15:04"))
	}
	return fmt.Sprintf("du %s %s au %s %s", day(a), a.Format("15:04"), day(b), b.Format("15:04"))
}

// notice is the text sent to one recipient, in French (the users' language).
func notice(kind, id string, cs []model.Change, names map[string]string, p *model.Problem, loc *time.Location) string {
	var b strings.Builder
	line := func(c model.Change, withDwelling bool) {
		what := names[c.Trade]
		if what == "" {
			what = c.Trade
		}
		if withDwelling {
			what += ", logement " + c.Dwelling
		}
		switch c.Kind {
		case model.ChangeMoved:
			fmt.Fprintf(&b, "- %s : prévu %s, déplacé %s.\n", what, frSpan(c.Old, loc), frSpan(c.New, loc))
		case model.ChangeCancelled:
			fmt.Fprintf(&b, "- %s : prévu %s, annulé.\n", what, frSpan(c.Old, loc))
		case model.ChangeUnplaced:
			fmt.Fprintf(&b, "- %s : prévu %s, reporté à une date qui vous sera communiquée.\n", what, frSpan(c.Old, loc))
		case model.ChangeAdded:
			fmt.Fprintf(&b, "- %s : nouveau rendez-vous %s.\n", what, frSpan(c.New, loc))
		case model.ChangeCrewChanged:
			fmt.Fprintf(&b, "- %s : %s, équipe %s au lieu de %s.\n", what, frSpan(c.New, loc), orDash(c.New.Crew), orDash(c.Old.Crew))
		}
	}
	switch kind {
	case model.RecipientHousehold:
		fmt.Fprintf(&b, "Ménage %s, logement %s\n", id, cs[0].Dwelling)
		b.WriteString("Madame, Monsieur,\nles rendez-vous suivants pour les travaux de votre logement changent :\n")
		for _, c := range cs {
			line(c, false)
		}
		b.WriteString("Votre pilote social reste à votre disposition pour toute question")
		if c := pilotContact(p, cs); c != "" {
			b.WriteString(" : " + c)
		}
		b.WriteString(".\n")
	case model.RecipientCrew:
		fmt.Fprintf(&b, "Équipe %s : changements de planning\n", id)
		for _, c := range cs {
			line(c, true)
		}
	default:
		fmt.Fprintf(&b, "Pilote %s : rendez-vous à votre agenda qui changent\n", id)
		for _, c := range cs {
			line(c, true)
		}
	}
	return b.String()
}

// daysHours writes a duration in hours as people read it: "3 h", "2 d", "26 d 20 h"
// (rounded to the hour; the sign dropped, a shift being a distance).
func daysHours(hours float64) string {
	h := int(math.Round(math.Abs(hours)))
	d, h := h/24, h%24
	switch {
	case d == 0:
		return strconv.Itoa(h) + " h"
	case h == 0:
		return strconv.Itoa(d) + " d"
	}
	return strconv.Itoa(d) + " d " + strconv.Itoa(h) + " h"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// WriteDiff writes a diff for people: the counts, then each recipient's notice.
func WriteDiff(w io.Writer, d *model.Diff) error {
	var b strings.Builder
	s := d.Summary
	fmt.Fprintf(&b, "changes: %d moved (%d announced to households), %d crew changes, %d added, %d cancelled, %d no longer placed\n",
		s.Moved, s.AnnouncedMoved, s.CrewChanged, s.Added, s.Cancelled, s.Unplaced)
	if s.Moved > 0 {
		fmt.Fprintf(&b, "shift: %s per moved appointment on average, %s in all\n", daysHours(s.ShiftHours/float64(s.Moved)), daysHours(s.ShiftHours))
	}
	if s.OldEnd != "" || s.NewEnd != "" {
		fmt.Fprintf(&b, "end of works: %s -> %s\n", orDash(s.OldEnd), orDash(s.NewEnd))
	}
	counts := map[string]int{}
	for _, r := range d.Recipients {
		counts[r.Kind]++
	}
	fmt.Fprintf(&b, "to tell now: %d households, %d crews, %d pilots\n", counts[model.RecipientHousehold], counts[model.RecipientCrew], counts[model.RecipientPilot])
	for _, r := range d.Recipients {
		b.WriteString("\n")
		b.WriteString(r.Notice)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// pilotContact is how the household reaches its pilot: the operation's contact
// (operation.contact, as on the letters) when the problem gives one, else the
// contact of the pilot of these changes, else of the first pilot that gives one.
func pilotContact(p *model.Problem, cs []model.Change) string {
	if c := p.Operation.Contact; c != nil {
		if s := contactInWords(c); s != "" {
			return s
		}
	}
	byID := map[string]string{}
	first := ""
	for _, pl := range p.Pilots {
		byID[pl.ID] = pl.Contact
		if first == "" {
			first = pl.Contact
		}
	}
	for _, c := range cs {
		for _, s := range []*model.Slot{c.New, c.Old} {
			if s != nil && byID[s.Pilot] != "" {
				return byID[s.Pilot]
			}
		}
	}
	return first
}

// contactInWords is the operation's contact on one line, in French: who answers,
// the phone, the e-mail and the permanence with its place ("Mme Morel, pilote
// sociale, tél. 01 84 60 00 01, courriel ..., permanence ... (local de chantier)").
func contactInWords(c *model.Contact) string {
	var parts []string
	for _, f := range []struct{ label, v string }{{"", c.Name}, {"tél. ", c.Phone}, {"courriel ", c.Email}} {
		if v := strings.TrimSpace(f.v); v != "" {
			parts = append(parts, f.label+v)
		}
	}
	hours, addr := strings.TrimSpace(c.Hours), strings.TrimSpace(c.Address)
	switch {
	case hours != "" && addr != "":
		parts = append(parts, "permanence "+hours+" ("+addr+")")
	case hours != "":
		parts = append(parts, "permanence "+hours)
	case addr != "":
		parts = append(parts, addr)
	}
	return strings.Join(parts, ", ")
}
