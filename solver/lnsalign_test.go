package solver

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alignProblem: crew X has a morning's job of another dwelling (group 1) on the
// first day, then a whole day's job A of dwelling 0, which at its earliest
// starts at 13:00 and ends at noon the next day: two days where one would do.
// With shared, dwelling 0 also has a short job of crew Y on the first morning,
// so that A's first day is not its own.
func alignProblem(shared bool) *Problem {
	const days = 5
	p := twoCrews(days, Objective{GroupDays: 1})
	p.Resources = append(p.Resources, Resource{Name: "home 0", Capacity: 1}, Resource{Name: "home 1", Capacity: 1})
	p.Tasks = []Task{
		{Name: "J", Duration: 240, Group: 1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{3}, Amount: 1}}},
		{Name: "A", Duration: 480, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{2}, Amount: 1}}},
	}
	if shared {
		p.Tasks = append(p.Tasks, Task{Name: "S", Duration: 120, Group: 0, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}}})
	}
	return p
}

// TestAlignMove: the align neighbourhood takes a whole day's task started in
// the afternoon of a day no other task of its group touches, and the repair puts
// it on the next day's start: its group touches one day, not two. Nothing is
// taken when that first day is shared with the group's other task.
func TestAlignMove(t *testing.T) {
	for _, shared := range []bool{false, true} {
		p := alignProblem(shared)
		c, err := compile(p)
		require.NoError(t, err)
		st := newState(c)
		st.check = true
		for u := range p.Tasks {
			m, s, e, why, _ := st.bestMode(u, 0, 0)
			require.Equal(t, ReasonNone, why)
			st.place(u, m, s, e)
		}
		require.Empty(t, checkSchedule(p, st.pl))
		require.Equal(t, 780, st.pl[1].Start, "A at 13:00 on the first day")
		_, before := st.scoreTerms()
		require.Equal(t, 1, before.GroupDays, "dwelling 0 on two days")

		l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
		l.pickAlign()
		if shared {
			assert.Empty(t, l.removed, "A's first day is shared: nothing taken")
			continue
		}
		require.Contains(t, l.removed, 1)
		assert.Equal(t, 1, l.first)
		l.rememberAndRemove()
		require.True(t, l.repair())
		require.NoError(t, st.drift)
		require.Empty(t, checkSchedule(p, st.pl))
		_, after := st.scoreTerms()
		assert.Equal(t, 1440+480, st.pl[1].Start, "A at 08:00 on the second day")
		assert.Equal(t, 0, after.GroupDays, "dwelling 0 on one day")
	}
}

// alignSearchProblem: a half day's job of crew X (group 0), then sixteen
// dwellings with a whole day's job of crew X each: at their earliest the whole-day jobs run back to back from the first
// afternoon, each over two days, where a whole day at a day's start would do.
func alignSearchProblem() *Problem {
	const days, n = 60, 16
	p := twoCrews(days, Objective{GroupDays: 1, GroupEnd: 0.001})
	p.Tasks = append(p.Tasks, Task{Name: "half", Duration: 240, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}})
	for g := 1; g <= n; g++ {
		p.Resources = append(p.Resources, Resource{Name: "home", Capacity: 1})
		home := len(p.Resources) - 1
		p.Tasks = append(p.Tasks,
			Task{Name: "whole", Duration: 480, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}})
	}
	return p
}

// TestAlignNeighbourhoodFewerDays: the same short search (10 steps, the same
// seed) from every task at its earliest ends with fewer disturbed days with the
// align neighbourhood than without it, every schedule valid.
func TestAlignNeighbourhoodFewerDays(t *testing.T) {
	p := alignSearchProblem()
	c, err := compile(p)
	require.NoError(t, err)
	// the start: every task at its earliest in turn (the constructions place
	// by fewest days and leave nothing to align here)
	st := newState(c)
	for u := range p.Tasks {
		m, s, e, why, _ := st.bestMode(u, 0, 0)
		require.Equal(t, ReasonNone, why)
		st.place(u, m, s, e)
	}
	sc, terms := st.scoreTerms()
	first := &candidate{pl: slices.Clone(st.pl), mode: slices.Clone(st.mode), score: sc, terms: terms}
	require.Empty(t, checkSchedule(p, first.pl))
	require.Equal(t, 16, first.terms.GroupDays, "every whole-day job over two days")
	without, with := searchWithAndWithout(t, p, c, first, 10, func(on bool) { c.noAlignMove, c.alignAnySize = !on, true })
	t.Logf("days beyond the first: construction %d, search %d, with the align neighbourhood %d",
		first.terms.GroupDays, without.terms.GroupDays, with.terms.GroupDays)
	assert.Less(t, with.terms.GroupDays, without.terms.GroupDays)
}
