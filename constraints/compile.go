package constraints

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Compiled is a domain problem in the solver's terms, with the maps back to the
// domain that explanations and plans need.
type Compiled struct {
	Model *model.Problem
	// Typed is Model's typed view (model.Problem.Typed), read once by Compile: the
	// rules take their times, durations and recurrences from it.
	Typed   *model.Typed
	Index   *model.Index
	Clock   *calendar.Clock
	Problem *solver.Problem
	// Interventions[t] is the intervention of task t; TaskOf the reverse.
	Interventions []*model.Intervention
	TaskOf        map[string]int
	// Resource ranges: crews, then pilots, then dwellings.
	Crews                     []*model.Crew
	Pilots                    []*model.Pilot
	Dwellings                 []*model.Dwelling
	firstPilot, firstDwelling int
	// dwellingRes: the resource of each dwelling, by id
	dwellingRes map[string]int
	// crewDemand[t] / pilotDemand[t]: index of the crew / pilot demand of task t, or -1.
	crewDemand, pilotDemand []int
	// parts[t]: the calendars, one per rule, whose intersection is task t's own calendar.
	parts    [][]part
	holidays []solver.Window
	// shared calendars, so that tasks with the same conditions share one calendar
	noHoliday *solver.Calendar
	pilotDuty *solver.Calendar
	cache     map[string]*solver.Calendar
	access    map[accessKey]accessCal
	preferred map[string]*solver.Calendar // by household id
	// the pilots' favours by household, and their sessions (the hours that cost)
	favours  map[string][]model.TypedRecurrence
	sessions []model.TypedRecurrence
	// favourPilots: the pilots (indices in Model.Pilots) a household's visits are
	// left to, for a household whose favours other pilots' favours would block
	favourPilots map[string][]int
	byParts      map[partsKey]*solver.Calendar
	// ownPilot: each household's own pilot, an index in Model.Pilots (OwnPilot)
	ownPilot map[string]int
	// unhoused: the households that need a stay (StayNeeds) and have none, read
	// once when an explanation first asks
	unhoused     map[string]StayNeed
	unhousedOnce sync.Once
}

// partsKey identifies a short list of calendars by identity.
type partsKey struct {
	n    int
	cals [6]*solver.Calendar
}

// part is one rule's say on when a task may run.
type part struct {
	rule string
	what phrase // "the household's availability", ...
	cal  *solver.Calendar
}

// Compile turns a validated problem into a solver problem. It is a driver: each
// rule of the registry adds its own terms (see the steps listed with Rule).
func Compile(p *model.Problem) (*Compiled, error) {
	return CompileTimed(p, nil)
}

// CompileTimed is Compile reporting to tm (nil: nothing) the wall time of each
// step: the clock and index, each rule's resources, the tasks (every rule's
// part of their calendars), each rule's precedences and terms.
func CompileTimed(p *model.Problem, tm solver.Timer) (*Compiled, error) {
	t0 := time.Now()
	ruleStep := func(step string, r Rule, f func() error) error {
		t := time.Now()
		err := f()
		tm.Since(step+" ("+r.Name()+")", t)
		return err
	}
	tv := p.Typed()
	clk, err := calendar.NewClock(tv)
	if err != nil {
		return nil, fmt.Errorf("operation: %w", err)
	}
	x := model.NewIndex(p)
	c := &Compiled{Model: p, Typed: tv, Index: x, Clock: clk, TaskOf: map[string]int{}, cache: map[string]*solver.Calendar{},
		access: map[accessKey]accessCal{}, preferred: map[string]*solver.Calendar{}, byParts: map[partsKey]*solver.Calendar{}}
	sp := &solver.Problem{Horizon: clk.HorizonMinutes(), DayStarts: clk.DayStarts(), WeekStarts: clk.WeekStarts()}
	c.Problem = sp
	c.holidays, err = clk.Dates(tv.Holidays)
	if err != nil {
		return nil, fmt.Errorf("operation.holidays: %w", err)
	}
	c.noHoliday = solver.Subtract(nil, c.holidays)
	tm.Since("clock and index", t0)
	for _, r := range registry.list {
		if rc, ok := r.(resourceCompiler); ok {
			if err := ruleStep("resources", r, func() error { return rc.compileResources(c) }); err != nil {
				return nil, err
			}
		}
	}
	t1 := time.Now()
	g, err := c.tasks()
	if err != nil {
		return nil, err
	}
	tm.Since("tasks (every rule's calendars)", t1)
	for _, r := range registry.list {
		if pc, ok := r.(precedenceCompiler); ok {
			if err := ruleStep("precedences", r, func() error { return pc.compilePrecedences(c, g) }); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range registry.list {
		if tc, ok := r.(termCompiler); ok {
			if err := ruleStep("terms", r, func() error { return tc.compileTerms(c, g) }); err != nil {
				return nil, err
			}
		}
	}
	sp.Objective = objective(p.Operation.Policy)
	sp.Objective.Discouraged = p.PilotExtraHoursWeight() / 60 // per hour in the pilots' sessions and favours
	// the burden: each disturbed date of a household beyond the threshold
	sp.Objective.GroupDaysOver = p.BurdenWeight()
	sp.GroupDaysLimit = make([]int, len(p.Dwellings))
	for i := range p.Dwellings {
		if p.Dwellings[i].Occupied() {
			sp.GroupDaysLimit[i] = p.BurdenDays()
		}
	}
	if c.SamePilotGoal() {
		sp.Objective.Unpreferred = p.SamePilotWeight() // per visit with another pilot than the household's own
	}
	// the dwellings' ends count by their mean, so that the operation's end keeps
	// its weight whatever the number of dwellings
	sp.Objective.GroupEnd /= float64(max(1, len(p.Dwellings)))
	// appointments people can read: starts on the quarter hour (minute 0 is a
	// local midnight, and every time zone's offsets are whole quarter hours)
	sp.Grid = QuarterHour
	sp.Objective.OffGrid = offQuarterHourWeight
	return c, nil
}

// taskGroups groups the tasks for the rules that relate several of them.
type taskGroups struct {
	// byDwellingTrade and byStairwellTrade: the tasks of a dwelling (stairwell)
	// and trade; byDwelling: those of a dwelling; all in task order.
	byDwellingTrade, byStairwellTrade map[[2]string][]int
	byDwelling                        map[string][]int
	// workingDay is the length of "1d" in minutes.
	workingDay int
}

// tasks compiles one task per intervention, in the problem's order, and groups them.
func (c *Compiled) tasks() (*taskGroups, error) {
	p, x, sp := c.Model, c.Index, c.Problem
	n := len(p.Interventions)
	group := make(map[string]int, len(p.Dwellings))
	for i := range p.Dwellings {
		group[p.Dwellings[i].ID] = i
	}
	g := &taskGroups{byDwellingTrade: make(map[[2]string][]int, n), byStairwellTrade: map[[2]string][]int{},
		byDwelling: make(map[string][]int, len(p.Dwellings)), workingDay: c.Typed.WorkingDay}
	sp.Tasks = make([]solver.Task, 0, n)
	c.TaskOf = make(map[string]int, n)
	c.Interventions = make([]*model.Intervention, 0, n)
	c.parts = make([][]part, 0, n)
	c.crewDemand, c.pilotDemand = make([]int, 0, n), make([]int, 0, n)
	typed := c.Typed.Interventions()
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		t := len(sp.Tasks)
		c.TaskOf[iv.ID] = t
		c.Interventions = append(c.Interventions, iv)
		b, err := c.task(iv, &typed[i], group[iv.Dwelling])
		if err != nil {
			return nil, err
		}
		sp.Tasks = append(sp.Tasks, b.task)
		c.parts = append(c.parts, b.parts)
		c.crewDemand = append(c.crewDemand, b.crewK)
		c.pilotDemand = append(c.pilotDemand, b.pilotK)
		g.byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}] = append(g.byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}], t)
		sw := x.Dwellings[iv.Dwelling].Stairwell
		g.byStairwellTrade[[2]string{sw, iv.Trade}] = append(g.byStairwellTrade[[2]string{sw, iv.Trade}], t)
		g.byDwelling[iv.Dwelling] = append(g.byDwelling[iv.Dwelling], t)
	}
	return g, nil
}

// QuarterHour is the grid of the appointments' starts, in minutes.
const QuarterHour = 15

// offQuarterHourWeight is the cost of one start off the quarter hour: half an
// hour outside a household's preferred hours, or 72 minutes more of the
// operation. It counts only where no start on the quarter hour fits that day.
const offQuarterHourWeight = 0.5

// objective converts the policy's per-day and per-hour weights to per-minute ones.
func objective(pol model.Policy) solver.Objective {
	w := func(v *float64, def float64) float64 {
		if v == nil {
			return def
		}
		return *v
	}
	return solver.Objective{
		Makespan:   w(pol.Makespan, 20) / 1440,
		GroupEnd:   w(pol.DwellingEnd, 1) / 1440,
		GroupDays:  w(pol.DisturbedDays, 5),
		Preference: w(pol.Preferred, 1) / 60,
		Tardiness:  w(pol.SoftDeadline, 20) / 1440,
	}
}

// ownCalendar is shared without the holes, a calendar of its own even when there is
// nothing to subtract (as when each resource's calendar was expanded apart).
func ownCalendar(shared *solver.Calendar, holes []solver.Window) *solver.Calendar {
	cal := solver.Subtract(shared, holes)
	if cal == shared {
		cal = solver.NewCalendar(shared.Windows())
	}
	return cal
}

// minute is an instant of the typed view in minutes, or why it does not read.
func (c *Compiled) minute(v model.Value[time.Time]) (int, error) {
	if v.Err != nil {
		return 0, v.Err
	}
	return c.Clock.Minute(v.V), nil
}

// taskBuild is the task of one intervention while the rules compile it.
type taskBuild struct {
	c        *Compiled
	iv       *model.Intervention
	ti       *model.TypedIntervention // iv read
	h        *model.Household         // the household of its dwelling, nil if none
	profiles []*model.Profile         // the household's profiles
	task     solver.Task
	// parts: the calendars, one per rule's say, whose intersection is the task's
	// calendar (kept for explanations)
	parts []part
	// crewK, pilotK: the index of the crew and pilot demands, or -1
	crewK, pilotK int
}

// addPart adds a rule's say on when the task may run.
func (b *taskBuild) addPart(rule string, what phrase, cal *solver.Calendar) {
	b.parts = append(b.parts, part{rule, what, cal})
}

// fail is the error of field of the intervention.
func (b *taskBuild) fail(field string, err error) error {
	return fmt.Errorf("intervention %q %s: %w", b.iv.ID, field, err)
}

// task builds the solver task of one intervention: its duration, then each rule's
// say in the order of the steps (calendars, timing, demands, pins).
func (c *Compiled) task(iv *model.Intervention, ti *model.TypedIntervention, group int) (*taskBuild, error) {
	b := &taskBuild{c: c, iv: iv, ti: ti, crewK: -1, pilotK: -1}
	d, err := ti.Minutes.V, ti.Minutes.Err
	if err != nil {
		return nil, b.fail("duration", err)
	}
	b.task = solver.Task{Name: iv.ID, Duration: d, Contiguous: model.Contiguous(d), Group: group}
	b.h, b.profiles = c.Index.HouseholdOf(iv), c.Index.ProfilesOf(iv)
	for _, r := range registry.list {
		if tc, ok := r.(taskCalendarer); ok {
			if err := tc.taskCalendar(b); err != nil {
				return nil, err
			}
		}
	}
	b.task.Calendar = c.intersectParts(b.parts)
	for _, r := range registry.list {
		if tt, ok := r.(taskTimer); ok {
			if err := tt.taskTiming(b); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range registry.list {
		if td, ok := r.(taskDemander); ok {
			if err := td.taskDemands(b); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range registry.list {
		if tp, ok := r.(taskPinner); ok {
			if err := tp.taskPin(b); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

func (c *Compiled) cached(key string, f func() (*solver.Calendar, error)) (*solver.Calendar, error) {
	if cal, ok := c.cache[key]; ok {
		return cal, nil
	}
	cal, err := f()
	if err != nil {
		return nil, err
	}
	c.cache[key] = cal
	return cal, nil
}

// CrewAndPilot names the crew and the pilot chosen for task t.
func (c *Compiled) CrewAndPilot(t int, pl solver.Placement) (crew, pilot string) {
	if k := c.crewDemand[t]; k >= 0 && k < len(pl.Choice) {
		crew = c.Crews[pl.Choice[k]].ID
	}
	if k := c.pilotDemand[t]; k >= 0 && k < len(pl.Choice) {
		pilot = c.Pilots[pl.Choice[k]-c.firstPilot].ID
	}
	return crew, pilot
}

// intersectParts intersects the parts' calendars, sharing the result between tasks
// made of the same calendars (the same *solver.Calendar values, in the same order).
func (c *Compiled) intersectParts(parts []part) *solver.Calendar {
	if len(parts) <= len(partsKey{}.cals) {
		key := partsKey{n: len(parts)}
		for i, pt := range parts {
			key.cals[i] = pt.cal
		}
		cal, ok := c.byParts[key]
		if !ok {
			for _, pt := range parts {
				cal = solver.Intersect(cal, pt.cal)
			}
			c.byParts[key] = cal
		}
		return cal
	}
	var b strings.Builder
	b.WriteString("parts")
	for _, pt := range parts {
		fmt.Fprintf(&b, "|%p", pt.cal)
	}
	key := b.String()
	if cal, ok := c.cache[key]; ok {
		return cal
	}
	var cal *solver.Calendar
	for _, pt := range parts {
		cal = solver.Intersect(cal, pt.cal)
	}
	c.cache[key] = cal
	return cal
}

// ChoiceFor is the solver choice (one resource per demand) of task t with the given
// crew and pilot ids, nil when they are not among the task's alternatives. Empty ids
// take the first alternative.
func (c *Compiled) ChoiceFor(t int, crew, pilot string) []int {
	task := &c.Problem.Tasks[t]
	ch := make([]int, len(task.Demands))
	for k, d := range task.Demands {
		ch[k] = d.Alternatives[0]
		want := ""
		switch k {
		case c.crewDemand[t]:
			want = crew
		case c.pilotDemand[t]:
			want = pilot
		}
		if want == "" {
			continue
		}
		found := false
		for _, r := range d.Alternatives {
			if k == c.crewDemand[t] && c.Crews[r].ID == want || k == c.pilotDemand[t] && c.Pilots[r-c.firstPilot].ID == want {
				ch[k], found = r, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return ch
}
