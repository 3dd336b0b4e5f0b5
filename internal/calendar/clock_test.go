package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// clock is a clock in Europe/Paris over [start, end].
func clock(t testing.TB, start, end string) *Clock {
	t.Helper()
	c, err := newClock(&model.Problem{Operation: model.Operation{TimeZone: "Europe/Paris", Start: start, End: end}})
	require.NoError(t, err)
	return c
}

// stamp is a minute as local "2006-01-02 15:04".
func stamp(c *Clock, m int) string { return c.Time(m).Format("2006-01-02 15:04") }

func TestNewClock(t *testing.T) {
	for _, tc := range []struct {
		name, zone, start, end string
		err                    string
		horizon                int
	}{
		{"ordinary week", "Europe/Paris", "2027-01-04", "2027-01-10", "", 7 * 1440},
		{"spring switch", "Europe/Paris", "2027-03-28", "2027-03-28", "", 1380},
		{"autumn switch", "Europe/Paris", "2027-10-31", "2027-10-31", "", 1500},
		{"a year", "Europe/Paris", "2027-01-01", "2027-12-31", "", 365 * 1440},
		{"no zone", "", "2027-01-01", "2027-01-02", "missing time zone", 0},
		{"bad zone", "Europe/Lutece", "2027-01-01", "2027-01-02", `unknown time zone "Europe/Lutece"`, 0},
		{"bad start", "Europe/Paris", "2027-1-1", "2027-01-02", `start "2027-1-1" is not a date YYYY-MM-DD`, 0},
		{"bad end", "Europe/Paris", "2027-01-01", "soon", `end "soon" is not a date YYYY-MM-DD`, 0},
		{"end before start", "Europe/Paris", "2027-01-02", "2027-01-01", "end 2027-01-01 is before start 2027-01-02", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newClock(&model.Problem{Operation: model.Operation{TimeZone: tc.zone, Start: tc.start, End: tc.end}})
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.horizon, c.HorizonMinutes())
			assert.Equal(t, tc.start+" 00:00", stamp(c, 0))
			assert.Equal(t, "00:00", c.Horizon.Format("15:04"))
		})
	}
}

func TestMinuteAndTime(t *testing.T) {
	c := clock(t, "2027-03-27", "2027-03-29")
	paris := c.Loc
	for _, tc := range []struct {
		name string
		t    time.Time
		want int
	}{
		{"epoch", time.Date(2027, 3, 27, 0, 0, 0, 0, paris), 0},
		{"seconds round down", time.Date(2027, 3, 27, 8, 0, 59, 0, paris), 480},
		{"before the epoch rounds down", time.Date(2027, 3, 26, 23, 59, 30, 0, paris), -1},
		{"after the spring switch", time.Date(2027, 3, 28, 8, 0, 0, 0, paris), 1440 + 7*60},
		{"UTC input", time.Date(2027, 3, 28, 6, 0, 0, 0, time.UTC), 1440 + 7*60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, c.Minute(tc.t))
			back := c.Time(tc.want)
			assert.Equal(t, paris, back.Location())
			assert.Equal(t, tc.want, c.Minute(back))
		})
	}
}

func TestDayStarts(t *testing.T) {
	for _, tc := range []struct {
		name, start, end string
		lengths          []int // minutes of each local day
	}{
		{"ordinary", "2027-01-04", "2027-01-06", []int{1440, 1440, 1440}},
		{"spring switch 2027-03-28", "2027-03-27", "2027-03-29", []int{1440, 1380, 1440}},
		{"autumn switch 2027-10-31", "2027-10-30", "2027-11-01", []int{1440, 1500, 1440}},
		{"one day", "2027-10-31", "2027-10-31", []int{1500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ds := c.DayStarts()
			require.Len(t, ds, len(tc.lengths)+1)
			assert.Equal(t, 0, ds[0])
			assert.Equal(t, c.HorizonMinutes(), ds[len(ds)-1])
			for i, want := range tc.lengths {
				assert.Equal(t, want, ds[i+1]-ds[i], "day %d", i)
				assert.Equal(t, "00:00", c.Time(ds[i]).Format("15:04"))
			}
			ds[0] = 42 // the slice is the caller's
			assert.Equal(t, 0, c.DayStarts()[0])
		})
	}
}

func TestWeekStarts(t *testing.T) {
	for _, tc := range []struct {
		name, start, end string
		first            string // local date of the first week start
		weeks            int    // len
	}{
		{"starts on a Monday", "2027-03-01", "2027-03-14", "2027-03-01", 3},
		{"starts on a Wednesday", "2027-03-03", "2027-04-20", "2027-03-01", 9},
		{"starts on a Sunday", "2027-03-28", "2027-03-28", "2027-03-22", 2},
		{"ends on a Sunday across autumn", "2027-10-25", "2027-11-07", "2027-10-25", 3},
		{"ends on a Monday", "2027-10-25", "2027-11-08", "2027-10-25", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ws := c.WeekStarts()
			require.Len(t, ws, tc.weeks)
			assert.LessOrEqual(t, ws[0], 0)
			assert.Equal(t, tc.first, c.Time(ws[0]).Format(time.DateOnly))
			assert.GreaterOrEqual(t, ws[len(ws)-1], c.HorizonMinutes())
			assert.Less(t, ws[len(ws)-2], c.HorizonMinutes())
			for i, m := range ws {
				lt := c.Time(m)
				assert.Equal(t, time.Monday, lt.Weekday())
				assert.Equal(t, "00:00", lt.Format("15:04"))
				if i > 0 {
					assert.Contains(t, []int{7*1440 - 60, 7 * 1440, 7*1440 + 60}, m-ws[i-1])
				}
			}
		})
	}
}

func TestDailyHours(t *testing.T) {
	for _, tc := range []struct {
		name, start, end string
		from, to         int
		lengths          []int
		startAt          string // local time of day of every window's start
	}{
		{"no work before 10:00 across spring", "2027-03-27", "2027-03-29", 600, 1440, []int{840, 840, 840}, "10:00"},
		{"no work before 10:00 across autumn", "2027-10-30", "2027-11-01", 600, 1440, []int{840, 840, 840}, "10:00"},
		{"night hours on the spring switch day", "2027-03-28", "2027-03-28", 0, 360, []int{300}, "00:00"},
		{"night hours on the autumn switch day", "2027-10-31", "2027-10-31", 0, 360, []int{420}, "00:00"},
		{"nothing after 17:00", "2027-01-04", "2027-01-05", 0, 17 * 60, []int{1020, 1020}, "00:00"},
		{"empty", "2027-01-04", "2027-01-05", 600, 600, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clock(t, tc.start, tc.end)
			ws := c.DailyHours(tc.from, tc.to)
			require.Len(t, ws, len(tc.lengths))
			for i, w := range ws {
				assert.Equal(t, tc.lengths[i], w.Len(), "day %d", i)
				assert.Equal(t, tc.startAt, c.Time(w.Start).Format("15:04"))
				end := c.Time(w.End)
				assert.Equal(t, tc.to, end.Hour()*60+end.Minute()+1440*boolInt(tc.to == 1440))
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPeriods(t *testing.T) {
	c := clock(t, "2027-08-01", "2027-11-30")
	for _, tc := range []struct {
		name     string
		p        model.Period
		from, to string // local
		length   int
		err      string
	}{
		{"a date To covers the whole last day", model.Period{From: "2027-08-01", To: "2027-08-15"},
			"2027-08-01 00:00", "2027-08-16 00:00", 15 * 1440, ""},
		{"one day, the autumn switch", model.Period{From: "2027-10-31", To: "2027-10-31"},
			"2027-10-31 00:00", "2027-11-01 00:00", 1500, ""},
		{"local times", model.Period{From: "2027-09-01T08:30", To: "2027-09-01T12:00"},
			"2027-09-01 08:30", "2027-09-01 12:00", 210, ""},
		{"RFC 3339 with an offset", model.Period{From: "2027-09-01T06:30:00Z", To: "2027-09-01T12:00:00+02:00"},
			"2027-09-01 08:30", "2027-09-01 12:00", 210, ""},
		{"across the autumn switch", model.Period{From: "2027-10-30T12:00", To: "2027-10-31T12:00"},
			"2027-10-30 12:00", "2027-10-31 12:00", 1500, ""},
		{"before the epoch", model.Period{From: "2027-07-31", To: "2027-08-01T06:00"},
			"2027-07-31 00:00", "2027-08-01 06:00", 1800, ""},
		{"bad from", model.Period{From: "1 August", To: "2027-08-15"}, "", "", 0,
			`from "1 August" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"bad to", model.Period{From: "2027-08-01", To: "2027-08-32"}, "", "", 0,
			`to "2027-08-32" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"ends before it starts", model.Period{From: "2027-08-10", To: "2027-08-01"}, "", "", 0,
			"period from 2027-08-10 to 2027-08-01 does not end after it starts"},
		{"empty", model.Period{From: "2027-08-10T10:00", To: "2027-08-10T10:00"}, "", "", 0,
			"period from 2027-08-10T10:00 to 2027-08-10T10:00 does not end after it starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := c.Periods(typedPeriods(c, tc.p), []model.Period{tc.p})
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, ws, 1)
			assert.Equal(t, tc.from, stamp(c, ws[0].Start))
			assert.Equal(t, tc.to, stamp(c, ws[0].End))
			assert.Equal(t, tc.length, ws[0].Len())
		})
	}
}

func TestDates(t *testing.T) {
	c := clock(t, "2027-01-01", "2027-12-31")
	ws, err := c.Dates(dates(c, "2027-03-28", "2027-08-15", "2027-10-31"))
	require.NoError(t, err)
	require.Len(t, ws, 3)
	for i, want := range []int{1380, 1440, 1500} {
		assert.Equal(t, want, ws[i].Len())
		assert.Equal(t, "00:00", c.Time(ws[i].Start).Format("15:04"))
		assert.Equal(t, "00:00", c.Time(ws[i].End).Format("15:04"))
	}
	_, err = c.Dates(dates(c, "2027-02-30"))
	assert.EqualError(t, err, `"2027-02-30" is not a date YYYY-MM-DD`)
}

// Easter 2027 is 28 March.
func TestFrenchHolidays2027(t *testing.T) {
	var got []string
	for _, d := range model.FrenchHolidays(2027) {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		"2027-01-01", // New Year
		"2027-03-29", // Easter Monday
		"2027-05-01",
		"2027-05-08",
		"2027-05-06", // Ascension, Easter + 39
		"2027-05-17", // Whit Monday, Easter + 50
		"2027-07-14",
		"2027-08-15",
		"2027-11-01",
		"2027-11-11",
		"2027-12-25",
	}, got)

	// and through the operation's calendar, as whole local days
	p := &model.Problem{Operation: model.Operation{TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-05-31",
		ExtraHolidays: []string{"2027-04-02"}}}
	c, err := newClock(p)
	require.NoError(t, err)
	ws, err := c.Dates(p.Typed().Holidays)
	require.NoError(t, err)
	var inside []string
	for _, w := range ws {
		if w.End > 0 && w.Start < c.HorizonMinutes() {
			inside = append(inside, c.Time(w.Start).Format(time.DateOnly))
		}
	}
	assert.Equal(t, []string{"2027-03-29", "2027-04-02", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17"}, inside)
}
