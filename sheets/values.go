package sheets

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// This file converts between the model's strings and what people write in cells:
// durations ("1 j", "0,5 j", "2 h 30", "24 h", "45 min"), dates (a date cell, or
// "JJ/MM/AAAA", or "AAAA-MM-JJ"), times of day (a time cell or "HH:MM"), days of the
// week ("lun-ven", "mar, jeu", "tous les jours"), yes/no, lists ("a, b").
//
// Every writer is chosen so that reading back what it wrote gives the model's string
// byte for byte: a value the sheet cannot show in the friendly form is written as the
// model writes it, which the readers also accept.

// fold lower-cases s, removes accents and surrounding spaces: the key by which
// labels, headers and enumeration values are compared.
func fold(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case '’', '‘':
			r = '\''
		case '\u00a0', '\u202f':
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---- durations ----

// durationToSheet writes a model duration ("1d", "0.5d", "4h30m", "24h", "45m") as
// people write it ("1 j", "0,5 j", "4 h 30", "24 h", "45 min"). A string that is not
// a sum of such terms is returned unchanged (the reader accepts the model's form).
func durationToSheet(s string) string {
	terms, ok := splitDuration(s)
	if !ok {
		return s
	}
	var parts []string
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		num := strings.ReplaceAll(t.num, ".", ",")
		switch t.unit {
		case 'd':
			parts = append(parts, num+" j")
		case 'h':
			// "4h30m" -> "4 h 30": the minutes after hours need no unit
			if i+1 < len(terms) && terms[i+1].unit == 'm' && !strings.Contains(terms[i+1].num, ".") {
				parts = append(parts, num+" h "+terms[i+1].num)
				i++
			} else {
				parts = append(parts, num+" h")
			}
		case 'm':
			parts = append(parts, num+" min")
		}
	}
	return strings.Join(parts, " ")
}

type durTerm struct {
	num  string
	unit byte
}

// splitDuration reads the model's form "1h30m" into terms, keeping the digits as
// written.
func splitDuration(s string) ([]durTerm, bool) {
	var terms []durTerm
	if s == "" {
		return nil, false
	}
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) || strings.Count(s[:i], ".") > 1 || s[0] == '.' || s[i-1] == '.' {
			return nil, false
		}
		switch s[i] {
		case 'd', 'h', 'm':
		default:
			return nil, false
		}
		terms = append(terms, durTerm{s[:i], s[i]})
		s = s[i+1:]
	}
	return terms, true
}

// durationFromSheet reads a duration as people write it into the model's form.
// days says whether working days ("j") are allowed. It accepts "1 j", "0,5 j",
// "1 jour", "2 jours", "2 h 30", "2h30", "24 h", "45 min", "1 j 2 h", and the model's
// own forms ("1h30m", "0.5d"). ok is false on anything else; dayErr is true when
// the value is a well-formed duration in days where days are not allowed.
func durationFromSheet(s string, days bool) (out string, ok, dayErr bool) {
	f := fold(s)
	if f == "" {
		return "", false, false
	}
	var b strings.Builder
	i := 0
	sawDay := false
	skip := func() {
		for i < len(f) && f[i] == ' ' {
			i++
		}
	}
	skip()
	for i < len(f) {
		j := i
		for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == ',' || f[j] == '.') {
			j++
		}
		if j == i {
			return "", false, false
		}
		num := strings.ReplaceAll(f[i:j], ",", ".")
		if strings.Count(num, ".") > 1 || num[0] == '.' || num[len(num)-1] == '.' {
			return "", false, false
		}
		i = j
		skip()
		k := i
		for k < len(f) && f[k] >= 'a' && f[k] <= 'z' {
			k++
		}
		unit := f[i:k]
		i = k
		skip()
		switch unit {
		case "j", "jour", "jours", "d", "day", "days":
			sawDay = true
			b.WriteString(num + "d")
		case "h", "heure", "heures", "hour", "hours":
			b.WriteString(num + "h")
			// "2 h 30": a bare number after hours is minutes
			j := i
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
			if j > i {
				k := j
				for k < len(f) && f[k] == ' ' {
					k++
				}
				if k == len(f) || f[k] >= '0' && f[k] <= '9' {
					b.WriteString(f[i:j] + "m")
					i = k
				}
			}
		case "m", "min", "mn", "minute", "minutes":
			b.WriteString(num + "m")
		default:
			return "", false, false
		}
	}
	if sawDay && !days {
		return "", false, true
	}
	return b.String(), true, false
}

// minutesText is a number of minutes in the model's canonical form ("4h30m").
func minutesText(m int) string {
	h, mm := m/60, m%60
	switch {
	case h == 0:
		return strconv.Itoa(mm) + "m"
	case mm == 0:
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h" + strconv.Itoa(mm) + "m"
}

// ---- dates and times ----

// excelEpoch is day 0 of spreadsheet serial dates (1900 date system).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialOf is the serial number of a civil date and minute of day.
func serialOf(y int, mo time.Month, d, minute int) float64 {
	days := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24
	return math.Round(days) + float64(minute)/1440
}

// fromSerial is the civil date and minute of day of a serial number.
func fromSerial(v float64) (time.Time, int, bool) {
	if math.IsNaN(v) || v < 1 || v > 2958465 { // 9999-12-31
		return time.Time{}, 0, false
	}
	day := math.Floor(v)
	minute := int(math.Round((v - day) * 1440))
	if minute == 1440 {
		day++
		minute = 0
	}
	return excelEpoch.AddDate(0, 0, int(day)), minute, true
}

// canonicalDate reports whether s is "YYYY-MM-DD", and its parts.
func canonicalDate(s string) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// dateCell is what the writers put in a date column: a serial number (shown with the
// date style) for a plain date, else the text.
func dateCell(s string) any {
	if t, ok := canonicalDate(s); ok {
		return serialOf(t.Year(), t.Month(), t.Day(), 0)
	}
	return s
}

// clockCell is a time of day "HH:MM" as a fraction of a day, else the text.
func clockCell(s string) any {
	if len(s) == 5 && s[2] == ':' && s != "24:00" {
		if t, err := time.Parse("15:04", s); err == nil {
			return float64(t.Hour()*60+t.Minute()) / 1440
		}
	}
	return s
}

// momentCell is a moment: a date cell, a date-time serial for "YYYY-MM-DDTHH:MM"
// (but not midnight, which would read back as a date), else the text.
func momentCell(s string) (v any, hasTime bool) {
	if _, ok := canonicalDate(s); ok {
		return dateCell(s), false
	}
	if len(s) == 16 && s[10] == 'T' {
		if t, err := time.Parse("2006-01-02T15:04", s); err == nil && (t.Hour() != 0 || t.Minute() != 0) {
			return serialOf(t.Year(), t.Month(), t.Day(), t.Hour()*60+t.Minute()), true
		}
	}
	return s, false
}

// number reads a cell's raw text as a number (a spreadsheet serial).
func number(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

var dateLayouts = []string{"2006-01-02", "02/01/2006", "2/1/2006", "02/01/06", "02.01.2006", "2006/01/02"}
var dateTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15:04:05", "02/01/2006 15h04", "02/01/06 15:04"}

// dateFromSheet reads a date: a serial number without time, "AAAA-MM-JJ" or
// "JJ/MM/AAAA". The result is "YYYY-MM-DD".
func dateFromSheet(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := number(s); ok {
		t, minute, ok := fromSerial(v)
		if !ok || minute != 0 {
			return "", false
		}
		return t.Format("2006-01-02"), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// momentFromSheet reads a moment: a date, a date and time (serial number or text in
// the French or the model's form), or any form the model reads (RFC 3339), kept as
// written. clock, when not empty, is a time of day from a neighbouring column.
func momentFromSheet(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := number(s); ok {
		t, minute, ok := fromSerial(v)
		if !ok {
			return "", false
		}
		if minute == 0 {
			return t.Format("2006-01-02"), true
		}
		return t.Add(time.Duration(minute) * time.Minute).Format("2006-01-02T15:04"), true
	}
	if d, ok := dateFromSheet(s); ok {
		return d, true
	}
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02T15:04"), true
		}
	}
	// the model's other forms, as written
	for _, l := range []string{"2006-01-02T15:04:05", time.RFC3339} {
		if _, err := time.Parse(l, s); err == nil {
			return s, true
		}
	}
	return "", false
}

// clockFromSheet reads a time of day: a fraction of a day, "HH:MM", "8h", "8h30",
// "8:30". The result is "HH:MM".
func clockFromSheet(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := number(s); ok {
		if strings.ContainsAny(s, ".eE") || v == 0 || v == 1 {
			if v < 0 || v > 1 {
				return "", false
			}
			m := int(math.Round(v * 1440))
			return clockText(m), true
		}
		return "", false
	}
	f := fold(s)
	h, m, ok := strings.Cut(f, ":")
	if !ok {
		h, m, ok = strings.Cut(f, "h")
	}
	if !ok {
		return "", false
	}
	h, m = strings.TrimSpace(h), strings.TrimSpace(m)
	if len(m) > 2 && m[2] == ':' { // "08:00:00"
		if m[3:] != "00" {
			return "", false
		}
		m = m[:2]
	}
	if m == "" {
		m = "00"
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(h) > 2 || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return "", false
	}
	return clockText(hh*60 + mm), true
}

func clockText(m int) string {
	return twoDigits(m/60) + ":" + twoDigits(m%60)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// ---- days of the week ----

var dayCodes = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
var dayShort = []string{"lun", "mar", "mer", "jeu", "ven", "sam", "dim"}

var dayNames = map[string]int{
	"lun": 0, "lundi": 0, "mon": 0, "monday": 0, "mo": 0,
	"mar": 1, "mardi": 1, "tue": 1, "tuesday": 1, "tu": 1,
	"mer": 2, "mercredi": 2, "wed": 2, "wednesday": 2, "we": 2,
	"jeu": 3, "jeudi": 3, "thu": 3, "thursday": 3, "th": 3,
	"ven": 4, "vendredi": 4, "fri": 4, "friday": 4, "fr": 4,
	"sam": 5, "samedi": 5, "sat": 5, "saturday": 5, "sa": 5,
	"dim": 6, "dimanche": 6, "sun": 6, "sunday": 6, "su": 6,
}

const everyDay = "tous les jours"

// untilSuffix is the UNTIL the "Au" column writes: the end of that local day.
const untilSuffix = "T235959"

// structuredRule splits a rule the structured columns can show: FREQ=DAILY or
// FREQ=WEEKLY;BYDAY=<plain weekdays>, with an optional UNTIL at the end of a day.
// It returns the "Jours" text and the "Au" date ("YYYY-MM-DD" or "").
func structuredRule(rule string) (days, until string, ok bool) {
	parts := strings.Split(rule, ";")
	if n := len(parts); n > 1 && strings.HasPrefix(parts[n-1], "UNTIL=") {
		u := strings.TrimPrefix(parts[n-1], "UNTIL=")
		if len(u) != 15 || !strings.HasSuffix(u, untilSuffix) {
			return "", "", false
		}
		t, err := time.Parse("20060102", u[:8])
		if err != nil {
			return "", "", false
		}
		until = t.Format("2006-01-02")
		parts = parts[:n-1]
	}
	switch {
	case len(parts) == 1 && parts[0] == "FREQ=DAILY":
		return everyDay, until, true
	case len(parts) == 2 && parts[0] == "FREQ=WEEKLY" && strings.HasPrefix(parts[1], "BYDAY="):
		var idx []int
		seen := map[int]bool{}
		for _, c := range strings.Split(strings.TrimPrefix(parts[1], "BYDAY="), ",") {
			k := -1
			for i, d := range dayCodes {
				if c == d {
					k = i
				}
			}
			if k < 0 || seen[k] {
				return "", "", false
			}
			seen[k] = true
			idx = append(idx, k)
		}
		return daysText(idx), until, true
	}
	return "", "", false
}

// daysText writes weekday indexes: an ascending run of three or more as "lun-ven",
// the others separated by commas, in the given order.
func daysText(idx []int) string {
	var out []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j-i >= 2 {
			out = append(out, dayShort[idx[i]]+"-"+dayShort[idx[j]])
			i = j + 1
			continue
		}
		out = append(out, dayShort[idx[i]])
		i++
	}
	return strings.Join(out, ", ")
}

// ruleFromDays reads the "Jours" column into an RRULE: "tous les jours" gives
// FREQ=DAILY; a list of days or ranges ("lun-ven", "mar, jeu", "lundi et mercredi")
// gives FREQ=WEEKLY;BYDAY=..., in the order written.
func ruleFromDays(s string) (string, bool) {
	f := fold(s)
	if f == everyDay || f == "tous" || f == "every day" || f == "daily" {
		return "FREQ=DAILY", true
	}
	f = strings.NewReplacer(" et ", ",", " and ", ",", ";", ",", " a ", "-", " au ", "-", " to ", "-", "/", ",").Replace(f)
	var idx []int
	seen := map[int]bool{}
	add := func(k int) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		idx = append(idx, k)
		return true
	}
	for _, tok := range strings.FieldsFunc(f, func(r rune) bool { return r == ',' || r == ' ' }) {
		tok = strings.TrimSuffix(tok, ".")
		if a, b, ok := strings.Cut(tok, "-"); ok {
			i, ok1 := dayNames[strings.TrimSuffix(a, ".")]
			j, ok2 := dayNames[strings.TrimSuffix(b, ".")]
			if !ok1 || !ok2 || j < i {
				return "", false
			}
			for k := i; k <= j; k++ {
				if !add(k) {
					return "", false
				}
			}
			continue
		}
		k, ok := dayNames[tok]
		if !ok || !add(k) {
			return "", false
		}
	}
	if len(idx) == 0 {
		return "", false
	}
	codes := make([]string, len(idx))
	for i, k := range idx {
		codes[i] = dayCodes[k]
	}
	return "FREQ=WEEKLY;BYDAY=" + strings.Join(codes, ","), true
}

// ---- yes/no, lists, numbers ----

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

// boolFromSheet reads yes/no; empty is no.
func boolFromSheet(s string) (bool, bool) {
	switch fold(s) {
	case "", "non", "n", "no", "faux", "false", "0", "-":
		return false, true
	case "oui", "o", "yes", "y", "x", "vrai", "true", "1":
		return true, true
	}
	return false, false
}

// listFromSheet splits "a, b; c" (or one item a line) into items.
func listFromSheet(s string) []string {
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

func listToSheet(items []string) string { return strings.Join(items, ", ") }

// intFromSheet reads a whole number (a numeric cell may read "3" or "3.0").
func intFromSheet(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	v, ok := number(strings.ReplaceAll(s, ",", "."))
	if !ok || v != math.Trunc(v) || math.Abs(v) > 1e9 {
		return 0, false
	}
	return int(v), true
}

// floatFromSheet reads a decimal number, with a comma or a point.
func floatFromSheet(s string) (float64, bool) {
	v, ok := number(strings.ReplaceAll(strings.TrimSpace(s), ",", "."))
	if !ok || math.Abs(v) > 1e12 {
		return 0, false
	}
	return v, true
}
