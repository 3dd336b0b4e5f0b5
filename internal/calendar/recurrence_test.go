package calendar

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teambition/rrule-go"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

var weekdays8to12 = model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "4h"}

// Across the spring and autumn switches of 2027 (28 March, 31 October), a Monday to
// Friday 08:00-12:00 window lasts 240 minutes and starts at 08:00 local time; the
// weekend between the weeks is an hour shorter or longer.
func TestRecurrencesAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		name, start, end string
		weekend          int // minutes from Friday 12:00 to Monday 08:00
	}{
		{"spring 2027", "2027-03-22", "2027-04-04", 2*1440 + 20*60 - 60},
		{"autumn 2027", "2027-10-25", "2027-11-07", 2*1440 + 20*60 + 60},
		{"ordinary", "2027-01-04", "2027-01-17", 2*1440 + 20*60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ws, err := c.Recurrences(typed(c, weekdays8to12))
			require.NoError(t, err)
			require.Len(t, ws, 10)
			for i, w := range ws {
				assert.Equal(t, 240, w.Len())
				assert.Equal(t, 8, c.Time(w.Start).Hour())
				assert.Equal(t, 0, c.Time(w.Start).Minute())
				assert.Equal(t, 12, c.Time(w.End).Hour())
				wd := c.Time(w.Start).Weekday()
				assert.True(t, wd >= time.Monday && wd <= time.Friday, wd)
				if i > 0 && i != 5 {
					assert.Equal(t, 1440, w.Start-ws[i-1].Start)
				}
			}
			assert.Equal(t, tc.weekend, ws[5].Start-ws[4].End)
		})
	}
}

// days lists the windows as local "Mon 02 15:04-15:04".
func days(c *Clock, ws []solver.Window) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, c.Time(w.Start).Format("Mon 02 15:04")+"-"+c.Time(w.End).Format("15:04"))
	}
	return out
}

func TestRecurrenceOccurrences(t *testing.T) {
	for _, tc := range []struct {
		name, start, end string
		r                model.Recurrence
		want             []string
	}{
		{"Tuesday and Thursday afternoons", "2027-03-01", "2027-03-14",
			model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h"},
			[]string{"Tue 02 13:00-18:00", "Thu 04 13:00-18:00", "Tue 09 13:00-18:00", "Thu 11 13:00-18:00"}},
		{"EXDATE removes a day", "2027-03-01", "2027-03-14",
			model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h", ExDates: []string{"2027-03-09"}},
			[]string{"Tue 02 13:00-18:00", "Thu 04 13:00-18:00", "Thu 11 13:00-18:00"}},
		{"EXDATE on a day without occurrence changes nothing", "2027-03-01", "2027-03-07",
			model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "13:00", Duration: "1h", ExDates: []string{"2027-03-03", "2027-03-03"}},
			[]string{"Tue 02 13:00-14:00"}},
		{"From later than the operation", "2027-03-01", "2027-03-14",
			model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h", From: "2027-03-03"},
			[]string{"Thu 04 13:00-18:00", "Tue 09 13:00-18:00", "Thu 11 13:00-18:00"}},
		{"every other week counts from From", "2027-03-01", "2027-03-31",
			model.Recurrence{RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", Start: "09:00", Duration: "3h", From: "2027-02-22"},
			[]string{"Mon 08 09:00-12:00", "Mon 22 09:00-12:00"}},
		{"COUNT counts from From", "2027-03-01", "2027-03-31",
			model.Recurrence{RRule: "FREQ=DAILY;COUNT=3", Start: "09:00", Duration: "1h", From: "2027-02-27"},
			[]string{"Mon 01 09:00-10:00"}},
		{"UNTIL a local time includes it", "2027-03-01", "2027-03-31",
			model.Recurrence{RRule: "FREQ=DAILY;UNTIL=20270302T090000", Start: "09:00", Duration: "1h"},
			[]string{"Mon 01 09:00-10:00", "Tue 02 09:00-10:00"}},
		// rrule-go reads a date UNTIL as that day's local midnight: the day is out.
		{"UNTIL a date excludes that day", "2027-03-01", "2027-03-31",
			model.Recurrence{RRule: "FREQ=DAILY;UNTIL=20270302", Start: "09:00", Duration: "1h"},
			[]string{"Mon 01 09:00-10:00"}},
		{"UNTIL in UTC", "2027-03-01", "2027-03-31",
			model.Recurrence{RRule: "FREQ=DAILY;UNTIL=20270302T080000Z", Start: "09:00", Duration: "1h"},
			[]string{"Mon 01 09:00-10:00", "Tue 02 09:00-10:00"}},
		{"first Monday and last Friday of the month", "2027-03-01", "2027-04-30",
			model.Recurrence{RRule: "FREQ=MONTHLY;BYDAY=1MO,-1FR", Start: "14:00", Duration: "2h"},
			[]string{"Mon 01 14:00-16:00", "Fri 26 14:00-16:00", "Mon 05 14:00-16:00", "Fri 30 14:00-16:00"}},
		{"BYHOUR gives several windows a day", "2027-03-01", "2027-03-02",
			model.Recurrence{RRule: "FREQ=DAILY;BYHOUR=9,14", Start: "09:00", Duration: "2h"},
			[]string{"Mon 01 09:00-11:00", "Mon 01 14:00-16:00", "Tue 02 09:00-11:00", "Tue 02 14:00-16:00"}},
		// 02:30 does not exist on 28 March 2027: that day's occurrence is at 03:30.
		{"a start in the spring gap", "2027-03-27", "2027-03-29",
			model.Recurrence{RRule: "FREQ=DAILY", Start: "02:30", Duration: "1h"},
			[]string{"Sat 27 02:30-03:30", "Sun 28 03:30-04:30", "Mon 29 02:30-03:30"}},
		// rrule-go in the time zone would put every occurrence at 03:30: it takes the
		// time of day from DTSTART after Go moved it out of the gap.
		{"From a spring switch day at a time in the gap", "2027-03-27", "2027-03-29",
			model.Recurrence{RRule: "FREQ=DAILY", Start: "02:30", Duration: "1h", From: "2027-03-28"},
			[]string{"Sun 28 03:30-04:30", "Mon 29 02:30-03:30"}},
		// 02:30 happens twice on 31 October 2027: RFC 5545 takes the first, in
		// summer time (+02:00), so that the hour ends at the second 02:30 (+01:00).
		{"a start in the autumn overlap", "2027-10-30", "2027-11-01",
			model.Recurrence{RRule: "FREQ=DAILY", Start: "02:30", Duration: "1h"},
			[]string{"Sat 30 02:30-03:30", "Sun 31 02:30-02:30", "Mon 01 02:30-03:30"}},
		// rrule-go steps HOURLY rules in wall time: 02:00 becomes 03:00 and would
		// come twice; the duplicate is dropped.
		{"HOURLY across the spring switch", "2027-03-28", "2027-03-28",
			model.Recurrence{RRule: "FREQ=HOURLY;BYHOUR=1,2,3,4", Start: "01:00", Duration: "30m"},
			[]string{"Sun 28 01:00-01:30", "Sun 28 03:00-03:30", "Sun 28 04:00-04:30"}},
		{"an occurrence running into the first day is kept whole", "2027-03-02", "2027-03-02",
			model.Recurrence{RRule: "FREQ=DAILY", Start: "22:00", Duration: "4h", From: "2027-02-28"},
			[]string{"Mon 01 22:00-02:00", "Tue 02 22:00-02:00"}},
		{"a rule with no occurrence at all", "2027-01-01", "2027-12-31",
			model.Recurrence{RRule: "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", Start: "09:00", Duration: "1h"},
			[]string{}},
		{"every four years on 29 February", "2027-01-01", "2029-12-31",
			model.Recurrence{RRule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", Start: "08:00", Duration: "1h", From: "2024-01-01"},
			[]string{"Tue 29 08:00-09:00"}},
		{"every four years on 29 February, never a leap year", "2027-01-01", "2029-12-31",
			model.Recurrence{RRule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", Start: "08:00", Duration: "1h", From: "2025-01-01"},
			[]string{}},
		{"RRULE: prefix", "2027-03-01", "2027-03-01",
			model.Recurrence{RRule: "RRULE:FREQ=DAILY", Start: "09:00", Duration: "1h"},
			[]string{"Mon 01 09:00-10:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ws, err := c.Recurrences(typed(c, tc.r))
			require.NoError(t, err)
			assert.Equal(t, tc.want, days(c, ws))
		})
	}
}

// At both changes of 2027 in Europe/Paris, an occurrence at a local time that
// repeats (31 October, 02:00-03:00) is the first, summer-time one, and one at a
// local time that does not exist (28 March) moves forward by the gap (RFC 5545
// 3.3.5).
func TestRecurrencesAtTheDaylightSavingChanges(t *testing.T) {
	for _, tc := range []struct {
		name, start, end, rule, at string
		want                       []string
	}{
		{"autumn, 02:30", "2027-10-30", "2027-11-01", "FREQ=DAILY", "02:30",
			[]string{"2027-10-30T02:30:00+02:00", "2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"}},
		{"autumn, 02:00 on Sundays", "2027-10-24", "2027-11-07", "FREQ=WEEKLY;BYDAY=SU", "02:00",
			[]string{"2027-10-24T02:00:00+02:00", "2027-10-31T02:00:00+02:00", "2027-11-07T02:00:00+01:00"}},
		{"autumn, 03:00 is after the repeated hour", "2027-10-31", "2027-10-31", "FREQ=DAILY", "03:00",
			[]string{"2027-10-31T03:00:00+01:00"}},
		{"spring, 02:30", "2027-03-27", "2027-03-29", "FREQ=DAILY", "02:30",
			[]string{"2027-03-27T02:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"}},
		{"spring, 02:00 on the last Sunday", "2027-03-01", "2027-03-31", "FREQ=MONTHLY;BYDAY=-1SU", "02:00",
			[]string{"2027-03-28T03:00:00+02:00"}},
		{"spring, from the change day at a time in the gap", "2027-03-28", "2027-03-29", "FREQ=DAILY", "02:30",
			[]string{"2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"}},
		{"autumn, from the change day at a repeated time", "2027-10-31", "2027-11-01", "FREQ=DAILY", "02:30",
			[]string{"2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"}},
		{"autumn, hourly through the repeated hour", "2027-10-31", "2027-10-31", "FREQ=HOURLY;BYHOUR=1,2,3", "01:00",
			[]string{"2027-10-31T01:00:00+02:00", "2027-10-31T02:00:00+02:00", "2027-10-31T03:00:00+01:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ws, err := c.Recurrences(typed(c, model.Recurrence{RRule: tc.rule, Start: tc.at, Duration: "1h"}))
			require.NoError(t, err)
			got := []string{}
			for _, w := range ws {
				got = append(got, c.Time(w.Start).Format(time.RFC3339))
				assert.Equal(t, 60, w.Len(), "an hour is 60 minutes elapsed")
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRecurrencesListIsSortedAndDeduplicated(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-03-02")
	ws, err := c.Recurrences(typed(c,
		model.Recurrence{RRule: "FREQ=DAILY", Start: "13:00", Duration: "4h"},
		model.Recurrence{RRule: "FREQ=DAILY", Start: "08:00", Duration: "4h"},
		model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=MO", Start: "08:00", Duration: "4h"},
	))
	require.NoError(t, err)
	assert.Equal(t, []string{"Mon 01 08:00-12:00", "Mon 01 13:00-17:00", "Tue 02 08:00-12:00", "Tue 02 13:00-17:00"}, days(c, ws))
}

func TestRecurrenceErrors(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-06-30")
	ok := func(rule string) model.Recurrence {
		return model.Recurrence{RRule: rule, Start: "09:00", Duration: "1h"}
	}
	for _, tc := range []struct {
		name string
		r    model.Recurrence
		err  string
	}{
		{"bad frequency", ok("FREQ=WEEKY"),
			`rrule "FREQ=WEEKY": invalid frequency "WEEKY" (YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY)`},
		{"DTSTART line", ok("DTSTART:20270301T080000\nRRULE:FREQ=DAILY"),
			`rrule "DTSTART:20270301T080000\nRRULE:FREQ=DAILY": give the first date in "from" and the time in "start", not DTSTART`},
		{"DTSTART part", ok("FREQ=DAILY;DTSTART=20270301T080000"),
			`rrule "FREQ=DAILY;DTSTART=20270301T080000": give the first date in "from" and the time in "start", not DTSTART`},
		{"two lines", ok("FREQ=DAILY\nFREQ=WEEKLY"),
			`rrule "FREQ=DAILY\nFREQ=WEEKLY": must be one line of parts NAME=VALUE separated by ";"`},
		{"empty rule", ok(" "), `rrule " ": missing rrule (e.g. "FREQ=WEEKLY;BYDAY=TU,TH")`},
		{"trailing semicolon", ok("FREQ=DAILY;"), `rrule "FREQ=DAILY;": empty part (a ";" too many)`},
		{"no equal sign", ok("FREQ=DAILY;BYDAY"), `rrule "FREQ=DAILY;BYDAY": part "BYDAY" is not NAME=VALUE`},
		{"no value", ok("FREQ=DAILY;BYDAY="), `rrule "FREQ=DAILY;BYDAY=": BYDAY has no value`},
		{"no FREQ", ok("BYDAY=MO"), `rrule "BYDAY=MO": FREQ is missing (e.g. FREQ=WEEKLY)`},
		{"lower case", ok("freq=weekly"), `rrule "freq=weekly": unknown part "freq" (RRULE names are upper case: FREQ)`},
		{"unknown part", ok("FREQ=DAILY;EXDATE=20270301"), `rrule "FREQ=DAILY;EXDATE=20270301": unknown part "EXDATE"`},
		{"twice", ok("FREQ=DAILY;FREQ=WEEKLY"), `rrule "FREQ=DAILY;FREQ=WEEKLY": FREQ is given twice`},
		{"interval not a number", ok("FREQ=DAILY;INTERVAL=x"), `rrule "FREQ=DAILY;INTERVAL=x": INTERVAL "x" is not a whole number`},
		{"interval zero", ok("FREQ=DAILY;INTERVAL=0"), `rrule "FREQ=DAILY;INTERVAL=0": INTERVAL 0 is not positive`},
		{"interval huge", ok("FREQ=HOURLY;INTERVAL=9223372036854775807"),
			`rrule "FREQ=HOURLY;INTERVAL=9223372036854775807": INTERVAL 9223372036854775807 is larger than 100000`},
		{"count negative", ok("FREQ=DAILY;COUNT=-1"), `rrule "FREQ=DAILY;COUNT=-1": COUNT -1 is not positive`},
		{"count and until", ok("FREQ=DAILY;COUNT=2;UNTIL=20270401"), `rrule "FREQ=DAILY;COUNT=2;UNTIL=20270401": COUNT and UNTIL exclude each other`},
		{"bad until", ok("FREQ=DAILY;UNTIL=2027-04-01"),
			`rrule "FREQ=DAILY;UNTIL=2027-04-01": UNTIL "2027-04-01" is not a date YYYYMMDD, a local time YYYYMMDDTHHMMSS or a UTC time YYYYMMDDTHHMMSSZ`},
		{"bad weekday", ok("FREQ=WEEKLY;BYDAY=MO,XX"),
			`rrule "FREQ=WEEKLY;BYDAY=MO,XX": BYDAY "MO,XX": "XX" is not a weekday such as MO or, in a monthly or yearly rule, 1MO or -1FR`},
		{"weekday ordinal zero", ok("FREQ=MONTHLY;BYDAY=0MO"),
			`rrule "FREQ=MONTHLY;BYDAY=0MO": BYDAY "0MO": "0MO" is not a weekday such as MO or, in a monthly or yearly rule, 1MO or -1FR`},
		{"weekday ordinal in a weekly rule", ok("FREQ=WEEKLY;BYDAY=1MO"),
			`rrule "FREQ=WEEKLY;BYDAY=1MO": BYDAY 1MO: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY`},
		{"bad week start", ok("FREQ=WEEKLY;WKST=1MO"), `rrule "FREQ=WEEKLY;WKST=1MO": WKST "1MO" is not a weekday MO, TU, WE, TH, FR, SA or SU`},
		{"month day out of range", ok("FREQ=MONTHLY;BYMONTHDAY=32"),
			`rrule "FREQ=MONTHLY;BYMONTHDAY=32": BYMONTHDAY 32 is not between 1 and 31 or -31 and -1`},
		{"month out of range", ok("FREQ=YEARLY;BYMONTH=13"), `rrule "FREQ=YEARLY;BYMONTH=13": BYMONTH 13 is not between 1 and 12`},
		{"not a list of numbers", ok("FREQ=DAILY;BYHOUR=9,,14"), `rrule "FREQ=DAILY;BYHOUR=9,,14": BYHOUR "9,,14" is not a list of whole numbers`},
		{"duplicate in a list", ok("FREQ=DAILY;BYHOUR=9,9"), `rrule "FREQ=DAILY;BYHOUR=9,9": BYHOUR lists 9 twice`},
		{"easter too far", ok("FREQ=YEARLY;BYEASTER=-100"), `rrule "FREQ=YEARLY;BYEASTER=-100": BYEASTER -100 is not between -80 and 250`},
		{"BYSETPOS beyond the period", ok("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=1,3"),
			`rrule "FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=1,3": BYSETPOS 3: one hour of this rule holds at most 2 occurrences`},
		{"BYSETPOS beyond the week", ok("FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=-8"),
			`rrule "FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=-8": BYSETPOS -8: one week of this rule holds at most 7 occurrences`},
		{"Easter in a daily rule", ok("FREQ=DAILY;BYEASTER=1"), `rrule "FREQ=DAILY;BYEASTER=1": BYEASTER needs FREQ=YEARLY`},
		{"minutely", ok("FREQ=MINUTELY"), `rrule "FREQ=MINUTELY": frequency MINUTELY: a frequency finer than HOURLY is not a calendar of works`},
		{"secondly", ok("FREQ=SECONDLY;BYSECOND=0"), `rrule "FREQ=SECONDLY;BYSECOND=0": frequency SECONDLY: a frequency finer than HOURLY is not a calendar of works`},
		{"too many times of day", ok("FREQ=DAILY;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYSECOND=0,30"),
			"more than 1440 times of day (BYHOUR × BYMINUTE × BYSECOND)"},
		// rrule-go would loop for ever: from 09:00 every 24 hours is always 09:00.
		{"HOURLY never reaching BYHOUR", ok("FREQ=HOURLY;INTERVAL=24;BYHOUR=5"),
			`rrule "FREQ=HOURLY;INTERVAL=24;BYHOUR=5": every 24 hours from 09:00 the rule never reaches its BYHOUR`},
		{"HOURLY never reaching BYHOUR, even hours", ok("FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10"),
			`rrule "FREQ=HOURLY;INTERVAL=2;BYHOUR=8,10": every 2 hours from 09:00 the rule never reaches its BYHOUR`},
		{"too many windows", ok("FREQ=HOURLY;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55"),
			`rrule "FREQ=HOURLY;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55": more than 200000 windows over the horizon`},
		{"too long a rule", ok("FREQ=DAILY;BYSETPOS=" + longList(400)),
			`rrule "FREQ=DAILY;BYSETPOS=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30…": longer than 1000 characters`},
		{"From far in the past", model.Recurrence{RRule: "FREQ=HOURLY", Start: "09:00", Duration: "1h", From: "1900-01-01"},
			`rrule "FREQ=HOURLY": more than 500000 occurrences from 1900-01-01 to the end of the operation`},
		{"bad start", model.Recurrence{RRule: "FREQ=DAILY", Start: "9h", Duration: "1h"}, `start "9h" is not a time of day HH:MM`},
		{"start 25:00", model.Recurrence{RRule: "FREQ=DAILY", Start: "25:00", Duration: "1h"}, `start "25:00" is not a time of day HH:MM`},
		{"no start", model.Recurrence{RRule: "FREQ=DAILY", Duration: "1h"}, "missing start time of day (HH:MM)"},
		{"zero duration", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00", Duration: "0m"}, `duration "0m" is not positive`},
		{"days in a duration", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00", Duration: "1d"},
			`duration "1d": days are not allowed here, write hours (48h)`},
		{"bad duration", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00", Duration: "4 hours"},
			`duration "4 hours" is not a duration such as 45m, 4h, 1h30m or 0.5d`},
		{"no duration", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00"}, `missing duration (e.g. "4h")`},
		{"bad from", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00", Duration: "1h", From: "tomorrow"},
			`from "tomorrow" is not a date YYYY-MM-DD`},
		{"bad exdate", model.Recurrence{RRule: "FREQ=DAILY", Start: "09:00", Duration: "1h", ExDates: []string{"20270301"}},
			`exdate "20270301" is not a date YYYY-MM-DD`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := c
			if tc.name == "too many windows" {
				cl = clock(t, "2027-01-01", "2030-12-31")
			}
			rs := []model.Recurrence{weekdays8to12, tc.r}
			ws, err := cl.Recurrences(typed(cl, rs...))
			assert.Nil(t, ws)
			require.Error(t, err)
			if tc.name == "too many times of day" {
				assert.Contains(t, err.Error(), tc.err)
			} else {
				assert.EqualError(t, err, tc.err)
			}
			var re *RecurrenceError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, 1, re.Index)
			_, err = cl.Calendar(typed(cl, rs...))
			assert.Error(t, err)
		})
	}
}

func longList(n int) string {
	s := "1"
	for i := 2; i <= n; i++ {
		s += "," + strconv.Itoa(i)
	}
	return s
}

func TestCalendarCache(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-06-30")
	pattern := func() []model.Recurrence {
		return []model.Recurrence{
			{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h", ExDates: []string{"2027-03-09", "2027-04-01"}},
			{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "3h"},
		}
	}
	a, err := c.Calendar(typed(c, pattern()...))
	require.NoError(t, err)
	require.NotNil(t, a)
	assert.NotEmpty(t, a.Windows())

	same := map[string][]model.Recurrence{"a copy": pattern()}
	swapped := pattern()
	swapped[0], swapped[1] = swapped[1], swapped[0]
	same["recurrences in another order"] = swapped
	ex := pattern()
	ex[0].ExDates = []string{"2027-04-01", "2027-03-09", "2027-04-01"}
	same["ExDates in another order, repeated"] = ex
	from := pattern()
	from[1].From = "2027-03-01"
	same["From the operation's start"] = from
	for name, rs := range same {
		b, err := c.Calendar(typed(c, rs...))
		require.NoError(t, err)
		assert.Same(t, a, b, name)
	}

	other := map[string][]model.Recurrence{}
	o := pattern()
	o[0].ExDates = nil
	other["no ExDates"] = o
	o = pattern()
	o[1].Start = "09:30"
	other["another start"] = o
	o = pattern()
	o[1].From = "2027-03-08"
	other["another From"] = o
	other["one recurrence"] = pattern()[:1]
	for name, rs := range other {
		b, err := c.Calendar(typed(c, rs...))
		require.NoError(t, err)
		assert.NotSame(t, a, b, name)
	}

	empty, err := c.Calendar(typed(c))
	require.NoError(t, err)
	assert.NotNil(t, empty, "no recurrence is the never-open calendar, not the always-open nil")
	assert.Empty(t, empty.Windows())
}

func TestCalendarCacheConcurrent(t *testing.T) {
	c := clock(t, "2027-01-01", "2028-12-31")
	const n = 16
	got := make([]*solver.Calendar, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cal, err := c.Calendar(typed(c, model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=MO,WE", Start: "10:00", Duration: "2h"}))
			assert.NoError(t, err)
			got[i] = cal
			_ = c.DayStarts()
			_ = c.WeekStarts()
		}()
	}
	wg.Wait()
	for i := range got {
		assert.Same(t, got[0], got[i])
	}
}

// A Clock made as a literal, without NewClock, still caches.
func TestCalendarLiteralClock(t *testing.T) {
	nc := clock(t, "2027-03-01", "2027-03-31")
	c := &Clock{Loc: nc.Loc, Epoch: nc.Epoch, Horizon: nc.Horizon}
	a, err := c.Calendar(typed(c, weekdays8to12))
	require.NoError(t, err)
	b, err := c.Calendar(typed(c, weekdays8to12))
	require.NoError(t, err)
	assert.Same(t, a, b)
	assert.Equal(t, 23*240, a.Total())
}

func FuzzRecurrence(f *testing.F) {
	c := clock(f, "2027-01-01", "2027-03-31")
	horizon := c.HorizonMinutes()
	for _, s := range []string{
		"FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=DAILY;INTERVAL=2", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR",
		"FREQ=YEARLY;COUNT=3", "FREQ=HOURLY;INTERVAL=5;BYHOUR=3,8", "FREQ=YEARLY;BYEASTER=1",
		"FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270301T000000Z",
		"FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,MO", "FREQ=YEARLY;BYYEARDAY=-1,100", "DTSTART:20270101\nFREQ=DAILY",
	} {
		f.Add(s, "08:00", "4h")
	}
	f.Fuzz(func(t *testing.T, rule, start, dur string) {
		r := model.Recurrence{RRule: rule, Start: start, Duration: dur}
		ws, err := c.Recurrences(typed(c, r))
		if err != nil {
			return
		}
		d, _ := model.ParseDuration(dur, 0)
		assert.LessOrEqual(t, len(ws), MaxWindows)
		for i, w := range ws {
			assert.Equal(t, d, w.Len())
			assert.Greater(t, w.End, 0)
			assert.Less(t, w.Start, horizon)
			if i > 0 {
				assert.Less(t, ws[i-1].Start, w.Start)
			}
		}
	})
}

// reference expands r the plain way, rrule-go in the operation's time zone (as the
// verifier does), each occurrence placed by model.LocalTime, for rules that do
// have occurrences after the horizon.
func reference(t *testing.T, c *Clock, r model.Recurrence) []solver.Window {
	t.Helper()
	opt, err := rrule.StrToROptionInLocation(r.RRule, c.Loc)
	require.NoError(t, err)
	clk, err := model.ParseClock(r.Start)
	require.NoError(t, err)
	dur, err := model.ParseDuration(r.Duration, 0)
	require.NoError(t, err)
	from := c.Epoch
	if r.From != "" {
		from, err = model.ParseDate(r.From, c.Loc)
		require.NoError(t, err)
	}
	opt.Dtstart = time.Date(from.Year(), from.Month(), from.Day(), 0, clk, 0, 0, c.Loc)
	rr, err := rrule.NewRRule(*opt)
	require.NoError(t, err)
	ex := map[string]bool{}
	for _, e := range r.ExDates {
		ex[e] = true
	}
	var out []solver.Window
	next := rr.Iterator()
	for {
		o, ok := next()
		if !ok || !o.Before(c.Horizon) {
			break
		}
		o = o.In(c.Loc) // placed as RFC 5545 says: the first of a repeated time
		o = model.LocalTime(o.Year(), o.Month(), o.Day(), o.Hour(), o.Minute(), o.Second(), 0, c.Loc)
		s := c.Minute(o)
		if s+dur <= 0 || ex[o.Format(time.DateOnly)] {
			continue
		}
		out = append(out, solver.Window{Start: s, End: s + dur})
	}
	slices.SortFunc(out, func(a, b solver.Window) int { return a.Start - b.Start })
	return slices.Compact(out)
}

// The expansion in shifted wall time gives what rrule-go gives in the time zone.
func TestRecurrencesMatchRRuleGoInTheTimeZone(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-11-30")
	for _, r := range []model.Recurrence{
		weekdays8to12,
		{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h", ExDates: []string{"2027-03-09", "2027-10-28"}},
		{RRule: "FREQ=DAILY", Start: "02:30", Duration: "1h"},
		{RRule: "FREQ=DAILY", Start: "02:00", Duration: "1h", From: "2027-10-31"},
		{RRule: "FREQ=DAILY", Start: "24:00", Duration: "1h"},
		{RRule: "FREQ=HOURLY;BYHOUR=0,1,2,3,4", Start: "00:00", Duration: "30m"},
		{RRule: "FREQ=HOURLY;INTERVAL=5", Start: "07:00", Duration: "1h", From: "2027-02-14"},
		{RRule: "FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0,30", Start: "02:00", Duration: "20m"},
		{RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", Start: "09:00", Duration: "3h", From: "1990-01-01"},
		{RRule: "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,MO", Start: "10:00", Duration: "3h", From: "2026-12-30"},
		{RRule: "FREQ=MONTHLY;BYDAY=-1SU", Start: "02:30", Duration: "2h"},
		{RRule: "FREQ=MONTHLY;BYMONTHDAY=-1,15", Start: "18:00", Duration: "8h", From: "2026-01-31"},
		{RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", Start: "14:00", Duration: "2h"},
		{RRule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE", Start: "09:00", Duration: "1h", From: "2025-02-01"},
		{RRule: "FREQ=YEARLY;BYWEEKNO=13,44;BYDAY=SU", Start: "01:00", Duration: "3h"},
		{RRule: "FREQ=YEARLY;BYYEARDAY=1,100,-1,-60", Start: "08:00", Duration: "1h", From: "2024-01-01"},
		{RRule: "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=1,2,3", Start: "01:00", Duration: "45m"},
		{RRule: "FREQ=DAILY;UNTIL=20270331T023000", Start: "02:30", Duration: "1h"},
		{RRule: "FREQ=DAILY;UNTIL=20271031T013000Z", Start: "02:30", Duration: "1h", From: "2027-10-25"},
		{RRule: "FREQ=DAILY;COUNT=40", Start: "23:00", Duration: "2h", From: "2027-02-10"},
		{RRule: "FREQ=YEARLY;BYEASTER=0,1,39,50", Start: "09:00", Duration: "1h"},
	} {
		t.Run(r.RRule+" "+r.Start+" "+r.From, func(t *testing.T) {
			ws, err := c.Recurrences(typed(c, r))
			require.NoError(t, err)
			want := reference(t, c, r)
			require.NotEmpty(t, want)
			assert.Equal(t, days(c, want), days(c, ws))
		})
	}
}

// FuzzValidatedRulesExpand: a recurrence the validation accepts (as the
// operation's site hours) is one the calendars expand without failing, but on the
// bounds of windows and occurrences over the horizon, which need the expansion.
func FuzzValidatedRulesExpand(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("..", "..", "model", "testdata", "valid.json"))
	require.NoError(f, err)
	for _, s := range []string{
		"FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-6MO", "FREQ=YEARLY;BYMONTH=1;BYDAY=5SU",
		"FREQ=HOURLY;INTERVAL=5;BYHOUR=3,8", "FREQ=YEARLY;BYEASTER=1", "FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO",
		"FREQ=DAILY;BYSETPOS=1", "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,MO", "FREQ=YEARLY;BYYEARDAY=-1,100;BYDAY=20TH",
	} {
		f.Add(s, "08:00", "2027-01-01")
	}
	f.Fuzz(func(t *testing.T, rule, start, from string) {
		p, err := model.DecodeBytes(data)
		require.NoError(t, err)
		r := model.Recurrence{RRule: rule, Start: start, Duration: "1h", From: from}
		p.Operation.SiteHours = []model.Recurrence{r}
		if model.Validate(p) != nil {
			return
		}
		c, err := newClock(p)
		require.NoError(t, err)
		_, err = c.Recurrences(typed(c, r))
		if err != nil && !strings.Contains(err.Error(), "more than") {
			t.Fatalf("validated %+v, but the calendar says: %v", r, err)
		}
	})
}
