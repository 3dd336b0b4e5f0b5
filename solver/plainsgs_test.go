package solver

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomPlain is a random RCPSP: n tasks, a DAG of precedences (some with lags),
// three cumulative resources; zero durations included.
func randomPlain(rng *rand.Rand, n int) *Problem {
	p := &Problem{Objective: Objective{Makespan: 1}}
	for k := 0; k < 3; k++ {
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("R", k), Capacity: 1 + rng.IntN(6)})
	}
	for i := 0; i < n; i++ {
		t := Task{Name: fmt.Sprint("t", i), Duration: rng.IntN(8), Group: -1}
		for k := range p.Resources {
			if rng.IntN(2) == 0 {
				t.Demands = append(t.Demands, Demand{Alternatives: []int{k}, Amount: 1 + rng.IntN(p.Resources[k].Capacity)})
			}
		}
		p.Tasks = append(p.Tasks, t)
		for j := 0; j < i; j++ {
			if rng.IntN(n) < 2 {
				p.Precedences = append(p.Precedences, Precedence{From: j, To: i, MinLag: rng.IntN(3) * rng.IntN(2), MaxLag: -1})
			}
		}
	}
	return p
}

// The plain decoder places every task where the general serial scheme does, and
// its justified schedules keep every precedence and capacity and are no longer.
func TestPlainSGSMatchesConstruct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 40; trial++ {
		p := randomPlain(rng, 5+rng.IntN(40))
		c, err := compile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := newPlainSGS(c)
		if s == nil {
			t.Fatal("a plain problem is not seen as plain")
		}
		st := newState(c)
		for l := 0; l < 10; l++ {
			prio := make([]float64, len(p.Tasks))
			for i := range prio {
				prio[i] = rng.Float64()
			}
			list := c.activityList(prio)
			mk := s.decode(list, s.preds, s.start)
			st.construct(list, nil, nil)
			got := 0
			for i, pl := range st.pl {
				if !pl.Placed || pl.Start != s.start[i] {
					t.Fatalf("trial %d task %d: general %+v, plain %d", trial, i, pl, s.start[i])
				}
				got = max(got, pl.End)
			}
			if got != mk {
				t.Fatalf("makespan %d, general %d", mk, got)
			}
			jm := s.justified(list)
			if jm > mk {
				t.Fatalf("justified %d > %d", jm, mk)
			}
			pl := make([]Placement, len(p.Tasks))
			end := 0
			for i, x := range s.start {
				pl[i] = Placement{Placed: true, Start: x, End: x + p.Tasks[i].Duration}
				end = max(end, pl[i].End)
			}
			st.restore(pl, make([]int, len(p.Tasks)))
			if sc := st.score(); sc.Hard != 0 || sc.Unplaced != 0 || end != jm || sc.Soft != float64(jm) {
				t.Fatalf("trial %d: justified schedule scores %v, makespan %d (said %d)", trial, sc, end, jm)
			}
			for _, pr := range p.Precedences {
				if s.start[pr.To] < s.start[pr.From]+p.Tasks[pr.From].Duration+pr.MinLag {
					t.Fatalf("precedence %+v broken", pr)
				}
			}
			for k, r := range p.Resources {
				for x := 0; x < end; x++ {
					use := 0
					for i, tk := range p.Tasks {
						for _, d := range tk.Demands {
							if d.Alternatives[0] == k && s.start[i] <= x && x < s.start[i]+tk.Duration {
								use += d.Amount
							}
						}
					}
					if use > r.Capacity {
						t.Fatalf("resource %d over capacity at %d", k, x)
					}
				}
			}
		}
	}
}

// Anything beyond the plain problem takes the general scheme.
func TestPlainSGSOnlyPlain(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(p *Problem)
		plain bool
	}{
		{"plain", func(p *Problem) {}, true},
		{"calendar", func(p *Problem) { p.Resources[0].Calendar = NewCalendar([]Window{{0, 100}}) }, false},
		{"task calendar", func(p *Problem) { p.Tasks[1].Calendar = NewCalendar([]Window{{0, 100}}) }, false},
		{"release", func(p *Problem) { p.Tasks[1].Release = 3 }, false},
		{"deadline", func(p *Problem) { p.Tasks[1].Deadline = 300 }, false},
		{"horizon", func(p *Problem) { p.Horizon = 1000 }, false},
		{"alternatives", func(p *Problem) { p.Tasks[1].Demands = []Demand{{Alternatives: []int{0, 1}, Amount: 1}} }, false},
		{"max lag", func(p *Problem) { p.Precedences[0].MaxLag = 50 }, false},
		{"other goal", func(p *Problem) { p.Objective.GroupEnd = 1 }, false},
		{"no makespan", func(p *Problem) { p.Objective.Makespan = 0 }, false},
		{"anchored", func(p *Problem) { p.Tasks[1].Anchored = true }, false},
		{"grid", func(p *Problem) { p.Grid = 15 }, false},
		{"long", func(p *Problem) { p.Tasks[2].Duration = maxPlainHorizon }, false},
	} {
		p := randomPlain(rand.New(rand.NewPCG(3, 4)), 12)
		p.Precedences = append(p.Precedences, Precedence{From: 0, To: 1, MaxLag: -1})
		c.edit(p)
		cp, err := compile(p)
		if err != nil {
			t.Fatal(c.name, err)
		}
		if got := newPlainSGS(cp) != nil; got != c.plain {
			t.Errorf("%s: plain %v, want %v", c.name, got, c.plain)
		}
	}
}
