package model

import (
	"fmt"
	"testing"
	"time"
)

// parseMomentRef is ParseMoment as it was before its shortcut for dates and wall
// times: every layout in turn, each wall time placed by localRef.
func parseMomentRef(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if w, err := time.Parse(layout, s); err == nil {
			return localRef(w, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time", s)
}

// localRef places the wall time w (in UTC) in loc by brute force, as RFC 5545 reads
// it: the earliest instant, every offset of a quarter hour from +14h to -14h
// tried, whose clock in loc reads w; none (a gap): w read with the offset in force
// a day before.
func localRef(w time.Time, loc *time.Location) time.Time {
	for k := 14 * 4; k >= -14*4; k-- {
		u := w.Add(-time.Duration(k) * 15 * time.Minute).In(loc)
		if u.Format(time.DateTime+".999999999") == w.Format(time.DateTime+".999999999") {
			return u
		}
	}
	_, off := w.Add(-26 * time.Hour).In(loc).Zone()
	return w.Add(-time.Duration(off) * time.Second).In(loc)
}

// Daylight saving in Europe/Paris: a wall time repeated on the last Sunday of
// October is the first (summer time, +02:00); one missing on the last Sunday of
// March moves forward by the gap (RFC 5545 3.3.5). New York likewise.
func TestParseMomentDaylightSaving(t *testing.T) {
	cases := []struct{ zone, in, want string }{
		{"Europe/Paris", "2027-10-31T02:30", "2027-10-31T02:30:00+02:00"},
		{"Europe/Paris", "2027-10-31T02:00", "2027-10-31T02:00:00+02:00"},
		{"Europe/Paris", "2027-10-31T02:59:59", "2027-10-31T02:59:59+02:00"},
		{"Europe/Paris", "2027-10-31T03:00", "2027-10-31T03:00:00+01:00"},
		{"Europe/Paris", "2027-10-31T01:59", "2027-10-31T01:59:00+02:00"},
		{"Europe/Paris", "2027-03-28T02:30", "2027-03-28T03:30:00+02:00"},
		{"Europe/Paris", "2027-03-28T02:00", "2027-03-28T03:00:00+02:00"},
		{"Europe/Paris", "2027-03-28T03:00", "2027-03-28T03:00:00+02:00"},
		{"Europe/Paris", "2027-03-28T01:59", "2027-03-28T01:59:00+01:00"},
		{"Europe/Paris", "2027-03-28", "2027-03-28T00:00:00+01:00"},
		{"America/New_York", "2027-11-07T01:30", "2027-11-07T01:30:00-04:00"},
		{"America/New_York", "2027-03-14T02:30", "2027-03-14T03:30:00-04:00"},
		{"America/Sao_Paulo", "2018-11-04", "2018-11-04T01:00:00-02:00"},
	}
	for _, tc := range cases {
		t.Run(tc.zone+" "+tc.in, func(t *testing.T) {
			loc, err := LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseMoment(tc.in, loc)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != tc.want {
				t.Fatalf("%s reads %s, want %s", tc.in, s, tc.want)
			}
		})
	}
}

var momentSeeds = []string{
	"2027-02-01", "2027-02-29", "2028-02-29", "2027-13-01", "2027-1-01", "2027-02-1", "2027/02/01",
	"2027-02-01T08:00", "2027-02-01T8:00", "2027-02-01T08:0", "2027-02-01T24:00", "2027-02-01 08:00",
	"2027-03-28T02:30", "2027-10-31T02:30", "2027-10-31T02:00", "2027-10-31T03:00", "2027-03-28T02:00",
	"2018-11-04", "2018-11-04T00:30", "2019-02-16T23:30", "2027-02-01T08:00:00", "2027-02-01T08:00:00.5",
	"2027-02-01T08:00:00+01:00", "2027-02-01T08:00:00Z", "2027-02-01T8:00:00Z", "2027-02-01T08:00Z",
	"", "x", "20270201", "2027-02-01T", "+2027-02-01", "2027-02-01T08:00+01", "2027-02-01t08:00",
}

func sameMoment(t *testing.T, s string, loc *time.Location) {
	a, errA := ParseMoment(s, loc)
	b, errB := parseMomentRef(s, loc)
	if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
		t.Fatalf("%q: error %v, before %v", s, errA, errB)
	}
	if !a.Equal(b) || a.Location() != b.Location() || a.String() != b.String() {
		t.Fatalf("%q: %v, before %v", s, a, b)
	}
}

func TestParseMomentAsBefore(t *testing.T) {
	for _, zone := range []string{"Europe/Paris", "UTC", "America/Sao_Paulo"} {
		loc, err := LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range momentSeeds {
			sameMoment(t, s, loc)
		}
	}
}

func FuzzParseMoment(f *testing.F) {
	for _, s := range momentSeeds {
		f.Add(s)
	}
	loc, err := LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) { sameMoment(t, s, loc) })
}
