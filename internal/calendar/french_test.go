package calendar

import (
	"testing"
	"time"
)

// TestFrenchDate: the first of a month reads "1er", every other day its number;
// the day is read in t's location.
func TestFrenchDate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		t            time.Time
		date, moment string
	}{
		{time.Date(2027, 3, 1, 8, 0, 0, 0, paris), "lundi 1er mars 2027", "lundi 1er mars 2027 à 08:00"},
		{time.Date(2027, 3, 2, 17, 30, 0, 0, paris), "mardi 2 mars 2027", "mardi 2 mars 2027 à 17:30"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, paris), "vendredi 1er janvier 2027", "vendredi 1er janvier 2027 à 00:00"},
		{time.Date(2027, 8, 11, 9, 5, 0, 0, paris), "mercredi 11 août 2027", "mercredi 11 août 2027 à 09:05"},
		{time.Date(2027, 12, 21, 14, 0, 0, 0, paris), "mardi 21 décembre 2027", "mardi 21 décembre 2027 à 14:00"},
		{time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC).In(paris), "lundi 1er mars 2027", "lundi 1er mars 2027 à 00:30"},
		{time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC), "dimanche 28 février 2027", "dimanche 28 février 2027 à 23:30"},
	} {
		if got := FrenchDate(c.t); got != c.date {
			t.Errorf("FrenchDate(%s) = %q, want %q", c.t, got, c.date)
		}
		if got := FrenchMoment(c.t); got != c.moment {
			t.Errorf("FrenchMoment(%s) = %q, want %q", c.t, got, c.moment)
		}
	}
}
