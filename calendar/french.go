package calendar

import (
	"fmt"
	"time"
)

var (
	frDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// FrenchDate writes t's day in French, without an article: "mardi 2 mars 2027".
// The caller puts it in its sentence ("le ...", "du ...", "jusqu'au ...").
func FrenchDate(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", frDays[t.Weekday()], t.Day(), frMonths[t.Month()-1], t.Year())
}

// FrenchMoment writes t in French, without an article: "mardi 2 mars 2027 à 08:00".
func FrenchMoment(t time.Time) string {
	return FrenchDate(t) + " à " + t.Format("15:04")
}
