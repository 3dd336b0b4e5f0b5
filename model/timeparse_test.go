package model

import (
	"fmt"
	"testing"
	"time"
)

// parseMomentRef is ParseMoment as it was before its shortcut for dates and wall
// times: every layout in turn.
func parseMomentRef(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time", s)
}

var momentSeeds = []string{
	"2027-02-01", "2027-02-29", "2028-02-29", "2027-13-01", "2027-1-01", "2027-02-1", "2027/02/01",
	"2027-02-01T08:00", "2027-02-01T8:00", "2027-02-01T08:0", "2027-02-01T24:00", "2027-02-01 08:00",
	"2027-03-28T02:30", "2027-10-31T02:30", "2027-02-01T08:00:00", "2027-02-01T08:00:00.5",
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
