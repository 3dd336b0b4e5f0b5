package solver

import (
	"sync"
	"time"
)

// The workers' meeting. Each worker of a solve runs its own large-neighbourhood
// search from its own construction, and the result is the best any of them
// found. On the problems that aim at the days bound (towardBounds), where every
// worker runs that search, the workers meet once, at meetShare of their steps
// (of the time limit when no work limit is set): each waits for the others,
// and a worker whose current schedule is worse than the best found so far goes
// on from that best (its own random stream goes on). The search then spends its
// second part on the better start twice over, with two streams. With a work
// limit every worker meets at the same step, after every schedule offered
// before it, so the run stays deterministic for a seed and a work limit.

// meetShare is the share of the steps (or of the time limit) at which the
// workers meet.
const meetShare = 0.5

// meeting is the workers' meeting of one solve.
type meeting struct {
	arrived sync.WaitGroup
	once    []sync.Once // per worker: arrived (at the meeting or by leaving)
	at      time.Time   // without a work limit: when to meet
	best    func() *candidate
	snap    sync.Once
	from    *candidate // the best when all have arrived
}

// newMeeting is the meeting of workers workers; best reads the best schedule
// found so far; at is when to meet without a work limit.
func newMeeting(workers int, at time.Time, best func() *candidate) *meeting {
	m := &meeting{once: make([]sync.Once, workers), at: at, best: best}
	m.arrived.Add(workers)
	return m
}

// leave marks worker w arrived (once): at the meeting, or when it ends
// without reaching it.
func (m *meeting) leave(w int) {
	if m != nil {
		m.once[w].Do(m.arrived.Done)
	}
}

// due reports whether worker w, at step of budget (0: no work limit), meets now.
func (m *meeting) due(step, budget int) bool {
	if m == nil {
		return false
	}
	if budget > 0 {
		return step == max(1, int(meetShare*float64(budget)))
	}
	return step&15 == 0 && !time.Now().Before(m.at)
}

// meet waits for every worker and returns the best schedule found before the
// meeting (the same for every worker).
func (m *meeting) meet(w int) *candidate {
	m.leave(w)
	m.arrived.Wait()
	m.snap.Do(func() { m.from = m.best() })
	return m.from
}

// meeting is the workers' meeting of a solve with workers workers (at: when,
// without a work limit), or nil: only on problems that aim at the days bound
// and where every worker runs the large-neighbourhood search (not the same-
// order, disjunctive or genetic searches; allLists: every worker runs the
// genetic one), with more than one worker.
func (c *compiled) meeting(workers int, at time.Time, allLists bool, best func() *candidate) *meeting {
	if workers < 2 || !c.towardBounds() || c.ordered() || c.disjunctive() || allLists ||
		len(c.p.Tasks) <= listSearchMaxTasks || c.noMeeting {
		return nil
	}
	return newMeeting(workers, at, best)
}
