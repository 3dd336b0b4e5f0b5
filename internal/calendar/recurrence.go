package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teambition/rrule-go"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// MaxWindows bounds the windows one list of recurrences may produce over the
// horizon; beyond it Recurrences returns an error (FREQ=HOURLY over three years is
// about 26,000).
const MaxWindows = 200_000

// maxIterations bounds the occurrences one recurrence may go through, those before
// the epoch included (a rule whose From lies years before the operation).
const maxIterations = 500_000

// RecurrenceError is the error of one recurrence of a list: Index is its position,
// for the caller's path; the message names only what is wrong.
type RecurrenceError struct {
	Index int
	Err   error
}

func (e *RecurrenceError) Error() string { return e.Err.Error() }
func (e *RecurrenceError) Unwrap() error { return e.Err }

// Recurrences expands recurring windows over [Epoch, Horizon): each occurrence of
// the rule with DTSTART = From (default the operation's start) at local time
// Start, lasting Length (elapsed minutes), except on the local dates of ExDates;
// the recurrences are read already (model.Typed: rule parsed, times read).
// Occurrences keep their local wall time across DST (rrule-go works in wall time)
// and are placed as RFC 5545 (3.3.5) says: one whose start falls in the spring gap
// moves forward by the gap, one at a time repeated in autumn is the first.
// Windows that end after the epoch and start before the horizon are kept whole
// (not clipped). The result is sorted by start, not merged. An error is a
// *RecurrenceError.
func (c *Clock) Recurrences(rs []model.TypedRecurrence) ([]solver.Window, error) {
	var out []solver.Window
	for i := range rs {
		ws, err := c.recurrence(&rs[i], MaxWindows-len(out))
		if err != nil {
			return nil, &RecurrenceError{Index: i, Err: err}
		}
		out = append(out, ws...)
	}
	slices.SortFunc(out, func(a, b solver.Window) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	return slices.Compact(out), nil
}

// errTooMany is the error beyond MaxWindows.
var errTooMany = fmt.Errorf("more than %d windows over the horizon", MaxWindows)

func (c *Clock) recurrence(tr *model.TypedRecurrence, budget int) (ws []solver.Window, err error) {
	r := &tr.Source
	clock, err := startOf(tr)
	if err != nil {
		return nil, err
	}
	dur, err := lengthOf(tr)
	if err != nil {
		return nil, err
	}
	from := c.Epoch
	if tr.From.Set {
		if tr.From.Err != nil {
			return nil, fmt.Errorf("from %w", tr.From.Err)
		}
		from = tr.From.V
	}
	ex := make(map[string]bool, len(tr.ExDates))
	for _, e := range tr.ExDates {
		if e.Err != nil {
			return nil, fmt.Errorf("exdate %w", e.Err)
		}
		ex[e.V.Format(time.DateOnly)] = true
	}
	rule := func(e error) error { return fmt.Errorf("rrule %q: %w", shorten(r.RRule), e) }
	defer func() {
		if p := recover(); p != nil {
			ws, err = nil, rule(fmt.Errorf("rrule-go failed: %v", p))
		}
	}()
	ropt, err := tr.Rule() // a copy: Dtstart and Until are set on it below
	if err != nil {
		return nil, rule(err)
	}
	opt := &ropt
	// rrule-go runs in wall time: in UTC, on the local wall clock, so that its
	// arithmetic is pure calendar arithmetic; each occurrence is then placed in Loc
	// as RFC 5545 (3.3.5) reads a local time (model.LocalTime: a wall time in the
	// spring gap moves forward by the gap, one in the autumn overlap is the first,
	// summer-time one; rrule-go in Loc would take the second); and
	// a DTSTART in the spring gap moves only its own occurrence, where rrule-go in
	// Loc would take the moved time of day (03:30) for every later one. The wall clock is also moved forward by whole 400-year Gregorian cycles
	// (same weekdays, same leap years) to end just before rrule-go's year 9999: a
	// rule with no occurrence after the horizon (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)
	// only stops there, whatever UNTIL says, and then stops within 400 years rather
	// than 8,000. Easter has no such cycle: BYEASTER rules are not moved.
	shift := 0
	if len(opt.Byeaster) == 0 {
		shift = max(0, 400*((rrule.MAXYEAR-c.Horizon.In(c.Loc).Year())/400))
	}
	wall := func(t time.Time) time.Time {
		t = t.In(c.Loc)
		return time.Date(t.Year()+shift, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	}
	local := func(w time.Time) time.Time {
		return model.LocalTime(w.Year()-shift, w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, c.Loc)
	}
	y, mo, d := from.Date()
	opt.Dtstart = time.Date(y+shift, mo, d, 0, clock, 0, 0, time.UTC)
	if opt.Freq == rrule.HOURLY && !model.HourlyReachable(opt.Dtstart.Hour(), opt.Interval, opt.Byhour) {
		return nil, rule(fmt.Errorf("every %d hours from %s the rule never reaches its BYHOUR", max(opt.Interval, 1), opt.Dtstart.Format("15:04")))
	}
	// UNTIL bounds the expansion (rrule-go stops at the first occurrence after it).
	end := wall(c.Horizon)
	if !opt.Until.IsZero() && wall(opt.Until).Before(end) {
		end = wall(opt.Until)
	}
	opt.Until = end
	rr, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, rule(err)
	}
	length := time.Duration(dur) * time.Minute
	lo := c.Epoch.Add(-length) // an occurrence at or before lo ends by the epoch
	var last time.Time
	next := rr.Iterator()
	for n := 0; ; n++ {
		w, ok := next()
		if !ok || w.After(end) {
			break
		}
		if n >= maxIterations {
			return nil, rule(fmt.Errorf("more than %d occurrences from %s to the end of the operation", maxIterations, from.Format(time.DateOnly)))
		}
		o := local(w)
		// two wall times in the spring gap make one time (HOURLY: 02:00 and 03:00)
		if !o.After(lo) || !o.Before(c.Horizon) || o.Equal(last) || len(ex) > 0 && ex[o.Format(time.DateOnly)] {
			continue
		}
		last = o
		if len(ws) >= budget {
			return nil, rule(errTooMany)
		}
		s := c.Minute(o)
		ws = append(ws, solver.Window{Start: s, End: s + dur})
	}
	return ws, nil
}

// shorten cuts a long rule for an error message.
func shorten(s string) string {
	const n = 100
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// startOf is a recurrence's local time of day, in minutes after midnight.
func startOf(tr *model.TypedRecurrence) (int, error) {
	if !tr.Start.Set {
		return 0, errors.New("missing start time of day (HH:MM)")
	}
	if tr.Start.Err != nil {
		return 0, fmt.Errorf("start %w", tr.Start.Err)
	}
	return tr.Start.V, nil
}

// lengthOf is a recurrence's duration in minutes: positive, in minutes and hours.
func lengthOf(tr *model.TypedRecurrence) (int, error) {
	s := tr.Source.Duration
	if strings.TrimSpace(s) == "" {
		return 0, errors.New("missing duration (e.g. \"4h\")")
	}
	if tr.Length.Err != nil {
		return 0, fmt.Errorf("duration %w", tr.Length.Err)
	}
	if tr.Length.V <= 0 {
		return 0, fmt.Errorf("duration %q is not positive", s)
	}
	return tr.Length.V, nil
}

// Calendar is Recurrences made into a calendar, cached by content: lists with the
// same recurrences (in any order, ExDates in any order, From left out or equal to
// the operation's start) return the same *solver.Calendar, since thousands of
// households share a few patterns. Errors are not cached. The calendar is shared:
// it must not be modified.
func (c *Clock) Calendar(rs []model.TypedRecurrence) (*solver.Calendar, error) {
	key := c.key(rs)
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
	defer c.mu.Unlock()
	if prev, ok := c.cache[key]; ok {
		return prev, nil // built meanwhile by another goroutine: keep one identity
	}
	if c.cache == nil {
		c.cache = map[string]*solver.Calendar{}
	}
	c.cache[key] = cal
	return cal, nil
}

// key is the canonical string of a list of recurrences: each field quoted, the
// default From made explicit, ExDates sorted and deduplicated, the recurrences
// sorted (a calendar is their union).
func (c *Clock) key(rs []model.TypedRecurrence) string {
	epoch := c.Epoch.Format(time.DateOnly)
	parts := make([]string, len(rs))
	for i := range rs {
		r := &rs[i].Source
		from := r.From
		if from == "" {
			from = epoch
		}
		ex := slices.Clone(r.ExDates)
		slices.Sort(ex)
		ex = slices.Compact(ex)
		var b strings.Builder
		for _, f := range []string{strings.TrimSpace(r.RRule), r.Start, r.Duration, from} {
			b.WriteString(strconv.Quote(f))
			b.WriteByte(' ')
		}
		for _, e := range ex {
			b.WriteString(strconv.Quote(e))
			b.WriteByte(',')
		}
		parts[i] = b.String()
	}
	slices.Sort(parts)
	return strings.Join(parts, "\n")
}
