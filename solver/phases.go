package solver

import "math/rand/v2"

// firstConstruction is the schedule worker 0 builds alone before the others
// start, so that one exists as early as possible: the chains in decreasing total
// duration for same-order rules, else the first priority rule's construction.
func (wk *worker) firstConstruction(stop func() bool, tm Timer) *candidate {
	wk.st.timed = tm != nil
	defer func() { wk.st.timed = false }()
	var first *candidate
	if wk.c.ordered() {
		o := newOrderSearch(wk, nil, -1, stop)
		o.decode(o.initialOrders(0))
		first = o.candidate(0)
	} else {
		first = wk.build(0, stop)
	}
	if tm != nil && wk.st.fewDaysTime > 0 {
		tm("first construction: fewest-days placement (its later starts)", wk.st.fewDaysTime)
	}
	return first
}

// phases is what every worker of a Solve does after the first construction:
// phase 1, a few more constructions with different priority rules; phase 2, an
// improvement of its best construction by the search that suits the problem.
type phases struct {
	c       *compiled
	set     *Settings
	workers int
	// constructions: the priority-rule constructions (the first included);
	// built: those and the bottleneck-first one when it applies
	constructions, built int
	// improveBudget: the steps of each worker's improvement (0: until stopped)
	improveBudget int
	// allLists: a plain cumulative problem runs the genetic search on every worker
	allLists bool
	stop     func() bool
	offer    func(*candidate)
}

func newPhases(c *compiled, set *Settings, workers int, stop func() bool, offer func(*candidate)) *phases {
	ph := &phases{c: c, set: set, workers: workers, stop: stop, offer: offer}
	ph.constructions = constructionBudget(workers, set.WorkLimit)
	if set.WorkLimit > 0 {
		ph.improveBudget = max(0, set.WorkLimit-ph.constructions) / workers
	}
	if c.ordered() {
		// same-order rules: each worker searches chain orders (order.go); the work
		// limit counts decodes
		ph.constructions = 1
		if set.WorkLimit > 0 {
			ph.improveBudget = max(0, set.WorkLimit-1) / workers
		}
	}
	// a plain cumulative problem (plainsgs.go) runs the genetic search on every
	// worker: its decoder is fast enough that many lists beat a few neighbourhoods
	ph.allLists = len(c.p.Tasks) <= listSearchMaxTasks && newPlainSGS(c) != nil
	// the bottleneck-first construction (bottleneck.go) is one more, the last
	// (the improvement's budget is that of the others); not in a probe of one
	// construction (work limit 1)
	ph.built = ph.constructions
	if set.WorkLimit != 1 && c.bottleneckFirstApplies() {
		ph.built++
	}
	return ph
}

// meets reports whether every worker runs the LNS, and so whether they meet
// (exchange.go).
func (ph *phases) meets() bool {
	c := ph.c
	return ph.workers > 1 && !c.ordered() && !c.disjunctive() && len(c.p.Tasks) > listSearchMaxTasks
}

// construct runs worker wk's share of the constructions, offering each; it
// returns its best (mine, the first construction for worker 0, or nil) and false
// when the search was stopped.
func (ph *phases) construct(wk *worker, mine *candidate) (*candidate, bool) {
	for k := 1 + wk.index; k < ph.built; k += ph.workers {
		if ph.stop() {
			return mine, false
		}
		var cd *candidate
		if k >= ph.constructions {
			if cd = wk.buildBottleneck(k, ph.stop); cd == nil {
				continue
			}
		} else {
			cd = wk.build(k, ph.stop)
		}
		if ph.stop() && cd.score.Unplaced > 0 {
			return mine, false // an interrupted construction is worth nothing
		}
		ph.offer(cd)
		if mine == nil || cd.better(mine) {
			mine = cd
		}
	}
	return mine, true
}

// improve runs worker wk's phase 2 from its best construction mine: chain orders
// (same-order rules), tabu (job shops), the genetic search (small problems, on
// every other worker or all of them), else the large-neighbourhood search.
func (ph *phases) improve(wk *worker, mine *candidate) {
	c, set, w := ph.c, ph.set, wk.index
	spent := set.WorkLimit > 0 && ph.improveBudget == 0
	budget := -1 // the order and genetic searches' budget: -1 until stopped
	if set.WorkLimit > 0 {
		budget = ph.improveBudget
	}
	if c.ordered() {
		if spent || ph.stop() {
			return
		}
		rng := rand.New(rand.NewPCG(uint64(set.Seed), uint64(1<<33+w)))
		newOrderSearch(wk, rng, budget, ph.stop).run(ph.offer)
		return
	}
	if mine == nil || ph.stop() || spent {
		return
	}
	if c.disjunctive() {
		wk.tabu(mine, ph.improveBudget, ph.stop, ph.offer)
		return
	}
	if len(c.p.Tasks) <= listSearchMaxTasks && (w%2 == 1 || ph.workers == 1 || ph.allLists) {
		rng := rand.New(rand.NewPCG(uint64(set.Seed), uint64(1<<34+w)))
		newGeneticSearch(wk, rng, budget, ph.stop).run(mine, ph.offer)
		return
	}
	wk.improve(mine, ph.improveBudget, ph.stop, ph.offer)
}
