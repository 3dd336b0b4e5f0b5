package solver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCalendarNormalises(t *testing.T) {
	c := NewCalendar([]Window{{20, 30}, {0, 10}, {10, 15}, {25, 40}, {50, 50}})
	assert.Equal(t, []Window{{0, 15}, {20, 40}}, c.Windows())
	assert.Equal(t, 35, c.Total())
}

func TestCalendarAdvance(t *testing.T) {
	c := NewCalendar([]Window{{0, 10}, {20, 30}, {40, 50}})
	tests := []struct {
		name         string
		s, d         int
		wantS, wantE int
		wantOK       bool
	}{
		{"inside one window", 2, 5, 2, 7, true},
		{"ends at window end", 2, 8, 2, 10, true},
		{"spills into next", 5, 10, 5, 25, true},
		{"starts in a gap", 12, 3, 20, 23, true},
		{"spans three", 0, 30, 0, 50, true},
		{"too long", 0, 31, 0, 0, false},
		{"after the end", 55, 1, 0, 0, false},
		{"zero duration in a gap", 12, 0, 20, 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, ok := c.Advance(tt.s, tt.d)
			require.Equal(t, tt.wantOK, ok)
			if ok {
				assert.Equal(t, tt.wantS, s)
				assert.Equal(t, tt.wantE, e)
				assert.Equal(t, tt.d, c.Work(s, e))
			}
		})
	}
}

func TestCalendarRetreat(t *testing.T) {
	c := NewCalendar([]Window{{0, 10}, {20, 30}, {40, 50}})
	tests := []struct {
		name         string
		e, d         int
		wantS, wantE int
		wantOK       bool
	}{
		{"inside", 28, 5, 23, 28, true},
		{"from a gap", 35, 5, 25, 30, true},
		{"spills back", 22, 5, 7, 22, true},
		{"not enough", 5, 6, 0, 0, false},
		{"exact start", 10, 10, 0, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, ok := c.Retreat(tt.e, tt.d)
			require.Equal(t, tt.wantOK, ok)
			if ok {
				assert.Equal(t, tt.wantS, s)
				assert.Equal(t, tt.wantE, e)
				assert.Equal(t, tt.d, c.Work(s, e))
			}
		})
	}
}

func TestIntersectSubtractFit(t *testing.T) {
	a := NewCalendar([]Window{{0, 10}, {20, 30}})
	b := NewCalendar([]Window{{5, 25}})
	assert.Equal(t, []Window{{5, 10}, {20, 25}}, Intersect(a, b).Windows())
	assert.Same(t, a, Intersect(a, nil))
	assert.Equal(t, []Window{{0, 3}, {7, 10}, {20, 30}}, Subtract(a, []Window{{3, 7}}).Windows())
	assert.Equal(t, []Window{{MinTime, 5}, {25, MaxTime}}, Subtract(nil, []Window{{5, 25}}).Windows())
	s, ok := a.FitContiguous(8, 5)
	assert.True(t, ok)
	assert.Equal(t, 20, s)
	_, ok = a.FitContiguous(0, 11)
	assert.False(t, ok)
	assert.True(t, a.Covers(21, 29))
	assert.False(t, a.Covers(8, 21))
	assert.Equal(t, []Window{{8, 10}, {20, 22}}, a.Segments(8, 22))
	assert.Equal(t, 0, NewCalendar(nil).Total())
	_, ok = NewCalendar(nil).NextOpen(0)
	assert.False(t, ok)
}

func TestTimelineCumulative(t *testing.T) {
	tl := newTimeline(2, nil)
	tl.add(0, 10, 1, 0)
	tl.add(5, 15, 1, 1)
	bad, next, _ := tl.conflict(8, 12, 1, 0)
	assert.True(t, bad)
	assert.Equal(t, 10, next)
	bad, _, _ = tl.conflict(10, 20, 1, 0)
	assert.False(t, bad)
	tl.remove(0, 10, 1, 0)
	bad, _, _ = tl.conflict(0, 20, 1, 0)
	assert.False(t, bad)
	tl.remove(5, 15, 1, 1)
	assert.Equal(t, []step{{MinTime, 0}}, tl.steps)
}

func TestTimelineUnary(t *testing.T) {
	tl := newTimeline(1, nil)
	tl.add(10, 20, 1, 0)
	tl.add(0, 5, 1, 1)
	bad, next, who := tl.conflict(4, 11, 1, 0)
	assert.True(t, bad)
	assert.Equal(t, 5, next)
	assert.Equal(t, 1, who)
	bad, _, _ = tl.conflict(5, 10, 1, 0)
	assert.False(t, bad)
	tl.remove(0, 5, 1, 1)
	bad, _, _ = tl.conflict(4, 10, 1, 0)
	assert.False(t, bad)
}
