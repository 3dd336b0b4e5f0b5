package solver

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// solvedBoard solves a random problem and lays its schedule on a board; ok is
// false when the solve left a task unplaced (such problems are skipped).
func solvedBoard(t *testing.T, seed uint64) (*Problem, *Board, []Placement, bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	p := randomProblem(rng)
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Workers: 1, Seed: int64(seed), NoBound: true})
	require.NoError(t, err)
	if res.Score.Unplaced > 0 {
		return p, nil, nil, false
	}
	require.Empty(t, checkSchedule(p, res.Placements))
	b, err := NewBoard(p)
	require.NoError(t, err)
	for i, pl := range res.Placements {
		if p.Tasks[i].Fixed {
			continue
		}
		m := b.ModeOf(i, pl.Choice)
		require.GreaterOrEqual(t, m, 0)
		require.NoError(t, b.Put(i, m, pl.Start, pl.End))
	}
	return p, b, res.Placements, true
}

func placements(b *Board, n int) []Placement {
	out := make([]Placement, n)
	for i := range out {
		out[i] = b.Placement(i)
	}
	return out
}

// TestBoardFitKeepsEveryConstraint: on random problems (calendars, capacities,
// lags both ways with lag calendars, spans, day limits), a task taken off a valid
// schedule fits back where it was, and wherever Fit or PlaceEarliest puts it the
// schedule still passes the brute-force checker.
func TestBoardFitKeepsEveryConstraint(t *testing.T) {
	tried, moved := 0, 0
	for seed := uint64(0); seed < 250; seed++ {
		p, b, sol, ok := solvedBoard(t, seed)
		if !ok {
			continue
		}
		tried++
		for i := range p.Tasks {
			if p.Tasks[i].Fixed {
				continue
			}
			m := b.Mode(i)
			b.Remove(i)
			e, fits := b.FitAt(i, m, sol[i].Start)
			require.True(t, fits, "seed %d: task %d does not fit back at %d", seed, i, sol[i].Start)
			require.Equal(t, sol[i].End, e)
			for k := range b.Modes(i) {
				s, e, why := b.Fit(i, k, 0)
				if why != ReasonNone {
					continue
				}
				require.NoError(t, b.Put(i, k, s, e))
				require.Empty(t, checkSchedule(p, placements(b, len(p.Tasks))), "seed %d: task %d mode %d at %d", seed, i, k, s)
				b.Remove(i)
				if s != sol[i].Start {
					moved++
				}
			}
			okp, why := b.PlaceEarliest(i, 0, m, func(u int) bool { return !p.Tasks[u].Fixed })
			if !okp {
				// the walk over the days of a week limit may pass over a start that
				// fits (as the serial scheme's does); nothing else may
				require.Equal(t, ReasonDayLimit, why, "seed %d: task %d fits nowhere though it fitted where it was", seed, i)
				okp, _ = b.PlaceEarliest(i, sol[i].Start, m, nil)
				require.True(t, okp, "seed %d: task %d does not fit from where it was", seed, i)
			}
			require.Empty(t, checkSchedule(p, placements(b, len(p.Tasks))), "seed %d: task %d placed earliest", seed, i)
			// back as it was (PlaceEarliest may have moved predecessors: lay the
			// solution out again)
			for u := range p.Tasks {
				if !p.Tasks[u].Fixed {
					b.Remove(u)
				}
			}
			for u, pl := range sol {
				if !p.Tasks[u].Fixed {
					require.NoError(t, b.Put(u, b.ModeOf(u, pl.Choice), pl.Start, pl.End))
				}
			}
		}
	}
	require.Greater(t, tried, 100, "too few solved problems")
	require.Greater(t, moved, 100, "Fit never found another place")
}

// TestBoardPlaceEarliestMovesPredecessors: a maximum lag the only free stretch of
// the successor's resource is too far for makes PlaceEarliest move the
// predecessor later, when allowed; not when it may not move.
func TestBoardPlaceEarliestMovesPredecessors(t *testing.T) {
	p := &Problem{
		Resources: []Resource{{Name: "A", Capacity: 1}, {Name: "B", Capacity: 1}},
		Tasks: []Task{
			{Name: "pred", Duration: 10, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
			{Name: "succ", Duration: 10, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}}},
			{Name: "busy", Duration: 100, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}}, Fixed: true, Start: 0, End: 100, Choice: []int{1}},
		},
		Precedences: []Precedence{{From: 0, To: 1, MaxLag: 5}},
	}
	cases := []struct {
		name    string
		movable bool
		ok      bool
		pred    int
	}{
		{"predecessor may move", true, true, 85},
		{"predecessor stays", false, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBoard(p)
			require.NoError(t, err)
			require.NoError(t, b.Put(0, 0, 0, 10))
			_, _, why := b.Fit(1, 0, 0)
			require.Equal(t, ReasonMaxLag, why)
			ok, why := b.PlaceEarliest(1, 0, 0, func(int) bool { return tc.movable })
			require.Equal(t, tc.ok, ok, why)
			require.Equal(t, tc.pred, b.Placement(0).Start)
			if ok {
				require.Empty(t, checkSchedule(p, placements(b, 3)))
				require.Equal(t, 100, b.Placement(1).Start)
			} else {
				require.False(t, b.Placement(1).Placed)
			}
		})
	}
}

func TestBoardRefuses(t *testing.T) {
	p := &Problem{Resources: []Resource{{Name: "A", Capacity: 1}}, Tasks: []Task{{Name: "a", Duration: 1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}}}}
	b, err := NewBoard(p)
	require.NoError(t, err)
	require.ErrorIs(t, b.Put(0, 3, 0, 1), ErrInvalid)
	require.NoError(t, b.Put(0, 0, 0, 1))
	require.True(t, errors.Is(b.Put(0, 0, 5, 6), ErrPlaced))
	require.Equal(t, -1, b.ModeOf(0, []int{7}))
	q := *p
	q.SameOrders = []SameOrder{{Name: "o", Chains: [][]int{{0}}}}
	_, err = NewBoard(&q)
	require.ErrorIs(t, err, ErrInvalid)
}

// TestBoardFitSpanInDays: with span limits counted in days, wherever Fit puts a
// task taken off a valid schedule, every span still touches at most its days (the
// rest as the brute-force checker sees it).
func TestBoardFitSpanInDays(t *testing.T) {
	tried := 0
	for seed := uint64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		p := randomProblem(rng)
		if len(p.Spans) == 0 {
			continue
		}
		for i := range p.Spans {
			p.Spans[i].Days, p.Spans[i].Max = true, 3+rng.IntN(8)
		}
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Workers: 1, Seed: int64(seed), NoBound: true})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		c, err := compile(p)
		require.NoError(t, err)
		rest := *p
		rest.Spans = nil
		spansOK := func(pl []Placement) bool {
			for k := range p.Spans {
				sp := &p.Spans[k]
				lo, hi := MaxTime, MinTime
				for _, u := range sp.Tasks {
					if pl[u].Placed {
						lo, hi = min(lo, pl[u].Start), max(hi, pl[u].End)
					}
				}
				if hi > MinTime && c.spanOver(sp, lo, hi) {
					return false
				}
			}
			return true
		}
		require.True(t, spansOK(res.Placements))
		b, err := NewBoard(p)
		require.NoError(t, err)
		for i, pl := range res.Placements {
			if !p.Tasks[i].Fixed {
				require.NoError(t, b.Put(i, b.ModeOf(i, pl.Choice), pl.Start, pl.End))
			}
		}
		tried++
		for i := range p.Tasks {
			if p.Tasks[i].Fixed || len(c.spansOf[i]) == 0 {
				continue
			}
			m := b.Mode(i)
			b.Remove(i)
			_, fits := b.FitAt(i, m, res.Placements[i].Start)
			require.True(t, fits, "seed %d: task %d does not fit back", seed, i)
			for k := range b.Modes(i) {
				s, e, why := b.Fit(i, k, 0)
				if why != ReasonNone {
					continue
				}
				require.NoError(t, b.Put(i, k, s, e))
				all := placements(b, len(p.Tasks))
				require.True(t, spansOK(all), "seed %d: task %d at %d breaks a span in days", seed, i, s)
				require.Empty(t, checkSchedule(&rest, all), "seed %d: task %d at %d", seed, i, s)
				b.Remove(i)
			}
			require.NoError(t, b.Put(i, m, res.Placements[i].Start, res.Placements[i].End))
		}
	}
	require.Greater(t, tried, 20, "too few solved problems with spans")
}
