package calendar

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

func clock(t *testing.T, start, end string) *Clock {
	t.Helper()
	c, err := NewClock(&model.Problem{Operation: model.Operation{TimeZone: "Europe/Paris", Start: start, End: end}})
	require.NoError(t, err)
	return c
}

// Across the spring and autumn switches a local 08:00-12:00 window lasts 240
// minutes and starts at 08:00 local time.
func TestRecurrencesAcrossDST(t *testing.T) {
	for _, week := range []struct{ name, start, end string }{
		{"spring 2027", "2027-03-22", "2027-04-04"},
		{"autumn 2027", "2027-10-25", "2027-11-07"},
	} {
		t.Run(week.name, func(t *testing.T) {
			c := clock(t, week.start, week.end)
			ws, err := c.Recurrences([]model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "4h"}})
			require.NoError(t, err)
			require.Len(t, ws, 10)
			for _, w := range ws {
				assert.Equal(t, 240, w.Len())
				assert.Equal(t, 8, c.Time(w.Start).Hour())
				assert.Equal(t, 12, c.Time(w.End).Hour())
			}
		})
	}
}

func TestDayStartsOnSwitchDays(t *testing.T) {
	c := clock(t, "2027-03-27", "2027-03-29")
	ds := c.DayStarts()
	require.Len(t, ds, 4)
	assert.Equal(t, 1440, ds[1]-ds[0])
	assert.Equal(t, 1380, ds[2]-ds[1]) // 28 March 2027: 23 hours
	c = clock(t, "2027-10-30", "2027-11-01")
	ds = c.DayStarts()
	assert.Equal(t, 1500, ds[2]-ds[1]) // 31 October 2027: 25 hours
}

func TestWeekStartsAreMondays(t *testing.T) {
	c := clock(t, "2027-03-03", "2027-04-20")
	ws := c.WeekStarts()
	assert.LessOrEqual(t, ws[0], 0)
	for _, m := range ws {
		assert.Equal(t, "Monday", c.Time(m).Weekday().String())
		assert.Equal(t, 0, c.Time(m).Hour())
	}
	assert.GreaterOrEqual(t, ws[len(ws)-1], c.HorizonMinutes())
}

func TestExDatesAndFrom(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-03-14")
	ws, err := c.Recurrences([]model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "5h",
		From: "2027-03-03", ExDates: []string{"2027-03-09"}}})
	require.NoError(t, err)
	var days []string
	for _, w := range ws {
		days = append(days, c.Time(w.Start).Format("Mon 02 15:04"))
	}
	assert.Equal(t, []string{"Thu 04 13:00", "Thu 11 13:00"}, days)
}

func TestPeriodsAndDates(t *testing.T) {
	c := clock(t, "2027-08-01", "2027-08-31")
	ws, err := c.Periods([]model.Period{{From: "2027-08-01", To: "2027-08-15"}})
	require.NoError(t, err)
	assert.Equal(t, "2027-08-16 00:00", c.Time(ws[0].End).Format("2006-01-02 15:04"))
	ds, err := c.Dates([]string{"2027-08-15"})
	require.NoError(t, err)
	assert.Equal(t, 1440, ds[0].Len())
	_, err = c.Periods([]model.Period{{From: "2027-08-10", To: "2027-08-01"}})
	assert.Error(t, err)
}

func TestDailyHours(t *testing.T) {
	c := clock(t, "2027-03-27", "2027-03-29")
	ws := c.DailyHours(10*60, 24*60)
	require.Len(t, ws, 3)
	for _, w := range ws {
		assert.Equal(t, 10, c.Time(w.Start).Hour())
	}
	assert.Equal(t, 14*60, ws[0].Len())
}

func TestCalendarCacheAndErrors(t *testing.T) {
	c := clock(t, "2027-03-01", "2027-06-30")
	rs := []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO", Start: "09:00", Duration: "3h"}}
	a, err := c.Calendar(rs)
	require.NoError(t, err)
	b, err := c.Calendar([]model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO", Start: "09:00", Duration: "3h"}})
	require.NoError(t, err)
	assert.Same(t, a, b)
	bad := []model.Recurrence{
		{RRule: "FREQ=WEEKY", Start: "09:00", Duration: "1h"},
		{RRule: "DTSTART:20270301T080000\nRRULE:FREQ=DAILY", Start: "09:00", Duration: "1h"},
		{RRule: "FREQ=DAILY", Start: "9h", Duration: "1h"},
		{RRule: "FREQ=DAILY", Start: "09:00", Duration: "0m"},
		{RRule: "FREQ=MINUTELY", Start: "09:00", Duration: "1m"},
	}
	for _, r := range bad {
		_, err := c.Recurrences([]model.Recurrence{r})
		assert.Error(t, err, "%+v", r)
	}
	// a rule with no occurrence at all is bounded by the horizon, not by year 9999
	ws, err := c.Recurrences([]model.Recurrence{{RRule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", Start: "09:00", Duration: "1h"}})
	require.NoError(t, err)
	assert.Empty(t, ws)
}

func FuzzRecurrence(f *testing.F) {
	c, _ := NewClock(&model.Problem{Operation: model.Operation{TimeZone: "Europe/Paris", Start: "2027-01-01", End: "2027-03-01"}})
	for _, s := range []string{"FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=DAILY;INTERVAL=2", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR", "FREQ=YEARLY;COUNT=3"} {
		f.Add(s, "08:00", "4h")
	}
	f.Fuzz(func(t *testing.T, rule, start, dur string) {
		_, _ = c.Recurrences([]model.Recurrence{{RRule: rule, Start: start, Duration: dur}})
	})
}
