package constraints

import (
	"fmt"
)

// LocalTime is rule 10.
type LocalTime struct{}

// NameLocalTime is LocalTime's name.
const NameLocalTime = "local-time"

var _ Checker = LocalTime{}

func (LocalTime) Name() string { return NameLocalTime }
func (LocalTime) Number() int  { return 10 }

// Requires says what the rule requires, in lang.
func (LocalTime) Requires(lang Lang) string {
	return phrase{
		"every time in the plan is the operation's local time, with the offset in force at that instant (daylight saving included)",
		"chaque heure du plan est l'heure locale de l'opération, avec le décalage en vigueur à cet instant (heure d'été comprise)", false}.in(lang)
}

// Check verifies rule 10: every time of the plan (start, end, segments) is RFC 3339
// with the offset of the operation's time zone at that instant (daylight saving
// included).
func (r LocalTime) Check(v *Verification) []Violation {
	var out []Violation
	for _, pl := range v.Assignments {
		a := pl.Assignment
		// each time string as read with vfParseTime (time.Parse, RFC 3339)
		check := func(field, s string, read vfTime) {
			t := read.t
			if !read.ok {
				out = append(out, vfViolation(r, a.Intervention, "%s %q is not an RFC 3339 time with an offset", field, vfClip(s)))
				return
			}
			_, got := t.Zone()
			name, want := t.In(v.Loc).Zone()
			if got != want {
				out = append(out, vfViolation(r, a.Intervention, "%s %s has offset %s, the local offset then is %s (%s)",
					field, s, vfOffset(got), vfOffset(want), name))
			}
		}
		check("start", a.Start, pl.times[0])
		check("end", a.End, pl.times[1])
		for k, sg := range a.Segments {
			s, e := pl.segment(k)
			check(fmt.Sprintf("segment %d start", k+1), sg.Start, s)
			check(fmt.Sprintf("segment %d end", k+1), sg.End, e)
		}
	}
	return out
}

// vfOffset writes a UTC offset in seconds as "+01:00".
func vfOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec%3600/60)
}

// vfClip shortens a malformed string quoted in a message.
func vfClip(s string) string {
	const n = 40
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
