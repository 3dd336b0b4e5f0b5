package solver

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// A genetic search over activity lists (Hartmann, 1998), with every child decoded
// by the serial scheme and improved by forward-backward justification (Valls,
// Ballestín and Quintanilla, 2005); the justified schedule's start order becomes the
// child's list. Two-point crossover keeps lists precedence-feasible; a mutation
// swaps neighbours that no precedence links. It suits problems whose construction
// is cheap (see listSearchMaxTasks), where many schedules can be tried. Equal
// schedules are kept once, equal scores rank the more compact schedule (lower sum
// of ends) first, and a stagnant population is drawn anew around its best.

// listSearchMaxTasks: problems up to this size run the genetic search on their odd
// workers, and on the only one when there is one (the even ones run the
// large-neighbourhood search).
const listSearchMaxTasks = 400

const (
	// populationSize: 150 beat 40, 80 and 300 on twelve j120 instances at 30,000
	// decodes (bench/RESULTS.md)
	populationSize = 150
	mutationRate   = 0.10
	// restartAfter generations without a better schedule, the population is
	// drawn anew but for its best: a population of justified schedules converges
	// in a few hundred generations.
	restartAfter = 50
)

type individual struct {
	list  []int
	score Score
	age   int    // generation of birth: ties go to the older, so results do not depend on timing
	hash  uint64 // of the schedule's starts: equal schedules are kept once
	// ends sums the tasks' ends: among equal scores the more compact schedule
	// ranks first
	ends int
}

type geneticSearch struct {
	wk     *worker
	c      *compiled
	rng    *rand.Rand
	budget int // decodes left; < 0: no bound
	stop   func() bool
	linked map[[2]int]bool // direct precedences
	used   []bool
	n      int
	// fast decodes the lists of a plain problem (plainsgs.go); nil otherwise
	fast *plainSGS
}

func newGeneticSearch(wk *worker, rng *rand.Rand, budget int, stop func() bool) *geneticSearch {
	c := wk.c
	g := &geneticSearch{wk: wk, c: c, rng: rng, budget: budget, stop: stop, linked: map[[2]int]bool{},
		used: make([]bool, len(c.p.Tasks)), n: len(c.p.Tasks), fast: newPlainSGS(c)}
	for _, pr := range c.p.Precedences {
		g.linked[[2]int{pr.From, pr.To}] = true
		g.linked[[2]int{pr.To, pr.From}] = true
	}
	return g
}

func (g *geneticSearch) out() bool { return g.budget == 0 || g.stop() }

// evaluate decodes list, justifies the schedule and returns the list of the result
// (its tasks by start) and its score; the schedule stays in the worker's state.
func (g *geneticSearch) evaluate(list []int) individual {
	c, st := g.c, g.wk.st
	if g.budget > 0 {
		g.budget--
	}
	if g.fast != nil {
		return g.evaluateFast(list)
	}
	st.hints = false
	st.construct(list, nil, nil)
	if g.wk.just == nil {
		g.wk.just = newJustifier(c)
	}
	if g.wk.just != nil {
		for pass := 0; pass < 2; pass++ {
			if !g.wk.just.improve(st) {
				break
			}
		}
	}
	sc := st.score()
	// the justified schedule's order: placed tasks by start, the rest as they were
	pos := make([]float64, g.n)
	for k, t := range list {
		pos[t] = float64(k) / float64(g.n+1)
		if p := st.pl[t]; p.Placed {
			pos[t] += float64(p.Start)
		} else {
			pos[t] += float64(MaxTime)
		}
	}
	h := uint64(14695981039346656037)
	ends := 0
	for t := range st.pl {
		ends += st.pl[t].End
		x := uint64(st.pl[t].Start)
		if !st.pl[t].Placed {
			x = 1<<63 - 1
		}
		h = (h ^ x) * 1099511628211
	}
	return individual{list: c.activityList(pos), score: sc, hash: h, ends: ends}
}

// evaluateFast is evaluate on a plain problem: the schedule stays in g.fast.start
// (toState puts it in the worker's state).
func (g *geneticSearch) evaluateFast(list []int) individual {
	f := g.fast
	mk := f.justified(list)
	h := uint64(14695981039346656037)
	ends := 0
	for t, x := range f.start {
		ends += x + f.dur[t]
		h = (h ^ uint64(x)) * 1099511628211
	}
	// the tasks by start, ties in list order: a task starts no earlier than its
	// predecessors, and after them in list when at the same time, so the order
	// is the one activityList would give, without its heap
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b int) int { return f.start[a] - f.start[b] })
	return individual{list: out, score: Score{Soft: f.weight * float64(mk)}, hash: h, ends: ends}
}

// toState puts the last schedule evaluated in the worker's state.
func (g *geneticSearch) toState() {
	if g.fast == nil {
		return
	}
	pl := make([]Placement, g.n)
	for t, x := range g.fast.start {
		pl[t] = Placement{Placed: true, Start: x, End: x + g.fast.dur[t]}
	}
	g.wk.st.restore(pl, make([]int, g.n))
}

// random makes a list by latest finish with noise.
func (g *geneticSearch) random(noise float64) []int {
	c := g.c
	scale := float64(max(1, c.horizonGuess()))
	prio := make([]float64, g.n)
	for t := range prio {
		prio[t] = float64(c.lft[t])/scale + noise*g.rng.Float64()
	}
	return c.activityList(prio)
}

// crossover is the two-point crossover: the child takes the mother's first q1
// tasks, then the father's next ones up to q2 tasks in all, then the mother's rest,
// each task once in the order it comes.
func (g *geneticSearch) crossover(mother, father []int) []int {
	q1 := g.rng.IntN(g.n + 1)
	q2 := q1 + g.rng.IntN(g.n-q1+1)
	clear(g.used)
	child := make([]int, 0, g.n)
	take := func(from []int, upto int) {
		for _, t := range from {
			if len(child) >= upto {
				return
			}
			if !g.used[t] {
				g.used[t] = true
				child = append(child, t)
			}
		}
	}
	take(mother[:q1], q1)
	take(father, q2)
	take(mother, g.n)
	return child
}

// mutate swaps neighbours that no precedence links, each with mutationRate.
func (g *geneticSearch) mutate(list []int) {
	for i := 0; i+1 < len(list); i++ {
		if g.rng.Float64() < mutationRate && !g.linked[[2]int{list[i], list[i+1]}] {
			list[i], list[i+1] = list[i+1], list[i]
		}
	}
}

// run evolves a population until stopped or out of budget, offering each schedule
// better than the worker's best. from, when not nil, seeds the population.
func (g *geneticSearch) run(from *candidate, offer func(*candidate)) {
	var best Score
	haveBest := false
	k := 1<<41 + g.wk.index
	evals := 0
	consider := func(ind individual) {
		evals++
		if !haveBest || ind.score.Less(best) {
			best, haveBest = ind.score, true
			g.toState()
			pl := make([]Placement, len(g.wk.st.pl))
			copy(pl, g.wk.st.pl)
			mode := append([]int(nil), g.wk.st.mode...)
			sc, tm := g.wk.st.scoreTerms()
			offer(&candidate{pl: pl, mode: mode, score: sc, terms: tm, k: k + evals*64})
		}
	}
	var pop []individual
	if from != nil {
		pos := make([]float64, g.n)
		for t := range pos {
			if p := from.pl[t]; p.Placed {
				pos[t] = float64(p.Start) + float64(t)/float64(g.n+1)
			} else {
				pos[t] = float64(MaxTime)
			}
		}
		ind := g.evaluate(g.c.activityList(pos))
		consider(ind)
		pop = append(pop, ind)
	}
	for len(pop) < populationSize {
		if g.out() {
			return
		}
		ind := g.evaluate(g.random(0.3 * float64(len(pop)) / populationSize))
		consider(ind)
		pop = append(pop, ind)
	}
	lastGain := 0
	for gen := 1; ; gen++ {
		if gen-lastGain > restartAfter {
			// stagnation: keep the best, draw the others anew
			lastGain = gen
			pop = pop[:1]
			for len(pop) < populationSize {
				if g.out() {
					return
				}
				ind := g.evaluate(g.random(0.5))
				ind.age = gen
				consider(ind)
				pop = append(pop, ind)
			}
		}
		bestBefore := best
		g.rng.Shuffle(len(pop), func(i, j int) { pop[i], pop[j] = pop[j], pop[i] })
		kids := make([]individual, 0, len(pop))
		for i := 0; i+1 < len(pop); i += 2 {
			for _, pair := range [2][2][]int{{pop[i].list, pop[i+1].list}, {pop[i+1].list, pop[i].list}} {
				if g.out() {
					return
				}
				child := g.crossover(pair[0], pair[1])
				g.mutate(child)
				ind := g.evaluate(g.c.precedenceFeasible(child))
				ind.age = gen
				consider(ind)
				kids = append(kids, ind)
			}
		}
		if best.Less(bestBefore) {
			lastGain = gen
		}
		pop = append(pop, kids...)
		sort.SliceStable(pop, func(a, b int) bool {
			if pop[a].score.Less(pop[b].score) {
				return true
			}
			if pop[b].score.Less(pop[a].score) {
				return false
			}
			if pop[a].ends != pop[b].ends {
				return pop[a].ends < pop[b].ends
			}
			return pop[a].age < pop[b].age
		})
		// the best of each distinct schedule survive
		seen := map[uint64]bool{}
		keep := pop[:0]
		for _, ind := range pop {
			if len(keep) < populationSize && !seen[ind.hash] {
				seen[ind.hash] = true
				keep = append(keep, ind)
			}
		}
		pop = keep
	}
}
