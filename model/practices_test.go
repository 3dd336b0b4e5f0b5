package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseMonthDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want MonthDay
		err  string
	}{
		{"10-15", MonthDay{time.October, 15}, ""},
		{"04-15", MonthDay{time.April, 15}, ""},
		{"12-31", MonthDay{time.December, 31}, ""},
		{"02-29", MonthDay{}, "no day 29"},
		{"04-31", MonthDay{}, "no day 31"},
		{"13-01", MonthDay{}, "not a day of the year"},
		{"1-5", MonthDay{}, "not a day of the year"},
		{"10/15", MonthDay{}, "not a day of the year"},
		{"", MonthDay{}, "not a day of the year"},
	} {
		got, err := ParseMonthDay(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		assert.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

// The default season runs over the new year, both ends included.
func TestSeasonContains(t *testing.T) {
	s := DefaultHeatingSeason
	for _, tc := range []struct {
		m    time.Month
		d    int
		want bool
	}{
		{time.October, 14, false}, {time.October, 15, true}, {time.January, 1, true},
		{time.April, 15, true}, {time.April, 16, false}, {time.July, 1, false},
	} {
		assert.Equal(t, tc.want, s.Contains(tc.m, tc.d), "%v %d", tc.m, tc.d)
	}
	summer := SeasonDays{MonthDay{time.June, 1}, MonthDay{time.August, 31}}
	assert.True(t, summer.Contains(time.July, 14))
	assert.False(t, summer.Contains(time.September, 1))
	assert.False(t, summer.Contains(time.May, 31))
}

func TestHeatingDefaults(t *testing.T) {
	p := &Problem{}
	assert.Equal(t, DefaultHeatingSeason, p.HeatingSeason())
	assert.Equal(t, 48, p.MaxHeatingCutHours())
	h := 12
	p.Operation.Policy = Policy{HeatingSeason: &Season{From: "11-01", To: "03-31"}, MaxHeatingCutHours: &h}
	assert.Equal(t, SeasonDays{MonthDay{time.November, 1}, MonthDay{time.March, 31}}, p.HeatingSeason())
	assert.Equal(t, 12, p.MaxHeatingCutHours())
}
