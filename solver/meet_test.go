package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func randomCalendar(rng *rand.Rand) *Calendar {
	if rng.IntN(6) == 0 {
		return nil
	}
	var ws []Window
	t := rng.IntN(20)
	for k := rng.IntN(12); k > 0; k-- {
		s := t + rng.IntN(10)
		e := s + 1 + rng.IntN(15)
		ws = append(ws, Window{s, e})
		t = e
	}
	if rng.IntN(5) == 0 {
		ws = append(ws, Window{t + 3, MaxTime})
	}
	return NewCalendar(ws)
}

// TestMeetMatchesTheBuiltIntersection: walking an intersection lazily answers as the
// built intersection does.
func TestMeetMatchesTheBuiltIntersection(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		k := 1 + rng.IntN(3)
		var cs []*Calendar
		var built *Calendar
		for i := 0; i < k; i++ {
			c := randomCalendar(rng)
			cs = append(cs, c)
			built = Intersect(built, c)
		}
		m := meetOf(cs...)
		for q := 0; q < 20; q++ {
			at, d := rng.IntN(120)-5, rng.IntN(30)
			s1, e1, ok1 := built.Advance(at, d)
			s2, e2, ok2 := m.Advance(at, d)
			require.Equal(t, ok1, ok2, "advance %d %d over %v", at, d, cs)
			if ok1 {
				require.Equal(t, [2]int{s1, e1}, [2]int{s2, e2}, "advance %d %d", at, d)
			}
			f1, okf1 := built.FitContiguous(at, d)
			f2, okf2 := m.FitContiguous(at, d)
			require.Equal(t, okf1, okf2, "fit %d %d", at, d)
			if okf1 {
				require.Equal(t, f1, f2, "fit %d %d", at, d)
			}
			b := at + rng.IntN(60)
			require.Equal(t, built.Segments(at, b), m.Segments(at, b), "segments %d %d", at, b)
		}
	}
}

// TestFindFromMatchesFind: galloping from any index at or before the answer finds
// what the binary search finds.
func TestFindFromMatchesFind(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for n := 0; n < 500; n++ {
		var ws []Window
		at := rng.IntN(5)
		for k := rng.IntN(200); k > 0; k-- {
			s := at + rng.IntN(4)
			e := s + 1 + rng.IntN(6)
			ws = append(ws, Window{s, e})
			at = e
		}
		c := NewCalendar(ws)
		for q := 0; q < 50; q++ {
			x := rng.IntN(at+10) - 3
			want := c.find(x)
			lo := 0
			if want > 0 {
				lo = rng.IntN(want + 1)
			}
			require.Equal(t, want, c.findFrom(x, lo), "t %d from %d over %d windows", x, lo, len(c.w))
		}
	}
}

// TestMeetOfManyCalendars: more calendars than a walk remembers answer as the
// built intersection does.
func TestMeetOfManyCalendars(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for n := 0; n < 300; n++ {
		var cs []*Calendar
		var built *Calendar
		for i := 0; i < maxWalk+1+rng.IntN(3); i++ {
			c := NewCalendar([]Window{{rng.IntN(10), 200 + rng.IntN(100)}, {320 + rng.IntN(10), MaxTime}})
			cs = append(cs, c)
			built = Intersect(built, c)
		}
		m := meetOf(cs...)
		at, d := rng.IntN(100), rng.IntN(300)
		s1, e1, ok1 := built.Advance(at, d)
		s2, e2, ok2 := m.Advance(at, d)
		require.Equal(t, ok1, ok2)
		if ok1 {
			require.Equal(t, [2]int{s1, e1}, [2]int{s2, e2})
		}
	}
}
