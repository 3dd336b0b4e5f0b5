package constraints

// The verifier's own calendar arithmetic: RRULEs expanded with rrule-go on time.Time
// in the operation's location, merged into sorted windows. Nothing here is shared with
// the search (package calendar and package solver): independence is the point.
//
// Unexported identifiers of the verifier start with "vf" so that they never collide
// with those of the compilation (compile*.go, explain.go) in the same package.

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/teambition/rrule-go"
)

// vfMaxOccurrences bounds how many occurrences one recurrence may produce while it is
// expanded (a FREQ=MINUTELY rule over years would otherwise take the verifier down).
const vfMaxOccurrences = 200000

// vfSpan is a half-open stretch of time [From, To).
type vfSpan struct {
	From, To time.Time
}

// vfWindows is a sorted list of disjoint, non-touching spans (touching ones merged).
type vfWindows []vfSpan

// vfMerge sorts spans and merges those that overlap or touch.
func vfMerge(spans []vfSpan) vfWindows {
	s := make([]vfSpan, 0, len(spans))
	for _, sp := range spans {
		if sp.To.After(sp.From) {
			s = append(s, sp)
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].From.Before(s[j].From) })
	var out vfWindows
	for _, sp := range s {
		if n := len(out); n > 0 && !sp.From.After(out[n-1].To) {
			if sp.To.After(out[n-1].To) {
				out[n-1].To = sp.To
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// covers reports whether [a, b) lies inside one merged window. An empty or
// reversed stretch is covered (the structural check reports it).
func (w vfWindows) covers(a, b time.Time) bool {
	if !b.After(a) {
		return true
	}
	// last window starting at or before a
	i := sort.Search(len(w), func(i int) bool { return w[i].From.After(a) }) - 1
	return i >= 0 && !w[i].To.Before(b)
}

// subtract removes the given spans from the windows.
func (w vfWindows) subtract(cut []vfSpan) vfWindows {
	if len(cut) == 0 {
		return w
	}
	c := vfMerge(cut)
	var out vfWindows
	j := 0
	for _, sp := range w {
		cur := sp
		for j < len(c) && !c[j].To.After(cur.From) {
			j++
		}
		k := j
		for k < len(c) && c[k].From.Before(cur.To) {
			if c[k].From.After(cur.From) {
				out = append(out, vfSpan{cur.From, c[k].From})
			}
			if c[k].To.After(cur.From) {
				cur.From = c[k].To
			}
			if !cur.To.After(cur.From) {
				break
			}
			k++
		}
		if cur.To.After(cur.From) {
			out = append(out, cur)
		}
	}
	return out
}

// addWork is the earliest instant at which work of the windows after t reaches d
// (ok false when the windows run out first).
func (w vfWindows) addWork(t time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return t, true
	}
	i := sort.Search(len(w), func(i int) bool { return w[i].To.After(t) })
	for ; i < len(w); i++ {
		from := w[i].From
		if from.Before(t) {
			from = t
		}
		avail := w[i].To.Sub(from)
		if avail >= d {
			return from.Add(d), true
		}
		d -= avail
	}
	return time.Time{}, false
}

// vfOverlaps reports whether [a, b) meets any of the spans (half-open on both sides).
func vfOverlaps(spans []vfSpan, a, b time.Time) (vfSpan, bool) {
	for _, sp := range spans {
		if sp.From.Before(b) && a.Before(sp.To) {
			return sp, true
		}
	}
	return vfSpan{}, false
}

// vfExpand expands recurrences into merged windows over [lo, hi): DTSTART is the
// recurrence's From date (default opStart, the operation's start) at its Start
// time of day, local; each occurrence lasts Duration (elapsed); an EXDATE removes
// the occurrences whose local date it is.
func vfExpand(recs []model.TypedRecurrence, loc *time.Location, opStart model.Value[time.Time], lo, hi time.Time) (vfWindows, error) {
	var spans []vfSpan
	for i := range recs {
		s, err := vfExpandOne(&recs[i], loc, opStart, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("recurrence %d: %w", i+1, err)
		}
		spans = append(spans, s...)
	}
	return vfMerge(spans), nil
}

// The times of day, lengths and dates are the typed view's (model's reading of the
// format, which the verifier shares: it owns no parser of its own for them). The
// rule is the exception: the verifier reads it itself with rrule-go's own parser
// rather than take tr.Rule() (model's ParseRRule, which the search's calendars
// expand), so that a misreading of a rule in model's stricter reader would show
// as a plan that breaks the rule as RFC 5545 reads it, instead of being shared by
// both sides; and on a problem that was never validated, the messages stay
// rrule-go's. Its cost is one parse per distinct list of recurrences (they are
// cached by content).
func vfExpandOne(tr *model.TypedRecurrence, loc *time.Location, opStart model.Value[time.Time], lo, hi time.Time) ([]vfSpan, error) {
	rec := &tr.Source
	if strings.TrimSpace(rec.RRule) == "" {
		return nil, errors.New("empty rrule")
	}
	opt, err := rrule.StrToROptionInLocation(rec.RRule, loc)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %v", rec.RRule, err)
	}
	clock, err := tr.Start.V, tr.Start.Err
	if err != nil {
		return nil, err
	}
	dur, err := tr.Length.V, tr.Length.Err
	if err != nil {
		return nil, err
	}
	from := opStart
	if tr.From.Set {
		from = tr.From
	}
	day, err := from.V, from.Err
	if err != nil {
		return nil, err
	}
	ex := map[string]bool{}
	for k, d := range tr.ExDates {
		if d.Err != nil {
			return nil, fmt.Errorf("exdate: %w", d.Err)
		}
		ex[rec.ExDates[k]] = true
	}
	// rrule-go runs on the wall clock (in UTC, pure calendar arithmetic) and each
	// occurrence is then placed in loc as RFC 5545 (3.3.5) says (model.LocalTime):
	// in loc, rrule-go would take the second of a time repeated in autumn, and a
	// DTSTART in the spring gap would move every later occurrence with it
	opt.Dtstart = time.Date(day.Year(), day.Month(), day.Day(), 0, clock, 0, 0, time.UTC)
	if !opt.Until.IsZero() {
		u := opt.Until.In(loc)
		opt.Until = time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, time.UTC)
	}
	if err := vfReachable(opt); err != nil {
		return nil, fmt.Errorf("rrule %q: %w", rec.RRule, err)
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("rrule %q: %v", rec.RRule, err)
	}
	length := time.Duration(dur) * time.Minute
	if length <= 0 {
		return nil, nil
	}
	start := lo.Add(-length)
	next := r.Iterator()
	var out []vfSpan
	for n := 0; ; n++ {
		if n >= vfMaxOccurrences {
			return nil, fmt.Errorf("rrule %q has too many occurrences", rec.RRule)
		}
		w, ok := next()
		if !ok {
			break
		}
		o := model.LocalTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
		if !o.Before(hi) {
			break
		}
		if !o.After(start) {
			continue
		}
		if len(ex) > 0 && ex[o.Format(time.DateOnly)] {
			continue
		}
		out = append(out, vfSpan{o, o.Add(length)})
	}
	return out, nil
}

// vfReachable refuses a sub-daily recurrence whose steps from DTSTART never meet
// its BYHOUR, BYMINUTE or BYSECOND (FREQ=HOURLY;INTERVAL=24;BYHOUR=5 from 08:00
// stays at 08:00): rrule-go would look for its next occurrence forever. Stepping by
// INTERVAL through the day reaches exactly the times of day congruent to DTSTART's
// modulo gcd(INTERVAL, length of the day in the frequency's unit), so a rule with
// none of those among its BY values has no occurrence at all.
func vfReachable(opt *rrule.ROption) error {
	var unit int // the frequency's unit, in seconds
	switch opt.Freq {
	case rrule.HOURLY:
		unit = 3600
	case rrule.MINUTELY:
		unit = 60
	case rrule.SECONDLY:
		unit = 1
	default:
		return nil // whole days: rrule-go stops at year 9999
	}
	if len(opt.Byhour) == 0 && (unit == 3600 || len(opt.Byminute) == 0) && (unit != 1 || len(opt.Bysecond) == 0) {
		return nil
	}
	perDay := 86400 / unit
	step := max(opt.Interval, 1)
	g := vfGCD(step%perDay, perDay)
	d := opt.Dtstart
	start := (d.Hour()*3600 + d.Minute()*60 + d.Second()) / unit
	in := func(vs []int, v int) bool { return len(vs) == 0 || slices.Contains(vs, v) }
	for k := start % g; k < perDay; k += g {
		sec := k * unit
		if in(opt.Byhour, sec/3600) && (unit == 3600 || in(opt.Byminute, sec/60%60)) && (unit != 1 || in(opt.Bysecond, sec%60)) {
			return nil
		}
	}
	return fmt.Errorf("its steps of %d from %02d:%02d:%02d never reach its BYHOUR, BYMINUTE or BYSECOND: it has no occurrence (unsupported)",
		step, d.Hour(), d.Minute(), d.Second())
}

// vfGCD is the greatest common divisor of a >= 0 and b > 0.
func vfGCD(a, b int) int {
	for a != 0 {
		a, b = b%a, a
	}
	return b
}

// vfDayStart is the local midnight starting t's local date.
func vfDayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// vfDates lists the local dates ("YYYY-MM-DD") that [a, b) touches; an empty stretch
// touches a's date. At most maxDays dates are listed.
func vfDates(a, b time.Time, loc *time.Location) []string {
	days := vfDays(a, b, loc)
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d.Format(time.DateOnly)
	}
	return out
}

// vfDays lists the local midnights of the dates of vfDates(a, b, loc).
func vfDays(a, b time.Time, loc *time.Location) []time.Time {
	const maxDays = 4000
	var out []time.Time
	d := vfDayStart(a, loc)
	for n := 0; n < maxDays; n++ {
		out = append(out, d)
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		if !d.Before(b) {
			break
		}
	}
	return out
}

// vfDayPieces splits [a, b) at local midnights.
func vfDayPieces(a, b time.Time, loc *time.Location) []vfSpan {
	const maxDays = 4000
	var out []vfSpan
	cur := a
	for n := 0; n < maxDays && cur.Before(b); n++ {
		d := vfDayStart(cur, loc)
		next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		if next.After(b) {
			next = b
		}
		out = append(out, vfSpan{cur, next})
		cur = next
	}
	return out
}

// vfClock is t's local time of day in minutes (seconds round up when roundUp).
func vfClock(t time.Time, loc *time.Location, roundUp bool) int {
	t = t.In(loc)
	m := t.Hour()*60 + t.Minute()
	if roundUp && (t.Second() > 0 || t.Nanosecond() > 0) {
		m++
	}
	return m
}

// vfPeriods takes periods [From, To] as the typed view reads them (To a bare
// date means the end of that day).
func vfPeriods(ps []model.TypedPeriod) ([]vfSpan, error) {
	out := make([]vfSpan, 0, len(ps))
	for i, p := range ps {
		if p.From.Err != nil {
			return nil, fmt.Errorf("period %d: %w", i+1, p.From.Err)
		}
		if p.To.Err != nil {
			return nil, fmt.Errorf("period %d: %w", i+1, p.To.Err)
		}
		out = append(out, vfSpan{p.From.V, p.To.V})
	}
	return out, nil
}

// vfFmt writes an instant in the operation's local time for messages.
func vfFmt(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04")
}

// vfFmtSpan writes a stretch for messages.
func vfFmtSpan(a, b time.Time, loc *time.Location) string {
	a, b = a.In(loc), b.In(loc)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("2006-01-02 15:04") + "-" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + " to " + b.Format("2006-01-02 15:04")
}

// vfFmtMinutes writes a number of minutes as "1h30" or "45 min".
func vfFmtMinutes(d time.Duration) string {
	m := int(d / time.Minute)
	neg := ""
	if m < 0 {
		neg, m = "-", -m
	}
	switch {
	case m < 60:
		return fmt.Sprintf("%s%d min", neg, m)
	case m%60 == 0:
		return fmt.Sprintf("%s%dh", neg, m/60)
	}
	return fmt.Sprintf("%s%dh%02d", neg, m/60, m%60)
}

// vfPlural writes "1 worker", "2 workers".
func vfPlural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
