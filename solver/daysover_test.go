package solver

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupDaysOver: on random problems, the days each group touches beyond its
// limit are counted as a recomputation from the placements says (in check mode,
// the incremental score is also held to the full one), only for the groups that
// have a limit, and weighted in the score.
func TestGroupDaysOver(t *testing.T) {
	crossed := 0
	for seed := uint64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		p := randomProblem(rng)
		groups := 0
		for _, task := range p.Tasks {
			groups = max(groups, task.Group+1)
		}
		p.Objective.GroupDaysOver = 50
		p.GroupDaysLimit = make([]int, groups)
		for g := range groups {
			p.GroupDaysLimit[g] = rng.IntN(4) // 0: no limit
		}
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 30, Workers: 1, Seed: 1, Check: true})
		require.NoError(t, err, "seed %d", seed)
		days := make([]map[int]bool, groups)
		for ti, pl := range res.Placements {
			if !pl.Placed || p.Tasks[ti].Group < 0 {
				continue
			}
			g := p.Tasks[ti].Group
			if days[g] == nil {
				days[g] = map[int]bool{}
			}
			for _, w := range p.Stretches(ti, pl) {
				for m := w.Start; m < w.End; m++ {
					days[g][sort.SearchInts(p.DayStarts, m+1)-1] = true
				}
			}
		}
		want := 0
		for g := range groups {
			if l := p.GroupDaysLimit[g]; l > 0 {
				want += max(0, len(days[g])-l)
			}
		}
		assert.Equal(t, want, res.Terms.GroupDaysOver, "seed %d", seed)
		if want > 0 {
			crossed++
		}
	}
	assert.Positive(t, crossed, "some problems cross their limits")
}

// TestLoneTaskSpanTriesLaterStarts: a task of 8 hours in a calendar of 4-hour
// mornings, Monday to Friday, released on Friday morning, runs over the weekend
// from its earliest start (Friday to Monday: 76 hours); with a span limit of 48
// hours on it alone, it goes to Monday and Tuesday mornings instead of being left
// unplaced, in the construction and in the search.
func TestLoneTaskSpanTriesLaterStarts(t *testing.T) {
	const day = 1440
	var ws []Window
	for d := 0; d < 28; d++ {
		if d%7 < 5 { // day 0 is a Monday
			ws = append(ws, Window{d*day + 8*60, d*day + 12*60})
		}
	}
	p := &Problem{Horizon: 28 * day, Objective: Objective{Makespan: 1}}
	for d := 0; d <= 28; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	p.Resources = []Resource{{Name: "crew", Capacity: 1, Calendar: NewCalendar(ws)}}
	p.Tasks = []Task{{Name: "radiators", Duration: 8 * 60, Release: 4 * day, Group: -1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}}}
	p.Spans = []SpanLimit{{Name: "heating", Tasks: []int{0}, Max: 48 * 60}}
	for _, wl := range []int{1, 20} {
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: wl, Workers: 1, Check: true})
		require.NoError(t, err)
		pl := res.Placements[0]
		require.True(t, pl.Placed, "work limit %d: %v", wl, pl.Reason)
		assert.Equal(t, 7*day+8*60, pl.Start, "next Monday 08:00")
		assert.Equal(t, 8*day+12*60, pl.End, "Tuesday 12:00")
	}
}
