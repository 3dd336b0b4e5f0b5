package solver

import (
	"context"
	"fmt"
	"testing"
)

// bigProblem resembles a large operation: dwellings of a chain of 12 tasks each,
// crews per trade with day calendars, dwellings as unary resources.
func bigProblem(dwellings int) *Problem {
	const day = 1440
	days := 2 * 365
	var work []Window
	for d := 0; d < days; d++ {
		if d%7 < 5 {
			work = append(work, Window{d*day + 480, d*day + 720}, Window{d*day + 780, d*day + 1020})
		}
	}
	site := NewCalendar(work)
	p := &Problem{Horizon: days * day, Objective: Objective{Makespan: 1, GroupEnd: 0.1, GroupDays: 5}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
		if d%7 == 0 {
			p.WeekStarts = append(p.WeekStarts, d*day)
		}
	}
	const trades = 12
	crewsPer := max(1, dwellings/60)
	for tr := 0; tr < trades; tr++ {
		for k := 0; k < crewsPer; k++ {
			p.Resources = append(p.Resources, Resource{Name: fmt.Sprintf("crew%d-%d", tr, k), Capacity: 1, Calendar: site})
		}
	}
	durs := []int{60, 240, 480, 480, 720, 720, 480, 480, 240, 480, 720, 60}
	for d := 0; d < dwellings; d++ {
		dr := len(p.Resources)
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("dw", d), Capacity: 1})
		for tr := 0; tr < trades; tr++ {
			alts := make([]int, crewsPer)
			for k := range alts {
				alts[k] = tr*crewsPer + k
			}
			p.Tasks = append(p.Tasks, Task{Name: fmt.Sprintf("d%d/t%d", d, tr), Duration: durs[tr], Contiguous: durs[tr] <= 120,
				Group: d, Demands: []Demand{{Alternatives: alts, Amount: 1}, {Alternatives: []int{dr}, Amount: 1}}})
			if tr > 0 {
				i := len(p.Tasks) - 1
				p.Precedences = append(p.Precedences, Precedence{From: i - 1, To: i, MinLag: 24 * 60 * (tr % 2), MaxLag: -1})
			}
		}
	}
	return p
}

func BenchmarkConstruct(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := bigProblem(n)
			for i := 0; i < b.N; i++ {
				res, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1})
				if err != nil || res.Score.Unplaced > 0 {
					b.Fatal(err, res.Score)
				}
			}
		})
	}
}
