package solver

import (
	"math"
	"time"
)

// The late-acceptance memory (lns.history) is sized by the steps each task is
// expected to receive: a search of many steps a task (the bundled example at
// 150,000 work, ≈89 a task) keeps a longer memory, which lets it re-cut a
// sequence it would otherwise settle early; one of few (1,000 dwellings at
// 300,000, ≈12 a task) a shorter one, which keeps the days coming down over the
// whole budget (bench/RESULTS.md, sections ex22 and ex23). A large problem
// wants a shorter memory than its steps alone give: at ≈12 steps a task 1,000
// dwellings gains from 3 where the example does not (section hist24). Days problems only
// (towardBounds): the others keep lahcLength.
const (
	historyPerStep = 1.35 // memory per expected step per task
	historyMin     = 10
	historyMax     = 500
	// historyTasks: from this many tasks up, the memory shrinks in proportion
	// to the tasks (1,000 dwellings, 12,084 tasks, ≈12 steps a task: 17 → 3,
	// section hist24); the bundled example (846) and smaller keep the
	// proportional length.
	historyTasks = 2000
	historyFloor = 1 // the least memory: accept no worse than the last step's
)

// historyFor is the late-acceptance memory of a search that expects
// stepsPerTask steps (one worker's) per task of a problem of tasks tasks:
// proportional to the steps, between historyMin and historyMax, times
// historyTasks/tasks above historyTasks tasks, and at least historyFloor. It
// never decreases with the steps and never increases with the tasks.
func historyFor(stepsPerTask, tasks float64) int {
	v := min(historyMax, max(historyMin, historyPerStep*max(0, stepsPerTask)))
	if tasks > historyTasks {
		v *= historyTasks / tasks
	}
	return max(historyFloor, int(math.Round(v)))
}

// setHistory makes the late-acceptance memory n scores long, the scores it holds
// repeated in their order.
func (l *lns) setHistory(n int) {
	if n == len(l.history) || n < 1 {
		return
	}
	h := make([]Score, n)
	for i := range h {
		h[i] = l.history[i%len(l.history)]
	}
	l.history = h
}

// historySizer sizes an LNS's late-acceptance memory by the steps each task is
// expected to receive: from the work limit at once (deterministic), or, without
// one, from the steps the first second (at most a tenth of the time left) gave,
// times the time left then, measured once.
type historySizer struct {
	l     *lns
	done  bool
	t0    time.Time
	probe time.Duration
	end   time.Time
}

// newHistorySizer sizes l's memory for a budget of steps, or (budget 0) makes
// the sizer whose tick sizes it by the time left to deadline.
func newHistorySizer(l *lns, budget int, deadline time.Time) *historySizer {
	z := &historySizer{l: l, done: !l.towardBounds}
	switch {
	case z.done:
	case budget > 0:
		l.setHistory(historyFor(float64(budget)/z.tasks(), z.tasks()))
		z.done = true
	case deadline.IsZero():
		z.done = true
	default:
		z.t0 = time.Now()
		z.end = deadline
		z.probe = min(time.Second, deadline.Sub(z.t0)/10)
	}
	return z
}

func (z *historySizer) tasks() float64 { return float64(max(1, len(z.l.c.p.Tasks))) }

// tick is called every few steps (step: the steps made so far); once the probe's
// time has passed, it sizes the memory by the steps expected in all.
func (z *historySizer) tick(step int) {
	if z.done {
		return
	}
	now := time.Now()
	el := now.Sub(z.t0)
	if el < z.probe || el <= 0 {
		return
	}
	z.done = true
	rate := float64(step) / el.Seconds()
	expect := float64(step) + rate*max(0, z.end.Sub(now).Seconds())
	z.l.setHistory(historyFor(expect/z.tasks(), z.tasks()))
}
