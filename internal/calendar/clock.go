// Package calendar compiles the domain's calendars (RFC 5545 recurrences, periods,
// holidays, hours of the day) into the solver's integer windows: minutes from the
// operation's epoch, the local midnight that starts its first day.
//
// Minutes are absolute (elapsed since the epoch instant), so daylight-saving
// changes are exact: a local 08:00-12:00 window lasts 240 minutes on either side of
// a switch, and a local day lasts 1380 or 1500 minutes on switch days. Wall-clock
// times (a recurrence's start, the hours of DailyHours) keep their local value
// across a switch.
//
// Errors name what is wrong without a field path; the caller adds the path.
package calendar

import (
	"fmt"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Clock maps the operation's local time to solver minutes and back. Build it with
// NewClock; its methods are safe for concurrent use.
type Clock struct {
	Loc     *time.Location
	Epoch   time.Time // local midnight of the operation's start date
	Horizon time.Time // local midnight after the operation's end date (exclusive)

	mu    sync.Mutex
	cache map[string]*solver.Calendar
}

// NewClock takes the operation's time zone, start and end from the problem's typed
// view (model.Problem.Typed).
func NewClock(tv *model.Typed) (*Clock, error) {
	if tv.LocErr != nil {
		return nil, tv.LocErr
	}
	loc := tv.Loc
	if tv.Start.Err != nil {
		return nil, fmt.Errorf("start %w", tv.Start.Err)
	}
	if tv.End.Err != nil {
		return nil, fmt.Errorf("end %w", tv.End.Err)
	}
	start, end := tv.Start.V, midnight(tv.End.V, 1, loc)
	if !end.After(start) {
		// ParseDate reads only "YYYY-MM-DD": the dates are written as given
		return nil, fmt.Errorf("end %s is before start %s", tv.End.V.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	return &Clock{Loc: loc, Epoch: start, Horizon: end, cache: map[string]*solver.Calendar{}}, nil
}

// midnight is the local midnight starting the day n days after t's local date (or
// the first instant of that day where midnight does not exist).
func midnight(t time.Time, n int, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, loc)
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

// days is the number of local days of the horizon.
func (c *Clock) days() int {
	n := 0
	for midnight(c.Epoch, n, c.Loc).Before(c.Horizon) {
		n++
	}
	return n
}

// Periods converts periods [From, To], as the typed view reads them (From as a
// moment, To as an end moment: a date in To means the end of that day). src are the same periods as the document writes them, for messages.
func (c *Clock) Periods(ps []model.TypedPeriod, src []model.Period) ([]solver.Window, error) {
	out := make([]solver.Window, 0, len(ps))
	for i, p := range ps {
		if p.From.Err != nil {
			return nil, fmt.Errorf("from %w", p.From.Err)
		}
		if p.To.Err != nil {
			return nil, fmt.Errorf("to %w", p.To.Err)
		}
		a, b := p.From.V, p.To.V
		if !b.After(a) {
			return nil, fmt.Errorf("period from %s to %s does not end after it starts", src[i].From, src[i].To)
		}
		out = append(out, solver.Window{Start: c.Minute(a), End: c.Minute(b)})
	}
	return out, nil
}

// Dates converts dates, as the typed view reads them (model.Typed.Holidays: local
// midnights), into whole local days; the first that does not read is the error.
func (c *Clock) Dates(dates []model.Value[time.Time]) ([]solver.Window, error) {
	out := make([]solver.Window, 0, len(dates))
	for _, d := range dates {
		if d.Err != nil {
			return nil, d.Err
		}
		t := d.V
		out = append(out, solver.Window{Start: c.Minute(t), End: c.Minute(midnight(t, 1, c.Loc))})
	}
	return out, nil
}

// DayStarts lists the minute of every local midnight from the epoch to the horizon,
// both included: len is the number of days plus one. The slice is the caller's.
func (c *Clock) DayStarts() []int {
	n := c.days()
	out := make([]int, 0, n+1)
	for i := 0; i <= n; i++ {
		out = append(out, c.Minute(midnight(c.Epoch, i, c.Loc)))
	}
	return out
}

// WeekStarts lists the minute of each ISO week's start (Monday 00:00 local) from the
// week holding the epoch (so the first is <= 0) to the first one at or after the
// horizon (so the last is >= HorizonMinutes): the boundaries of every week the
// horizon touches.
func (c *Clock) WeekStarts() []int {
	back := (int(c.Epoch.Weekday()) + 6) % 7 // days since Monday
	var out []int
	for k := 0; ; k++ {
		t := midnight(c.Epoch, 7*k-back, c.Loc)
		out = append(out, c.Minute(t))
		if !t.Before(c.Horizon) {
			return out
		}
	}
}

// DailyHours gives, for every local day of the horizon, the window [from, to)
// in minutes after local midnight (0..1440, wall-clock times, so DST-correct: "no
// work before 10:00" is DailyHours(600, 1440)). Days where to <= from get none.
func (c *Clock) DailyHours(from, to int) []solver.Window {
	n := c.days()
	out := make([]solver.Window, 0, n)
	for i := 0; i < n; i++ {
		y, m, d := midnight(c.Epoch, i, c.Loc).Date()
		a := model.LocalTime(y, m, d, 0, from, 0, 0, c.Loc)
		b := model.LocalTime(y, m, d, 0, to, 0, 0, c.Loc)
		if b.After(a) {
			out = append(out, solver.Window{Start: c.Minute(a), End: c.Minute(b)})
		}
	}
	return out
}
