package solver

import (
	"sync"
	"time"
)

// The workers' meetings: when every worker improves its own best construction
// by the large-neighbourhood search (problems above listSearchMaxTasks), they
// meet every exchangeEpoch steps (a barrier at the same step counts); the best
// plan found by then is read once, when the last of them arrives, and each
// worker whose own best is worse goes on from it (its random stream and its
// late-acceptance memory kept: the memory's older, worse scores let it leave
// the better plan's basin again; reset to the new score, the example's end
// gaps were worse, bench/RESULTS.md, section coop29). Which plan a worker
// goes on from depends only on the offers made before the meeting, never on
// timing: a run with a work limit stays deterministic for a seed. A worker that
// stops (time limit, cancellation, its budget spent, nothing to improve) leaves
// the meetings, so the others never wait for it; a worker waiting at a meeting
// leaves it as soon as the search is stopped.

// exchangeEpoch is the number of LNS steps between two meetings.
var exchangeEpoch = 10000

// rendezvous is the workers' meeting point.
type rendezvous struct {
	mu      sync.Mutex
	active  int // workers still searching
	arrived int // workers waiting at the current meeting
	round   *meetRound
	// snapshot reads the best plan found so far (it must be filled)
	snapshot func() *candidate
	// waited: the wall time the workers spent waiting, summed
	waited time.Duration
	rounds int
}

// meetRound is one meeting: done is closed when the last worker has arrived,
// best being then the best plan found before it.
type meetRound struct {
	done chan struct{}
	best *candidate
}

func newRendezvous(workers int, snapshot func() *candidate) *rendezvous {
	return &rendezvous{active: workers, round: &meetRound{done: make(chan struct{})}, snapshot: snapshot}
}

// arrive waits at the current meeting for the workers still searching, and
// returns the best plan found before it; nil if stopped (closed) first (the
// worker must then leave).
func (r *rendezvous) arrive(stopped <-chan struct{}) *candidate {
	t0 := time.Now()
	r.mu.Lock()
	rd := r.round
	r.arrived++
	if r.arrived >= r.active {
		r.completeLocked()
	}
	r.mu.Unlock()
	select {
	case <-rd.done:
		r.addWait(time.Since(t0))
		return rd.best
	case <-stopped:
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waited += time.Since(t0)
	if r.round == rd {
		// the meeting has not completed: it no longer counts this worker,
		// which leaves the meetings (leave) as its search returns
		r.arrived--
	}
	return nil
}

func (r *rendezvous) addWait(d time.Duration) {
	r.mu.Lock()
	r.waited += d
	r.mu.Unlock()
}

// leave takes a worker out of the meetings (it stopped searching); a meeting
// that waited only for it completes.
func (r *rendezvous) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active--
	if r.arrived > 0 && r.arrived >= r.active {
		r.completeLocked()
	}
}

// completeLocked ends the current meeting (r.mu held) and opens the next.
func (r *rendezvous) completeLocked() {
	rd := r.round
	rd.best = r.snapshot()
	r.rounds++
	close(rd.done)
	r.arrived = 0
	r.round = &meetRound{done: make(chan struct{})}
}

// meetAt is the worker's meeting after step (if one is due): the plan it goes
// on from when another worker's was better than its own best, and whether the
// search may go on (false: stopped while waiting).
func (wk *worker) meetAt(step int, best Score) (*candidate, bool) {
	if wk.meet == nil || step%exchangeEpoch != 0 {
		return nil, true
	}
	at := wk.meet.arrive(wk.stopped)
	if at == nil {
		return nil, false
	}
	if at.score.Less(best) {
		return at, true
	}
	return nil, true
}

// load puts the schedule of cd in st (emptied first).
func (st *state) load(cd *candidate) {
	st.reset()
	for t := range cd.pl {
		if p := cd.pl[t]; p.Placed {
			st.place(t, cd.mode[t], p.Start, p.End)
		} else {
			st.pl[t] = p
		}
	}
}

// restartFrom makes cd the search's current schedule; the late-acceptance
// memory keeps the scores it held (reset to the new score, the example's end
// gaps were worse: bench/RESULTS.md, coop29).
func (l *lns) restartFrom(cd *candidate) {
	l.st.load(cd)
	l.st.fileTimes()
	l.cur = l.st.score()
}
