package solver

import "testing"

// A span limit in days counts the days of DayStarts a stretch touches (a stretch
// ending at midnight does not touch the next day); one in minutes, elapsed time.
func TestSpanLimitInDays(t *testing.T) {
	p := &Problem{Tasks: []Task{{Duration: 60}}, DayStarts: []int{0, 1440, 2880, 4320, 5760}}
	c, err := compile(p)
	if err != nil {
		t.Fatal(err)
	}
	days := &SpanLimit{Max: 2, Days: true}
	minutes := &SpanLimit{Max: 2 * 1440}
	for _, tc := range []struct {
		sp         *SpanLimit
		lo, hi     int
		over       bool
		earliestHi int // spanEarliest(sp, hi)
	}{
		{days, 600, 2000, false, 0},     // day 0 to day 1
		{days, 1380, 2940, true, 1440},  // 23:00 day 0 to 01:00 day 2: 3 days in 26 hours
		{days, 600, 2880, false, 0},     // ends at midnight: days 0 and 1
		{days, 600, 2881, true, 1440},   // one minute into day 2
		{days, 3000, 3000, false, 1440}, // empty: its own day
		{minutes, 1380, 2940, false, 2940 - 2880},
		{minutes, 0, 2881, true, 1},
	} {
		if got := c.spanOver(tc.sp, tc.lo, tc.hi); got != tc.over {
			t.Errorf("%+v [%d, %d): over %v, want %v", *tc.sp, tc.lo, tc.hi, got, tc.over)
		}
		if got := c.spanEarliest(tc.sp, tc.hi); got != tc.earliestHi {
			t.Errorf("%+v: earliest start ending %d is %d, want %d", *tc.sp, tc.hi, got, tc.earliestHi)
		}
	}
	if got := c.spanEarliest(days, 100); got != -MaxTime {
		t.Errorf("a stretch ending on the first day has no bound, got %d", got)
	}
}

func TestSpanLimitInDaysNeedsDays(t *testing.T) {
	p := &Problem{Tasks: []Task{{Duration: 60}}, Spans: []SpanLimit{{Name: "water", Tasks: []int{0}, Max: 2, Days: true}}}
	if err := p.Validate(); err == nil {
		t.Fatal("a limit in days without DayStarts is accepted")
	}
	p.DayStarts = []int{0, 1440}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}
