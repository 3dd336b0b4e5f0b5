package scheduler

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// DefaultLetterLead is how long before the notice period starts a letter is sent
// (the post, and the time the household takes to read it): Announce's default
// date is now plus the notice period plus this lead.
const DefaultLetterLead = 7 * 24 * time.Hour

// AnnounceOptions choose the appointments Announce marks as announced.
type AnnounceOptions struct {
	// Until: the appointments that start before it. Zero: now plus the notice
	// period plus Lead (each appointment's trade's notice period, default the
	// operation's), or, when some buildings, stairwells or households are
	// chosen, every appointment of theirs to come. It must lie inside the
	// operation's horizon (a *model.ValidationError on "until" otherwise).
	Until time.Time
	// Buildings, Stairwells and Households, when any is given, keep only the
	// appointments in their dwellings (the union of the three). An unknown id is a
	// *model.ValidationError naming the field and the id.
	Buildings, Stairwells, Households []string
	// Now is when the letters go out (default: the problem's operation.now, else
	// the wall clock). Appointments that started before it are not announced.
	Now time.Time
	// Lead is the letter's lead time in the default Until (default
	// DefaultLetterLead).
	Lead time.Duration
}

// AnnounceResult is the problem with the new announcements and the letters.
type AnnounceResult struct {
	// Problem is a copy of the problem given, with each announced intervention's
	// status "announced" and the plan's crew, pilot, start and end: the input of the
	// next replan.
	Problem *model.Problem
	// Announced lists the interventions announced now, by start then id.
	Announced []string
	// Late lists those of Announced, in occupied dwellings, that start before the
	// end of their trade's notice period counted from Now: their households are
	// told late.
	Late []string
	// Until is the date used (the default when none was given: with the
	// operation's notice period; a trade with its own notice_days has its own).
	Until time.Time
	// Letters: one per household with appointments announced now, by household id.
	Letters []Letter
}

// Announce marks as announced the planned appointments of plan that start after
// opt.Now and before opt.Until (or those of the chosen buildings, stairwells and
// households), and writes a letter to each household concerned. Appointments
// already announced, confirmed, done or missed keep their status. The plan must be
// one of p (its interventions are p's); the problem returned is validated.
func Announce(p *model.Problem, plan *model.Plan, opt AnnounceOptions) (*AnnounceResult, error) {
	p, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("operation.time_zone: %w", err)
	}
	now := opt.Now
	if now.IsZero() {
		if t, ok := p.NowTime(loc); ok {
			now = t
		} else {
			now = time.Now()
		}
	}
	if plan == nil {
		return nil, &model.ValidationError{Document: "request", Errors: []*model.FieldError{{Field: "plan", Msg: "missing: announce needs the plan whose appointments it announces"}}}
	}
	slots, err := planSlots(p, plan, loc)
	if err != nil {
		return nil, err
	}
	in, err := announceScope(p, opt)
	if err != nil {
		return nil, err
	}
	until := opt.Until
	lead := opt.Lead
	if lead <= 0 {
		lead = DefaultLetterLead
	}
	byTrade := until.IsZero() && in == nil // the default: each trade's notice period
	if byTrade {
		until = p.NoticeFloor(now, loc).Add(lead)
	}
	if !until.IsZero() {
		if err := checkUntil(p, until, loc); err != nil {
			return nil, err
		}
	}
	q := p.Clone()
	x := model.NewIndex(q)
	floors := map[string]time.Time{} // by trade
	floorOf := func(trade string) time.Time {
		f, ok := floors[trade]
		if !ok {
			f = q.TradeNoticeFloor(x.Trades[trade], now, loc)
			floors[trade] = f
		}
		return f
	}
	res := &AnnounceResult{Problem: q, Until: until}
	var picked []int
	for i := range q.Interventions {
		iv := &q.Interventions[i]
		sl, ok := slots[iv.ID]
		if !ok || iv.StatusOf() != model.StatusPlanned || iv.Pinned || sl.start.Before(now) {
			continue
		}
		switch {
		case byTrade:
			if !sl.start.Before(floorOf(iv.Trade).Add(lead)) {
				continue
			}
		case !until.IsZero() && !sl.start.Before(until):
			continue
		}
		if in != nil && !in[iv.Dwelling] {
			continue
		}
		iv.Status = model.StatusAnnounced
		iv.Crew, iv.Pilot, iv.Start, iv.End = sl.crew, sl.pilot, sl.startS, sl.endS
		picked = append(picked, i)
	}
	sort.SliceStable(picked, func(a, b int) bool {
		sa, sb := slots[q.Interventions[picked[a]].ID].start, slots[q.Interventions[picked[b]].ID].start
		if !sa.Equal(sb) {
			return sa.Before(sb)
		}
		return q.Interventions[picked[a]].ID < q.Interventions[picked[b]].ID
	})
	for _, i := range picked {
		iv := &q.Interventions[i]
		res.Announced = append(res.Announced, iv.ID)
		if d := x.Dwellings[iv.Dwelling]; d != nil && d.Occupied() && slots[iv.ID].start.Before(floorOf(iv.Trade)) {
			res.Late = append(res.Late, iv.ID)
		}
	}
	if err := model.Validate(q); err != nil {
		return nil, fmt.Errorf("scheduler: the plan does not fit the problem: %w", err)
	}
	res.Letters = letters(q, plan, res.Announced, now, loc)
	return res, nil
}

// announceScope is the set of dwellings of the chosen buildings, stairwells and
// households (nil when none is chosen); unknown ids are errors.
func announceScope(p *model.Problem, opt AnnounceOptions) (map[string]bool, error) {
	if len(opt.Buildings)+len(opt.Stairwells)+len(opt.Households) == 0 {
		return nil, nil
	}
	buildings, stairwells, households := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, b := range p.Buildings {
		buildings[b.ID] = true
		for _, s := range b.Stairwells {
			stairwells[s.ID] = true
		}
	}
	for _, d := range p.Dwellings {
		if d.Occupied() {
			households[d.Household] = true
		}
	}
	ee := &model.ValidationError{Document: "request"}
	for _, c := range []struct {
		field, what string
		ids         []string
		known       map[string]bool
	}{{"buildings", "building", opt.Buildings, buildings}, {"stairwells", "stairwell", opt.Stairwells, stairwells}, {"households", "household", opt.Households, households}} {
		for i, id := range c.ids {
			if !c.known[id] {
				msg := fmt.Sprintf("unknown %s %q", c.what, id)
				if c.what == "household" && slices.ContainsFunc(p.Households, func(h model.Household) bool { return h.ID == id }) {
					msg = fmt.Sprintf("household %q lives in no dwelling of the operation", id)
				}
				ee.Errors = append(ee.Errors, &model.FieldError{Field: fmt.Sprintf("%s[%d]", c.field, i), Entity: c.what, ID: id, Msg: msg})
			}
		}
	}
	if len(ee.Errors) > 0 {
		return nil, ee
	}
	in := map[string]bool{}
	for _, d := range p.Dwellings {
		if slices.Contains(opt.Buildings, d.Building) || slices.Contains(opt.Stairwells, d.Stairwell) || d.Occupied() && slices.Contains(opt.Households, d.Household) {
			in[d.ID] = true
		}
	}
	return in, nil
}

// checkUntil refuses a date outside the operation's horizon [start, end + 1 day].
func checkUntil(p *model.Problem, until time.Time, loc *time.Location) error {
	start, err1 := model.ParseDate(p.Operation.Start, loc)
	end, err2 := model.ParseEndMoment(p.Operation.End, loc)
	if err1 != nil || err2 != nil {
		return nil // the problem's validation says what is wrong
	}
	if until.Before(start) || until.After(end) {
		return &model.ValidationError{Document: "request", Errors: []*model.FieldError{{Field: "until",
			Msg: fmt.Sprintf("%s is outside the operation's horizon (%s to %s)", until.In(loc).Format("2006-01-02T15:04"), p.Operation.Start, p.Operation.End)}}}
	}
	return nil
}

// toldStatus is the status of an appointment the household was told of and that
// keeps its time: confirmed stays confirmed, anything else is announced.
func toldStatus(iv *model.Intervention) string {
	if iv.StatusOf() == model.StatusConfirmed {
		return model.StatusConfirmed
	}
	return model.StatusAnnounced
}
