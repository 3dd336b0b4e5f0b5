package model

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// FrenchHolidays returns the eleven French public holidays (jours fériés) of a year,
// as dates: New Year, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July,
// 15 August, 1 November, 11 November, Christmas.
func FrenchHolidays(year int) []Date {
	e := easter(year)
	add := func(d Date, n int) Date {
		t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
		return Date{t.Year(), t.Month(), t.Day()}
	}
	return []Date{
		{year, time.January, 1},
		add(e, 1),
		{year, time.May, 1},
		{year, time.May, 8},
		add(e, 39),
		add(e, 50),
		{year, time.July, 14},
		{year, time.August, 15},
		{year, time.November, 1},
		{year, time.November, 11},
		{year, time.December, 25},
	}
}

// Date is a civil date, with no time and no zone; String gives YYYY-MM-DD.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// easter is Easter Sunday of the Gregorian calendar (anonymous Gregorian algorithm).
func easter(y int) Date {
	a := y % 19
	b := y / 100
	c := y % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}

// HolidayDates lists the operation's public holidays between its start and end, as
// "YYYY-MM-DD" strings, sorted: the calendar named by Holidays plus ExtraHolidays.
// It is nil when the time zone, the start or the end cannot be read. The slice is
// the caller's (a copy of the typed view's).
func (p *Problem) HolidayDates() []string {
	return slices.Clone(p.Typed().HolidayDates)
}

// holidayDates is HolidayDates over the years of start to end.
func (p *Problem) holidayDates(start, end time.Time) []string {
	seen := map[string]bool{}
	if p.Operation.Holidays == "" || p.Operation.Holidays == "FR" {
		for y := start.Year(); y <= end.Year(); y++ {
			for _, d := range FrenchHolidays(y) {
				seen[d.String()] = true
			}
		}
	}
	for _, d := range p.Operation.ExtraHolidays {
		seen[d] = true
	}
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}
