package solver

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"
)

// Settings tune a solve. The zero value (and a nil *Settings) is usable: a 10 s
// time limit, seed 0, all cores, no work limit.
type Settings struct {
	// TimeLimit bounds the wall time; 0 means 10 s. The best schedule found so far
	// is returned when it is reached.
	TimeLimit time.Duration
	// WorkLimit bounds the number of constructions (schedules built); 0 means no
	// bound. A run with a work limit and no time pressure is deterministic for a seed.
	WorkLimit int
	// Seed seeds every random choice.
	Seed int64
	// Workers is the number of parallel searches; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called (from one goroutine at a time) each time a
	// better schedule is found.
	Progress func(Progress)
	// NoBound skips the lower bound (Result.LowerBound is then 0): for quick
	// solves whose bound nobody reads.
	NoBound bool
	// Timings, when set, receives the wall time of each phase (the compile, the
	// first construction and its fewest-days placement, the rest of the search,
	// the days bound computed beside it, the bounds) as it ends, from the
	// goroutine that called Solve. It does not change the result.
	Timings Timer
	// BoundsLater makes Solve return as soon as the search ends, the bounds (and
	// Stop, which is said once they are done, as without it) still being
	// computed: Result.WaitBounds waits for them and must be called before
	// LowerBound, Bounds or Stop are read. The caller meanwhile turns the
	// placements into its plan. The result is the same as without it.
	BoundsLater bool
	// Check is the check mode, meant for tests: every score the search keeps
	// incrementally is derived again from scratch and compared, and so is each
	// position the pure flow-shop insertion picks from heads and tails with the
	// decoder's schedule; a mismatch makes Solve fail with an error naming both.
	// It does not change the result, but it makes each step cost the whole
	// schedule: a solve is many times slower. Off (the production path) by default.
	Check bool
}

// Progress reports an improvement.
type Progress struct {
	Elapsed    time.Duration
	Score      Score
	Iterations int
	// Makespan is the latest end of the improved schedule.
	Makespan int
}

// Stop says why a solve ended.
type Stop int

// Stops.
const (
	StopDone      Stop = iota // the work limit was reached or nothing was left to try
	StopTimeLimit             // the time limit was reached
	StopCancelled             // the context was cancelled
)

func (s Stop) String() string {
	return [...]string{"done", "time limit", "cancelled"}[s]
}

// Result is the best schedule found.
type Result struct {
	Placements []Placement
	Score      Score
	Terms      Terms
	Stop       Stop
	Iterations int
	// FirstFeasible is the time the first complete schedule took (0 if none).
	FirstFeasible time.Duration
	Elapsed       time.Duration
	Seed          int64
	// LowerBound of the makespan (Terms.Makespan) of any complete schedule
	// (Bounds.End.Value).
	LowerBound int
	// Bounds: the end bound with what binds it, and each group's days bound
	// (nil with Settings.NoBound).
	Bounds *Bounds
	// pending, with Settings.BoundsLater: closed when the bounds and Stop are
	// set; timed, the bounds' timings to report then
	pending chan struct{}
	timed   []phaseTime
	timer   Timer
}

type phaseTime struct {
	phase string
	d     time.Duration
}

// WaitBounds waits for the bounds and Stop of a solve made with
// Settings.BoundsLater (at once otherwise), and reports their timings.
func (r *Result) WaitBounds() {
	if r.pending == nil {
		return
	}
	<-r.pending
	r.pending = nil
	for _, p := range r.timed {
		r.timer.Add(p.phase, p.d)
	}
}

// DefaultTimeLimit is the time limit of a search whose Settings.TimeLimit is 0.
const DefaultTimeLimit = 10 * time.Second

// Solve schedules p. An error means the problem itself is invalid; running out of
// time or being cancelled is a Stop of the result, which then holds the best
// schedule found so far (possibly with tasks left unplaced with ReasonTimeout).
//
// One long function: it is the search's timeline (the compile, the bounds beside
// the search, the first construction, the shared best, the workers, the stop and
// the result), whose goroutines share a handful of local variables; what each
// worker does in its phases is in phases.go. Split further, the order of the
// phases and the locking would be spread over functions that each make sense
// only together.
func Solve(ctx context.Context, p *Problem, s *Settings) (*Result, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.TimeLimit <= 0 {
		set.TimeLimit = DefaultTimeLimit
	}
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start := time.Now()
	tm := set.Timings
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	tm.Since("compile", start)
	var boundTime time.Duration
	boundDone := make(chan struct{})
	// sideDone: closed when the goroutine beside the search has ended; the
	// result waits for it, since it reads the problem, which the caller may
	// change once Solve has returned
	sideDone := make(chan struct{})
	if !set.NoBound {
		// the days bound depends on no plan: computed beside the search (under a
		// second of CPU at 1,000 dwellings), the same value whenever it ends
		go func() {
			defer close(sideDone)
			t0 := time.Now()
			c.dayBoundsOf()
			boundTime = time.Since(t0)
			close(boundDone)
			// and the resources the end bound binds by, for the dwelling pull
			// neighbourhood (lnspull.go; the search waits for them if need be)
			c.pullResources()
		}()
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, set.TimeLimit-time.Since(start))
	defer cancel()
	stop := func() bool { return ctx.Err() != nil }

	var mu sync.Mutex
	var best *candidate
	iterations := 0
	var firstFeasible time.Duration
	offer := func(cd *candidate) {
		mu.Lock()
		defer mu.Unlock()
		iterations++
		if cd.score.Unplaced == 0 && firstFeasible == 0 {
			firstFeasible = time.Since(start)
		}
		if best == nil || cd.better(best) {
			cd.fill()
			best = cd
			if set.Progress != nil {
				set.Progress(Progress{Elapsed: time.Since(start), Score: cd.score, Iterations: iterations, Makespan: cd.terms.Makespan})
			}
		}
	}

	// The first construction runs alone so that a schedule exists as early as possible.
	check := set.Check
	workersMade := make([]*worker, workers)
	w0 := newWorker(c, set.Seed, 0)
	w0.deadline, _ = ctx.Deadline()
	w0.st.check = check
	workersMade[0] = w0
	t0 := time.Now()
	first := w0.firstConstruction(stop, tm)
	offer(first)
	tm.Since("first construction", t0)
	t0 = time.Now()

	// Phase 1: a few constructions with different priority rules, on every worker.
	// Phase 2: each worker improves its own best construction (phases.go). Which
	// work each worker does depends only on the seed, the worker index and the
	// work limit, never on timing.
	ph := newPhases(c, &set, workers, stop, offer)
	// when every worker runs the LNS, they meet every few steps (exchange.go)
	var meet *rendezvous
	if ph.meets() {
		meet = newRendezvous(workers, func() *candidate {
			mu.Lock()
			defer mu.Unlock()
			return best
		})
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wk := w0
			mine := first
			if w > 0 {
				wk = newWorker(c, set.Seed, w)
				wk.deadline = w0.deadline
				wk.st.check = check
				workersMade[w] = wk
				mine = nil
			}
			if meet != nil {
				defer meet.leave()
				wk.meet, wk.stopped = meet, ctx.Done()
			}
			if mine, ok := ph.construct(wk, mine); ok {
				ph.improve(wk, mine)
			}
		}(w)
	}
	wg.Wait()
	tm.Since("constructions and improvement after the first", t0)
	if meet != nil && tm != nil {
		tm("the workers' meetings (waiting, summed over the workers)", meet.waited)
	}
	for _, wk := range workersMade {
		if wk != nil && wk.st.drift != nil {
			return nil, wk.st.drift
		}
	}

	res := &Result{Placements: best.pl, Score: best.score, Terms: best.terms, Iterations: iterations,
		FirstFeasible: firstFeasible, Elapsed: time.Since(start), Seed: set.Seed}
	// the bounds, then Stop: here, or beside the caller (BoundsLater), which
	// then reads the context's error as it would be here (the deferred cancel
	// ends the search's context when Solve returns: its parent and its deadline
	// are read instead)
	deadline, _ := ctx.Deadline()
	ctxErr := func() error {
		if !set.BoundsLater {
			return ctx.Err()
		}
		if err := parent.Err(); err != nil {
			return err
		}
		if !time.Now().Before(deadline) {
			return context.DeadlineExceeded
		}
		return nil
	}
	finish := func(tm Timer) {
		if !set.NoBound {
			defer func() { <-sideDone }()
			t0 := time.Now()
			upper := 0
			if best.score.Unplaced == 0 {
				upper = best.terms.Makespan
			}
			res.Bounds = c.computeBounds(upper, tm.Prefixed("bounds"))
			res.LowerBound = res.Bounds.End.Value
			if tm != nil {
				<-boundDone
				tm("days bound (beside the search, its own time)", boundTime)
			}
			tm.Since("bounds", t0)
		}
		switch err := ctxErr(); {
		case err == context.DeadlineExceeded && (set.WorkLimit == 0 || iterations < set.WorkLimit):
			res.Stop = StopTimeLimit
		case err == context.Canceled:
			res.Stop = StopCancelled
		}
	}
	if !set.BoundsLater {
		finish(tm)
		return res, nil
	}
	res.pending, res.timer = make(chan struct{}), tm
	var record Timer
	if tm != nil {
		record = func(phase string, d time.Duration) { res.timed = append(res.timed, phaseTime{phase, d}) }
	}
	go func() {
		defer close(res.pending)
		finish(record)
	}()
	return res, nil
}

type candidate struct {
	pl    []Placement
	mode  []int
	score Score
	terms Terms
	k     int // iteration index: ties go to the lowest, so results do not depend on timing
	// from: the state whose placements pl and mode are, copied by fill (nil:
	// pl and mode are set). The search offers its new bests this way, so that
	// only those that an offer keeps cost a copy of the whole schedule.
	from *state
}

// fill copies the placements of cd.from, for an offer that keeps cd (the search
// that made it waits in the offer, its state unchanged).
func (cd *candidate) fill() {
	if cd.from == nil {
		return
	}
	cd.pl = make([]Placement, len(cd.from.pl))
	copy(cd.pl, cd.from.pl)
	cd.mode = append([]int(nil), cd.from.mode...)
	cd.from = nil
}

func (a *candidate) better(b *candidate) bool {
	if a.score.Less(b.score) {
		return true
	}
	if b.score.Less(a.score) {
		return false
	}
	return a.k < b.k
}

type worker struct {
	// deadline: the search's end by the time limit (the late-acceptance
	// memory of a search without a work limit is sized by it: lnshistory.go)
	deadline time.Time
	just     *justifier
	index    int
	c        *compiled
	st       *state
	seed     int64
	prio     []float64
	// meet: the workers' meetings (nil: none; exchange.go); stopped is
	// closed when the search is stopped
	meet    *rendezvous
	stopped <-chan struct{}
}

func newWorker(c *compiled, seed int64, w int) *worker {
	return &worker{index: w, c: c, st: newState(c), seed: seed, prio: make([]float64, len(c.p.Tasks))}
}

// build makes construction number k. Its randomness depends only on (seed, k).
func (wk *worker) build(k int, stop func() bool) *candidate {
	c := wk.c
	rng := rand.New(rand.NewPCG(uint64(wk.seed), uint64(k)))
	rule := k % 3
	wk.st.hints = k%2 == 0
	// dwellings disturbed on fewer days: each task of a group at the start that
	// adds the fewest days to its group's (lnsbounds.go)
	wk.st.fewDays = c.towardBounds()
	// toward the days bound on large operations, the earliest-start rule gives
	// way to the paced construction (pace.go): dwelling by dwelling, each paced
	// to its trains
	paced := rule == 2 && wk.st.fewDays && c.groups >= pacedMinGroups
	noise := 0.0
	if k >= 3 {
		noise = 0.3 * rng.Float64()
	}
	scale := float64(max(1, c.horizonGuess()))
	groupRank := c.groupRanks()
	var groupNoise []float64
	if paced {
		// the paced construction shuffles whole groups, so that each group's
		// tasks stay one run of the list, and places first the groups held in
		// time (pacedRanks)
		groupNoise = c.pacedRanks(groupRank, noise, rng)
		noise = 0
	}
	for t := range wk.prio {
		var v float64
		task := &c.p.Tasks[t]
		switch {
		case rule == 0 || paced: // dwelling by dwelling (group-major), then latest finish
			g := c.p.Tasks[t].Group
			r := 0.0
			if g >= 0 {
				r = float64(groupRank[g])
				if groupNoise != nil {
					r = groupNoise[g]
				}
			}
			v = r + float64(c.lft[t])/scale
		case rule == 1: // latest finish time
			v = float64(c.lft[t]) / scale
		default: // earliest start, then latest finish
			v = float64(c.est[t])/scale + float64(c.lft[t])/scale/1000
		}
		if noise > 0 {
			v += noise * rng.Float64() * priorityRange(rule)
		}
		if task.Anchored && (wk.st.hints || c.firstAtAnchor[t]) {
			// a repair: anchored tasks first, in their old order, so that they find
			// their places free
			v = -1e6 + float64(task.AnchorStart)/scale
		}
		wk.prio[t] = v
	}
	list := c.activityList(wk.prio)
	var r *rand.Rand
	if k > 0 {
		r = rng
	}
	if paced {
		wk.st.constructPaced(list, r, stop)
	} else {
		wk.st.construct(list, r, stop)
	}
	wk.st.fewDays = false
	// the first construction stays plain, so that a first plan comes fast; the
	// paced one too (a justification pass places at the earliest)
	if k > 0 && !paced && !stop() {
		if wk.just == nil {
			wk.just = newJustifier(c)
		}
		if wk.just != nil {
			for pass := 0; pass < 4; pass++ {
				if !wk.just.improve(wk.st) {
					break
				}
			}
		}
	}
	pl := make([]Placement, len(wk.st.pl))
	copy(pl, wk.st.pl)
	mode := append([]int(nil), wk.st.mode...)
	sc, tm := wk.st.scoreTerms()
	return &candidate{pl: pl, mode: mode, score: sc, terms: tm, k: k}
}

// constructionBudget is how many constructions phase 1 makes.
func constructionBudget(workers, workLimit int) int {
	n := 3 * workers
	if workLimit > 0 {
		n = min(n, workLimit)
	}
	return max(n, 1)
}

// improve runs the large-neighbourhood search from a candidate, offering each
// schedule better than the worker's best (an offer that keeps one fills it). budget bounds the steps (0: until stop).
func (wk *worker) improve(from *candidate, budget int, stop func() bool, offer func(*candidate)) {
	c := wk.c
	st := wk.st
	st.hints = false
	st.load(from)
	rng := rand.New(rand.NewPCG(uint64(wk.seed), uint64(1<<32+wk.index)))
	l := newLNS(c, st, rng)
	sizer := newHistorySizer(l, budget, wk.deadline)
	best := from.score
	for step := 1; budget == 0 || step <= budget; step++ {
		if step&15 == 0 {
			if stop() {
				return
			}
			sizer.tick(step)
		}
		if at, ok := wk.meetAt(step, best); !ok {
			return
		} else if at != nil {
			l.restartFrom(at)
			best = at.score
		}
		if !l.step() || !l.cur.Less(best) {
			continue
		}
		best = l.cur
		sc, tm := st.scoreTerms()
		cd := &candidate{score: sc, terms: tm, k: 1<<40 + step*64 + wk.index, from: st}
		offer(cd) // which fills cd if it keeps it
		cd.from = nil
	}
}

func priorityRange(rule int) float64 {
	if rule == 0 {
		return 3 // a few groups of shuffle
	}
	return 0.2
}

func (c *compiled) horizonGuess() int {
	h := 1
	for i := range c.lft {
		h = max(h, c.lft[i])
	}
	return h
}

// groupRanks numbers the groups in the order of their first task.
func (c *compiled) groupRanks() []int {
	r := make([]int, c.groups)
	for i := range r {
		r[i] = -1
	}
	next := 0
	for _, t := range c.p.Tasks {
		if t.Group >= 0 && r[t.Group] < 0 {
			r[t.Group] = next
			next++
		}
	}
	return r
}
