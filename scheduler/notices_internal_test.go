package scheduler

import "testing"

func TestDaysHours(t *testing.T) {
	for _, c := range []struct {
		hours float64
		want  string
	}{
		{0, "0 h"}, {0.4, "0 h"}, {3, "3 h"}, {23.6, "1 d"}, {48, "2 d"}, {644.2, "26 d 20 h"}, {-30, "1 d 6 h"},
	} {
		if got := daysHours(c.hours); got != c.want {
			t.Errorf("daysHours(%v) = %q, want %q", c.hours, got, c.want)
		}
	}
}
