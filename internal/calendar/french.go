package calendar

import (
	"fmt"
	"time"
)

var (
	frDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// FrenchDate writes t's day in French, without an article: "mardi 2 mars 2027",
// "lundi 1er mars 2027". The caller puts it in its sentence ("le ...", "du ...",
// "jusqu'au ...").
func FrenchDate(t time.Time) string {
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", frDays[t.Weekday()], day, frMonths[t.Month()-1], t.Year())
}

// FrenchMoment writes t in French, without an article: "mardi 2 mars 2027 à 08:00".
func FrenchMoment(t time.Time) string {
	return FrenchDate(t) + " à " + t.Format("15:04")
}
