// Package calendar compiles the domain's calendars (RFC 5545 recurrences, periods,
// holidays, hours of the day) into the solver's integer windows: minutes from the
// operation's epoch, the local midnight that starts its first day.
//
// Minutes are absolute (elapsed since the epoch instant), so daylight-saving
// changes are exact: a local 08:00-12:00 window lasts 240 minutes on either side of
// a switch, and a local day lasts 1380 or 1500 minutes on switch days.
package calendar

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// MaxWindows bounds the occurrences one list of recurrences may produce.
const MaxWindows = 50_000

// Clock maps the operation's local time to solver minutes and back.
type Clock struct {
	Loc     *time.Location
	Epoch   time.Time // local midnight of the operation's start date
	Horizon time.Time // local midnight after the operation's end date (exclusive)

	mu    sync.Mutex
	cache map[string]*solver.Calendar
	days  []int
}

// NewClock reads the operation's time zone, start and end.
func NewClock(p *model.Problem) (*Clock, error) {
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return nil, err
	}
	start, err := model.ParseDate(p.Operation.Start, loc)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	end, err := model.ParseDate(p.Operation.End, loc)
	if err != nil {
		return nil, fmt.Errorf("end: %w", err)
	}
	end = end.AddDate(0, 0, 1)
	if !end.After(start) {
		return nil, fmt.Errorf("end %s is before start %s", p.Operation.End, p.Operation.Start)
	}
	return &Clock{Loc: loc, Epoch: start, Horizon: end, cache: map[string]*solver.Calendar{}}, nil
}

// Minute is t in minutes since the epoch (rounded down).
func (c *Clock) Minute(t time.Time) int {
	d := t.Sub(c.Epoch)
	m := int(d / time.Minute)
	if d < 0 && d%time.Minute != 0 {
		m--
	}
	return m
}

// Time is the local time of minute m.
func (c *Clock) Time(m int) time.Time {
	return c.Epoch.Add(time.Duration(m) * time.Minute).In(c.Loc)
}

// HorizonMinutes is the horizon's end in minutes.
func (c *Clock) HorizonMinutes() int { return c.Minute(c.Horizon) }

// Recurrences expands recurring windows over [Epoch, Horizon).
func (c *Clock) Recurrences(rs []model.Recurrence) ([]solver.Window, error) {
	var out []solver.Window
	for _, r := range rs {
		ws, err := c.recurrence(r, MaxWindows-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, ws...)
	}
	return out, nil
}

func (c *Clock) recurrence(r model.Recurrence, budget int) (ws []solver.Window, err error) {
	if strings.Contains(strings.ToUpper(r.RRule), "DTSTART") {
		return nil, fmt.Errorf("rrule %q: give the first date in \"from\" and the time in \"start\", not DTSTART", r.RRule)
	}
	clock, err := model.ParseClock(r.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	dur, err := model.ParseDuration(r.Duration, 0)
	if err != nil {
		return nil, fmt.Errorf("duration: %w", err)
	}
	if dur <= 0 {
		return nil, fmt.Errorf("duration %q is not positive", r.Duration)
	}
	from := c.Epoch
	if r.From != "" {
		if from, err = model.ParseDate(r.From, c.Loc); err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			ws, err = nil, fmt.Errorf("rrule %q: %v", r.RRule, p)
		}
	}()
	opt, err := rrule.StrToROptionInLocation(r.RRule, c.Loc)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %v", r.RRule, err)
	}
	if opt.Freq == rrule.SECONDLY || opt.Freq == rrule.MINUTELY {
		return nil, fmt.Errorf("rrule %q: a frequency finer than HOURLY is not a calendar of works", r.RRule)
	}
	y, mo, d := from.Date()
	opt.Dtstart = time.Date(y, mo, d, clock/60, clock%60, 0, 0, c.Loc)
	if opt.Count == 0 && (opt.Until.IsZero() || opt.Until.After(c.Horizon)) {
		// bounds the expansion, also of rules with no occurrence at all
		opt.Until = c.Horizon
	}
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %v", r.RRule, err)
	}
	ex := map[string]bool{}
	for _, e := range r.ExDates {
		if _, err := model.ParseDate(e, c.Loc); err != nil {
			return nil, fmt.Errorf("exdates: %w", err)
		}
		ex[e] = true
	}
	// occurrences that end after the epoch and start before the horizon
	lo := c.Epoch.Add(-time.Duration(dur) * time.Minute)
	it := rule.Iterator()
	for {
		o, ok := it()
		if !ok || !o.Before(c.Horizon) {
			break
		}
		if o.Before(lo) {
			continue
		}
		if ex[o.Format("2006-01-02")] {
			continue
		}
		if len(ws) >= budget {
			return nil, fmt.Errorf("rrule %q: more than %d occurrences over the horizon", r.RRule, MaxWindows)
		}
		s := c.Minute(o)
		ws = append(ws, solver.Window{Start: s, End: s + dur})
	}
	return ws, nil
}

// Calendar is Recurrences made into a calendar, cached by content: households that
// share a pattern share one calendar.
func (c *Clock) Calendar(rs []model.Recurrence) (*solver.Calendar, error) {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s;", r.RRule, r.Start, r.Duration, r.From, strings.Join(r.ExDates, ","))
	}
	key := b.String()
	c.mu.Lock()
	cal, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return cal, nil
	}
	ws, err := c.Recurrences(rs)
	if err != nil {
		return nil, err
	}
	cal = solver.NewCalendar(ws)
	c.mu.Lock()
	c.cache[key] = cal
	c.mu.Unlock()
	return cal, nil
}

// Periods converts periods ([From, To], a date in To meaning the end of that day).
func (c *Clock) Periods(ps []model.Period) ([]solver.Window, error) {
	out := make([]solver.Window, 0, len(ps))
	for _, p := range ps {
		a, err := model.ParseMoment(p.From, c.Loc)
		if err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
		b, err := model.ParseEndMoment(p.To, c.Loc)
		if err != nil {
			return nil, fmt.Errorf("to: %w", err)
		}
		if !b.After(a) {
			return nil, fmt.Errorf("period %s to %s ends before it starts", p.From, p.To)
		}
		out = append(out, solver.Window{Start: c.Minute(a), End: c.Minute(b)})
	}
	return out, nil
}

// Dates converts whole local days.
func (c *Clock) Dates(dates []string) ([]solver.Window, error) {
	out := make([]solver.Window, 0, len(dates))
	for _, d := range dates {
		t, err := model.ParseDate(d, c.Loc)
		if err != nil {
			return nil, err
		}
		out = append(out, solver.Window{Start: c.Minute(t), End: c.Minute(t.AddDate(0, 0, 1))})
	}
	return out, nil
}

// DayStarts lists the minute of every local midnight from the epoch to the horizon,
// both included.
func (c *Clock) DayStarts() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.days == nil {
		for t := c.Epoch; !t.After(c.Horizon); t = t.AddDate(0, 0, 1) {
			c.days = append(c.days, c.Minute(t))
		}
	}
	return c.days
}

// WeekStarts lists the minute of each ISO week's start (Monday 00:00 local) that
// covers the horizon; the first is at or before the epoch.
func (c *Clock) WeekStarts() []int {
	wd := (int(c.Epoch.Weekday()) + 6) % 7 // Monday = 0
	t := c.Epoch.AddDate(0, 0, -wd)
	var out []int
	for ; t.Before(c.Horizon); t = t.AddDate(0, 0, 7) {
		out = append(out, c.Minute(t))
	}
	return append(out, c.Minute(t))
}

// DailyHours gives, for every local day of the horizon, the window [from, to)
// minutes after local midnight (wall-clock times, so DST-correct).
func (c *Clock) DailyHours(from, to int) []solver.Window {
	var out []solver.Window
	for t := c.Epoch; t.Before(c.Horizon); t = t.AddDate(0, 0, 1) {
		y, m, d := t.Date()
		a := time.Date(y, m, d, from/60, from%60, 0, 0, c.Loc)
		b := time.Date(y, m, d, to/60, to%60, 0, 0, c.Loc)
		if b.After(a) {
			out = append(out, solver.Window{Start: c.Minute(a), End: c.Minute(b)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
