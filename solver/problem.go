package solver

import (
	"errors"
	"fmt"
	"slices"
)

// Problem is a scheduling problem in the solver's own terms: tasks that need
// resources, inside calendars, linked by precedences with lags, within release dates
// and deadlines, plus a few counting rules over groups of tasks. It knows nothing of
// dwellings or tenants.
//
// Times are integers in one unit (minutes for rehabplan).
type Problem struct {
	Resources   []Resource
	Tasks       []Task
	Precedences []Precedence
	// Spans bound the stretch from the first start to the last end of a group.
	Spans []SpanLimit
	// DayLimits cap how many tasks of a group touch a day and how many days of a
	// week a group touches; days and weeks are given by DayStarts and WeekStarts.
	DayLimits []DayLimit
	// SameOrders make chains of tasks pass through their resources in one order.
	SameOrders []SameOrder
	// DayStarts are the sorted boundaries of days (needed by DayLimits and by the
	// "disturbed days" objective); WeekStarts those of weeks.
	DayStarts  []int
	WeekStarts []int
	// Horizon: no task may end after it (0 means no horizon).
	Horizon int
	// GroupDaysLimit[g] is the days group g may touch before each more costs
	// Objective.GroupDaysOver (absent or <= 0: no limit).
	GroupDaysLimit []int
	// Grid (0: none): starts that are multiples of Grid are preferred (quarter
	// hours for rehabplan: 15 minutes from a local midnight). Placement takes the
	// earliest start on the grid that the same day allows, and each placed task
	// starting off it costs Objective.OffGrid.
	Grid int
	// Objective weights the soft goals.
	Objective Objective
}

// Resource is unary (Capacity 1: one task at a time) or cumulative.
type Resource struct {
	Name     string
	Capacity int
	// Calendar restricts the working time of every task that uses the resource
	// (a crew's working hours); nil means always available.
	Calendar *Calendar
}

// Demand asks for Amount units of one resource chosen among Alternatives. With
// WhilePresent the resource is held only during the task's worked stretches, not
// in the gaps between the segments of a split task (a pilot is needed only while
// present; a crew or a dwelling stays held from start to end).
type Demand struct {
	Alternatives []int
	Amount       int
	WhilePresent bool
	// Preferred lists the alternatives that cost nothing; a task placed with this
	// demand met by another alternative costs Objective.Unpreferred, once (empty:
	// no preference). A household's own pilot, for instance.
	Preferred []int
}

// Task is one job.
type Task struct {
	Name string
	// Duration is working time inside the task's effective calendar: the
	// intersection of Calendar and the calendars of the resources chosen.
	Duration int
	// Calendar is the task's own allowed time; nil means always.
	Calendar *Calendar
	// Contiguous tasks run in one stretch inside one window of the effective
	// calendar; others may be split across windows, holding their resources from
	// start to end.
	Contiguous bool
	// Release is the earliest start; Deadline the latest end (0 means none).
	Release  int
	Deadline int
	Demands  []Demand
	// Fixed tasks keep Start, End and Choice (one resource per demand) as given.
	Fixed  bool
	Start  int
	End    int
	Choice []int
	// Group identifies the task's group for the group objectives (a dwelling);
	// -1 for none.
	Group int
	// SoftDeadline (0 = none): each unit of time past it costs Objective.Tardiness.
	SoftDeadline int
	// Preferred: each unit of work outside it costs Objective.Preference (nil: none).
	Preferred *Calendar
	// Discouraged: each unit of work inside it costs Objective.Discouraged (nil:
	// none), as hours someone gives beyond their usual ones.
	Discouraged *Calendar
	// Anchored tasks stood at AnchorStart (with AnchorChoice, when given) in a
	// schedule being repaired: starting anywhere else costs MoveCost once, plus
	// ShiftCost per unit of time between the two starts. Placement tries the anchor
	// first, then the nearest start to it. An anchor with no cost is a hint (a warm
	// start): every other construction starts from it, nothing else heeds it.
	Anchored     bool
	AnchorStart  int
	AnchorChoice []int
	MoveCost     float64
	ShiftCost    float64
}

// Precedence: To starts no earlier than From ends plus MinLag, and, when MaxLag >= 0,
// no later than From ends plus MaxLag. A MinLag measured in working time of a
// calendar sets LagCalendar; then MinLag counts working units of that calendar.
type Precedence struct {
	From, To    int
	MinLag      int
	LagCalendar *Calendar
	MaxLag      int // < 0: none
}

// SpanLimit: max end minus min start over the placed tasks of Tasks is at most Max.
// With Days, Max counts instead the days (of DayStarts) that the stretch from the
// first start to the last end touches (see spandays.go).
type SpanLimit struct {
	Name  string
	Tasks []int
	Max   int
	Days  bool
}

// DayLimit: at most MaxPerDay tasks of Tasks touch any one day (0: no cap), and the
// tasks touch at most MaxDaysPerWeek distinct days of any week (0: no cap). A task
// touches a day when one of its worked stretches overlaps it.
type DayLimit struct {
	Name           string
	Tasks          []int
	MaxPerDay      int
	MaxDaysPerWeek int
}

// Objective weights the soft goals, per unit of time unless said otherwise.
type Objective struct {
	Makespan float64 // latest end of all placed tasks
	GroupEnd float64 // sum over groups of the group's latest end
	// GroupDays: per day touched by a group beyond its first (needs DayStarts).
	GroupDays float64
	// GroupDaysOver: per day touched by group g beyond Problem.GroupDaysLimit[g]
	// (needs DayStarts); a group without a limit (absent, or <= 0) counts none.
	GroupDaysOver float64
	Tardiness     float64
	Preference    float64
	// Discouraged: per unit of work inside a task's Discouraged calendar.
	Discouraged float64
	// Unpreferred: per task placed with a demand met outside its Preferred
	// alternatives (Demand.Preferred).
	Unpreferred float64
	// OffGrid: per placed task whose start is off the Grid (needs Grid).
	OffGrid float64
}

// SameOrder makes chains of tasks pass through the resources they use in one
// common order: there is an order of the Chains such that, on every resource, each
// task of a chain ends before any task of a later chain starts. It is the rule of a
// permutation flow shop, and that of a "train of works", where trades follow one
// another through the dwellings of a stairwell in the same order.
//
// A task belongs to at most one chain of all the rules, and no fixed task does. A
// problem with same-order rules is searched over the order of the chains (see
// Solve).
type SameOrder struct {
	Name   string
	Chains [][]int
}

// ErrInvalid is matched by errors.Is for every problem the solver refuses.
var ErrInvalid = errors.New("solver: invalid problem")

// ProblemError names the task, resource or precedence that is wrong.
type ProblemError struct {
	Kind  string // "task", "resource", "precedence", ...
	Index int
	Name  string
	Msg   string
}

func (e *ProblemError) Error() string {
	return fmt.Sprintf("solver: %s %d (%s): %s", e.Kind, e.Index, e.Name, e.Msg)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ProblemError) Is(target error) bool { return target == ErrInvalid }

// validateDemand checks a demand of task i: its alternatives, amount and
// preferred alternatives.
func (p *Problem) validateDemand(i int, d Demand) error {
	t := &p.Tasks[i]
	if len(d.Alternatives) == 0 {
		return &ProblemError{"task", i, t.Name, "demand without alternatives"}
	}
	for _, r := range d.Alternatives {
		if r < 0 || r >= len(p.Resources) {
			return &ProblemError{"task", i, t.Name, fmt.Sprintf("unknown resource %d", r)}
		}
		if d.Amount > p.Resources[r].Capacity {
			return &ProblemError{"task", i, t.Name, fmt.Sprintf("demands %d of resource %q of capacity %d", d.Amount, p.Resources[r].Name, p.Resources[r].Capacity)}
		}
	}
	if d.Amount < 0 {
		return &ProblemError{"task", i, t.Name, "negative demand"}
	}
	for _, r := range d.Preferred {
		if !slices.Contains(d.Alternatives, r) {
			return &ProblemError{"task", i, t.Name, fmt.Sprintf("preferred resource %d is not an alternative of its demand", r)}
		}
	}
	return nil
}

// Validate checks indices, durations, capacities and acyclicity.
func (p *Problem) Validate() error {
	if p.Grid < 0 {
		return &ProblemError{"problem", 0, "", "negative grid"}
	}
	for i, r := range p.Resources {
		if r.Capacity < 1 {
			return &ProblemError{"resource", i, r.Name, "capacity must be at least 1"}
		}
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if t.Duration < 0 {
			return &ProblemError{"task", i, t.Name, "negative duration"}
		}
		for _, d := range t.Demands {
			if err := p.validateDemand(i, d); err != nil {
				return err
			}
		}
		if t.MoveCost < 0 || t.ShiftCost < 0 || t.MoveCost != t.MoveCost || t.ShiftCost != t.ShiftCost {
			return &ProblemError{"task", i, t.Name, "move and shift costs must be numbers >= 0"}
		}
		if t.Fixed {
			if t.End < t.Start {
				return &ProblemError{"task", i, t.Name, "fixed end before start"}
			}
			if len(t.Choice) != len(t.Demands) {
				return &ProblemError{"task", i, t.Name, "fixed task needs one choice per demand"}
			}
			for k, r := range t.Choice {
				found := false
				for _, a := range t.Demands[k].Alternatives {
					found = found || a == r
				}
				if !found {
					return &ProblemError{"task", i, t.Name, fmt.Sprintf("fixed choice %d is not an alternative of demand %d", r, k)}
				}
			}
		}
	}
	for i, pr := range p.Precedences {
		if pr.From < 0 || pr.From >= len(p.Tasks) || pr.To < 0 || pr.To >= len(p.Tasks) || pr.From == pr.To {
			return &ProblemError{"precedence", i, "", "bad task index"}
		}
	}
	for i, s := range p.Spans {
		for _, t := range s.Tasks {
			if t < 0 || t >= len(p.Tasks) {
				return &ProblemError{"span", i, s.Name, "bad task index"}
			}
		}
		if s.Days && (len(p.DayStarts) < 2 || s.Max < 1) {
			return &ProblemError{"span", i, s.Name, "a limit in days needs DayStarts and at least one day"}
		}
	}
	for i, s := range p.DayLimits {
		for _, t := range s.Tasks {
			if t < 0 || t >= len(p.Tasks) {
				return &ProblemError{"day limit", i, s.Name, "bad task index"}
			}
		}
		if len(p.DayStarts) < 2 {
			return &ProblemError{"day limit", i, s.Name, "needs DayStarts"}
		}
		if s.MaxDaysPerWeek > 0 && len(p.WeekStarts) < 2 {
			return &ProblemError{"day limit", i, s.Name, "needs WeekStarts"}
		}
	}
	inChain := make(map[int]bool)
	for i, so := range p.SameOrders {
		for k, ch := range so.Chains {
			for _, t := range ch {
				if t < 0 || t >= len(p.Tasks) {
					return &ProblemError{"same order", i, so.Name, fmt.Sprintf("chain %d: bad task index %d", k, t)}
				}
				if inChain[t] {
					return &ProblemError{"same order", i, so.Name, fmt.Sprintf("chain %d: task %d (%s) is already in a chain", k, t, p.Tasks[t].Name)}
				}
				if p.Tasks[t].Fixed {
					return &ProblemError{"same order", i, so.Name, fmt.Sprintf("chain %d: task %d (%s) is fixed", k, t, p.Tasks[t].Name)}
				}
				inChain[t] = true
			}
		}
	}
	_, err := p.topoOrder()
	return err
}

// topoOrder returns the tasks in an order compatible with the precedences.
func (p *Problem) topoOrder() ([]int, error) {
	n := len(p.Tasks)
	indeg := make([]int, n)
	succ := make([][]int, n)
	for _, pr := range p.Precedences {
		succ[pr.From] = append(succ[pr.From], pr.To)
		indeg[pr.To]++
	}
	order := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, s := range succ[order[k]] {
			indeg[s]--
			if indeg[s] == 0 {
				order = append(order, s)
			}
		}
	}
	if len(order) < n {
		i := onCycle(p.Precedences, indeg)
		return nil, &ProblemError{"task", i, p.Tasks[i].Name, "on a precedence cycle"}
	}
	return order, nil
}

// onCycle returns the lowest task of a precedence cycle, given what Kahn's algorithm
// left: the tasks whose in-degree did not fall to 0. Each of them has a predecessor
// left too (a task after a cycle is left without being on it), so walking back from
// one meets a task twice, and that task is on a cycle.
func onCycle(precedences []Precedence, indeg []int) int {
	pred := make([]int, len(indeg))
	start := -1
	for _, pr := range precedences {
		if indeg[pr.From] > 0 && indeg[pr.To] > 0 {
			pred[pr.To] = pr.From
			if start < 0 || pr.To < start {
				start = pr.To
			}
		}
	}
	seen := make([]bool, len(indeg))
	t := start
	for !seen[t] {
		seen[t] = true
		t = pred[t]
	}
	low := t
	for u := pred[t]; u != t; u = pred[u] {
		low = min(low, u)
	}
	return low
}
