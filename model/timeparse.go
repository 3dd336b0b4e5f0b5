package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // embed the time zone database: Europe/Paris works on a bare machine
)

// LoadLocation loads an IANA time zone; the database is embedded in the binary.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" {
		return nil, errors.New("missing time zone")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}

// LocalTime is the instant of a local wall time in loc, as RFC 5545 (3.3.5) reads
// one: a wall time that occurs twice (the autumn change, 02:00-03:00 in Europe/Paris)
// is the first, summer-time one; a wall time that does not exist (the spring gap) is
// read with the UTC offset before the gap, i.e. moved forward by the gap (02:30 is
// 03:30). Out-of-range fields are normalized as by time.Date. time.Date itself
// guarantees neither choice (in Europe/Paris it takes the second of a repeated time).
func LocalTime(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, hour, min, sec, nsec, loc)
	wall := time.Date(year, month, day, hour, min, sec, nsec, time.UTC) // normalized
	if !sameWall(t, wall) {
		// in a gap: the offset in force before it
		_, before := wall.Add(-26 * time.Hour).In(loc).Zone()
		return wall.Add(-time.Duration(before) * time.Second).In(loc)
	}
	// a repeated time read as the later one: t lies within one offset change after
	// its zone began, and t minus that change reads the same
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, cur := t.Zone()
	_, prev := start.Add(-time.Second).Zone()
	if d := time.Duration(prev-cur) * time.Second; d > 0 && t.Sub(start) < d {
		if u := t.Add(-d); sameWall(u, wall) {
			return u
		}
	}
	return t
}

// sameWall reports whether t reads, on its own clock, the wall time w (given in UTC).
func sameWall(t, w time.Time) bool {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	y2, mo2, d2 := w.Date()
	h2, mi2, s2 := w.Clock()
	return y == y2 && mo == mo2 && d == d2 && h == h2 && mi == mi2 && s == s2 && t.Nanosecond() == w.Nanosecond()
}

// parseLocal reads s by layout as a wall time in loc (LocalTime).
func parseLocal(layout, s string, loc *time.Location) (time.Time, error) {
	w, err := time.Parse(layout, s)
	if err != nil {
		return w, err
	}
	return LocalTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc), nil
}

// ParseDate reads "YYYY-MM-DD" as local midnight in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := parseLocal("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return t, nil
}

// ParseMoment reads a date ("YYYY-MM-DD", local midnight), a local wall time
// ("YYYY-MM-DDTHH:MM" or with seconds) or an RFC 3339 time with offset. A local
// time is read as RFC 5545 says (LocalTime): the first of a repeated time, one in
// the spring gap moved forward by the gap.
func ParseMoment(s string, loc *time.Location) (time.Time, error) {
	// A date or a local wall time cannot be RFC 3339 (it has no offset) nor one of
	// the longer layouts: read it at once, without the failed attempts before it
	// (each allocates an error). Whatever does not parse so takes the long way.
	switch {
	case len(s) == len("2006-01-02"):
		if t, err := parseLocal("2006-01-02", s, loc); err == nil {
			return t, nil
		}
	case len(s) == len("2006-01-02T15:04") && s[10] == 'T':
		if t, err := parseLocal("2006-01-02T15:04", s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := parseLocal(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time", s)
}

// ParseEndMoment is ParseMoment, except that a bare date means the end of that day
// (the next local midnight): "to": "2027-08-15" includes the 15th.
func ParseEndMoment(s string, loc *time.Location) (time.Time, error) {
	t, err := ParseMoment(s, loc)
	if err != nil {
		return t, err
	}
	if len(s) == len("2006-01-02") {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// ParseClock reads a time of day "HH:MM" into minutes after midnight (0..1440).
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return hh*60 + mm, nil
}

// ParseDuration reads a duration made of terms with units m, h and d ("1h30m",
// "0.5d", "2d") into whole minutes; one "d" is day minutes. day <= 0 forbids "d".
// The result is never negative.
func ParseDuration(s string, day int) (int, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("negative duration %q", orig)
	}
	total := 0.0
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("%q is not a duration such as 45m, 4h, 1h30m or 0.5d", orig)
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 45m, 4h, 1h30m or 0.5d", orig)
		}
		switch s[i] {
		case 'm':
			total += v
		case 'h':
			total += v * 60
		case 'd':
			if day <= 0 {
				return 0, fmt.Errorf("%q: days are not allowed here, write hours (48h)", orig)
			}
			total += v * float64(day)
		default:
			return 0, fmt.Errorf("%q is not a duration such as 45m, 4h, 1h30m or 0.5d", orig)
		}
		s = s[i+1:]
	}
	if total > 10*366*24*60 {
		return 0, fmt.Errorf("duration %q is longer than ten years", orig)
	}
	return int(total + 0.5), nil
}
