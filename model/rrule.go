package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// MaxRuleLength bounds the length of an RRULE string.
const MaxRuleLength = 1000

// MaxInterval bounds INTERVAL (rrule-go's arithmetic overflows on huge values).
const MaxInterval = 100_000

// maxTimesOfDay bounds how many times of day one rule may give (BYHOUR × BYMINUTE ×
// BYSECOND): rrule-go builds every occurrence of a whole period (a year for YEARLY) in
// memory before returning the first.
const maxTimesOfDay = 1440

var frequencies = map[string]rrule.Frequency{
	"YEARLY": rrule.YEARLY, "MONTHLY": rrule.MONTHLY, "WEEKLY": rrule.WEEKLY,
	"DAILY": rrule.DAILY, "HOURLY": rrule.HOURLY, "MINUTELY": rrule.MINUTELY, "SECONDLY": rrule.SECONDLY,
}

var periodName = map[rrule.Frequency]string{rrule.YEARLY: "year", rrule.MONTHLY: "month", rrule.WEEKLY: "week", rrule.DAILY: "day", rrule.HOURLY: "hour"}

var weekdays = map[string]bool{"MO": true, "TU": true, "WE": true, "TH": true, "FR": true, "SA": true, "SU": true}

// intParts are the RRULE parts holding a list of integers, with their bounds; signed
// lists also accept the negative range.
var intParts = map[string]struct {
	lo, hi int
	signed bool
}{
	"BYSECOND":   {0, 59, false},
	"BYMINUTE":   {0, 59, false},
	"BYHOUR":     {0, 23, false},
	"BYMONTHDAY": {1, 31, true},
	"BYYEARDAY":  {1, 366, true},
	"BYWEEKNO":   {1, 53, true},
	"BYMONTH":    {1, 12, false},
	"BYSETPOS":   {1, 366, true},
	// BYEASTER is rrule-go's extension (days after Easter Sunday); rrule-go indexes
	// out of its year outside these bounds.
	"BYEASTER": {-80, 250, false},
}

// ParseRRule reads an RRULE without DTSTART into rrule-go's options, in loc (for a
// local UNTIL). It checks every part first, so that the errors say which part is
// wrong in words, and refuses what rrule-go would silently misread, loop on or
// choke on: DTSTART, several lines, duplicated parts or list items, INTERVAL or
// COUNT below 1 (rrule-go reads them as 1 and unbounded), COUNT with UNTIL, an
// ordinal BYDAY (1MO) outside MONTHLY and YEARLY rules (rrule-go drops the ordinal),
// or beyond the fifth within a month (rrule-go indexes out of the month),
// frequencies finer than HOURLY, BYSETPOS beyond what a period can hold, BYEASTER
// outside YEARLY rules or beyond the year, too many times of day.
// Errors do not repeat the rule; the caller does.
//
// One long function: one pass over the rule's parts, each part a case of one
// switch with its own check; the checks that tie parts together come after the
// loop. A table of part parsers would hide that every case shares the same
// duplicate and list bookkeeping.
func ParseRRule(s string, loc *time.Location) (*rrule.ROption, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("missing rrule (e.g. \"FREQ=WEEKLY;BYDAY=TU,TH\")")
	}
	if len(s) > MaxRuleLength {
		return nil, fmt.Errorf("longer than %d characters", MaxRuleLength)
	}
	if strings.Contains(strings.ToUpper(s), "DTSTART") {
		return nil, errors.New("give the first date in \"from\" and the time in \"start\", not DTSTART")
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("must be one line of parts NAME=VALUE separated by \";\"")
	}
	body := strings.TrimPrefix(strings.TrimSpace(s), "RRULE:")
	seen := map[string]bool{}
	var freq rrule.Frequency
	var ordinal string
	var wide string // the first numbered weekday beyond the fifth
	times := 1
	lens := map[string]int{} // items of each integer list
	var setpos []int
	for _, part := range strings.Split(body, ";") {
		name, value, ok := strings.Cut(part, "=")
		if !ok || name == "" || strings.Contains(value, "=") {
			if part == "" {
				return nil, errors.New("empty part (a \";\" too many)")
			}
			return nil, fmt.Errorf("part %q is not NAME=VALUE", part)
		}
		if value == "" {
			return nil, fmt.Errorf("%s has no value", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s is given twice", name)
		}
		seen[name] = true
		switch name {
		case "FREQ":
			f, ok := frequencies[value]
			if !ok {
				return nil, fmt.Errorf("invalid frequency %q (YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY)", value)
			}
			if f == rrule.MINUTELY || f == rrule.SECONDLY {
				return nil, fmt.Errorf("frequency %s: a frequency finer than HOURLY is not a calendar of works", value)
			}
			freq = f
		case "INTERVAL", "COUNT":
			n, err := strconv.Atoi(value)
			if err != nil {
				return nil, fmt.Errorf("%s %q is not a whole number", name, value)
			}
			if n < 1 {
				return nil, fmt.Errorf("%s %d is not positive", name, n)
			}
			if name == "INTERVAL" && n > MaxInterval {
				return nil, fmt.Errorf("INTERVAL %d is larger than %d", n, MaxInterval)
			}
		case "UNTIL":
			if !untilFormat(value) {
				return nil, fmt.Errorf("UNTIL %q is not a date YYYYMMDD, a local time YYYYMMDDTHHMMSS or a UTC time YYYYMMDDTHHMMSSZ", value)
			}
		case "WKST":
			if !weekdays[value] {
				return nil, fmt.Errorf("WKST %q is not a weekday MO, TU, WE, TH, FR, SA or SU", value)
			}
		case "BYDAY":
			for _, d := range strings.Split(value, ",") {
				n, ok := byDay(d)
				if !ok {
					return nil, fmt.Errorf("BYDAY %q: %q is not a weekday such as MO or, in a monthly or yearly rule, 1MO or -1FR", value, d)
				}
				if n != 0 && ordinal == "" {
					ordinal = d
				}
				if (n > 5 || n < -5) && wide == "" {
					wide = d
				}
			}
		default:
			b, ok := intParts[name]
			if !ok {
				if strings.ToUpper(name) != name {
					return nil, fmt.Errorf("unknown part %q (RRULE names are upper case: %s)", name, strings.ToUpper(name))
				}
				return nil, fmt.Errorf("unknown part %q", name)
			}
			items := strings.Split(value, ",")
			dup := map[int]bool{}
			for _, it := range items {
				n, err := strconv.Atoi(it)
				if err != nil {
					return nil, fmt.Errorf("%s %q is not a list of whole numbers", name, value)
				}
				if !(n >= b.lo && n <= b.hi) && !(b.signed && n <= -b.lo && n >= -b.hi) {
					if b.signed {
						return nil, fmt.Errorf("%s %d is not between %d and %d or %d and %d", name, n, b.lo, b.hi, -b.hi, -b.lo)
					}
					return nil, fmt.Errorf("%s %d is not between %d and %d", name, n, b.lo, b.hi)
				}
				if dup[n] {
					return nil, fmt.Errorf("%s lists %d twice", name, n)
				}
				dup[n] = true
				if name == "BYSETPOS" {
					setpos = append(setpos, n)
				}
			}
			lens[name] = len(items)
			if name == "BYHOUR" || name == "BYMINUTE" || name == "BYSECOND" {
				times *= len(items)
			}
		}
	}
	if !seen["FREQ"] {
		return nil, errors.New("FREQ is missing (e.g. FREQ=WEEKLY)")
	}
	if seen["COUNT"] && seen["UNTIL"] {
		return nil, errors.New("COUNT and UNTIL exclude each other")
	}
	if ordinal != "" && freq != rrule.MONTHLY && freq != rrule.YEARLY {
		// rrule-go would drop the ordinal: "the first Monday" would become every Monday.
		return nil, fmt.Errorf("BYDAY %s: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY", ordinal)
	}
	if wide != "" && (freq == rrule.MONTHLY || seen["BYMONTH"]) {
		// within a month there is no sixth weekday, and rrule-go indexes out of
		// its month looking for one
		return nil, fmt.Errorf("BYDAY %s: a month has at most 5 of each weekday (1 to 5, or -1 to -5)", wide)
	}
	if seen["BYEASTER"] && freq != rrule.YEARLY {
		// the expansion relies on 400-year cycles, which Easter does not follow
		return nil, errors.New("BYEASTER needs FREQ=YEARLY")
	}
	if times > maxTimesOfDay {
		return nil, fmt.Errorf("more than %d times of day (BYHOUR × BYMINUTE × BYSECOND)", maxTimesOfDay)
	}
	// BYSETPOS picks among the occurrences of one period (an hour, a day, a week...);
	// past their number it picks nothing, and rrule-go then searches every period up
	// to year 9999.
	size := map[rrule.Frequency]int{rrule.YEARLY: 366, rrule.MONTHLY: 31, rrule.WEEKLY: 7, rrule.DAILY: 1, rrule.HOURLY: 1}[freq]
	for _, p := range []string{"BYHOUR", "BYMINUTE", "BYSECOND"} {
		if p != "BYHOUR" || freq != rrule.HOURLY {
			size *= max(1, lens[p])
		}
	}
	for _, n := range setpos {
		if n > size || -n > size {
			return nil, fmt.Errorf("BYSETPOS %d: one %s of this rule holds at most %d occurrences", n, periodName[freq], size)
		}
	}
	opt, err := rrule.StrToROptionInLocation(body, loc)
	if err != nil {
		return nil, err // not reached: every part was checked above
	}
	return opt, nil
}

// untilFormat reports whether s is one of the three forms rrule-go reads: a date, a
// local date-time or a UTC date-time.
func untilFormat(s string) bool {
	for _, layout := range []string{rrule.DateFormat, rrule.LocalDateTimeFormat, rrule.DateTimeFormat} {
		if len(s) == len(layout) {
			_, err := time.Parse(layout, s)
			return err == nil
		}
	}
	return false
}

// byDay reads one BYDAY item: a weekday with an optional signed ordinal 1..53.
func byDay(s string) (ordinal int, ok bool) {
	if len(s) < 2 || !weekdays[s[len(s)-2:]] {
		return 0, false
	}
	num := s[:len(s)-2]
	if num == "" {
		return 0, true
	}
	digits := strings.TrimLeft(num, "+-")
	if len(num)-len(digits) > 1 || digits == "" || len(digits) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n == 0 || n > 53 || n < -53 {
		return 0, false
	}
	return n, true
}

// HourlyReachable reports whether an HOURLY rule from hour h0 with this interval
// ever reaches one of its BYHOUR hours. rrule-go steps the hour by the interval
// until it meets one, forever when none can be met (FREQ=HOURLY;INTERVAL=24;BYHOUR=5
// from 08:00): the reachable hours are those congruent to h0 modulo gcd(interval, 24).
func HourlyReachable(h0, interval int, byhour []int) bool {
	if len(byhour) == 0 {
		return true
	}
	if interval < 1 {
		interval = 1
	}
	g := gcd(interval, 24)
	for _, h := range byhour {
		if (h-h0)%g == 0 {
			return true
		}
	}
	return false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
