package solver

// Adaptive choice of the neighbourhood (as in adaptive large-neighbourhood
// search), on the problems that aim at the days bound (towardBounds: groups
// with a days goal, the dwellings of an operation). The kinds start at the
// shares the fixed draw gives them (fixedShares); every adaptSegment steps
// each kind's weight moves toward its share times how much more or less than
// the average its draws took off the current score in that segment (adaptRate
// of the way), kept between adaptFloor and adaptCeil times its starting share;
// a kind not drawn in a segment keeps its weight. The draw is a roulette on
// the weights (their sum need not be 1) from the worker's random stream, so a
// run stays deterministic for a seed and a work limit. Other problems keep the
// fixed draw (lns.drawKind).

// adaptSegment is how many steps pass between two updates of the weights.
const adaptSegment = 200

// adaptRate is how far a segment moves the weights toward what it measured.
const adaptRate = 0.3

// adaptFloor and adaptCeil bound a kind's weight, in multiples of its starting
// share: no kind starves, none takes over.
const (
	adaptFloor = 0.25
	adaptCeil  = 4.0
)

// kindCount is the number of neighbourhood kinds (0-3, kindDays .. kindPull).
const kindCount = kindPull + 1

// adaptive is the roulette's state.
type adaptive struct {
	share  [kindCount]float64 // starting share of each kind (0: never drawn)
	weight [kindCount]float64
	gain   [kindCount]float64 // score taken off by each kind's steps in the segment
	draws  [kindCount]int     // each kind's steps in the segment
	steps  int
	DBGg [kindCount]float64
	DBGd [kindCount]int
}

// newAdaptive starts the weights at the shares; nil when no kind may be drawn.
func newAdaptive(share [kindCount]float64) *adaptive {
	a := &adaptive{share: share}
	total := 0.0
	for _, s := range share {
		total += s
	}
	if total <= 0 {
		return nil
	}
	for k := range a.share {
		a.share[k] /= total
		a.weight[k] = a.share[k]
	}
	return a
}

// fixedShares is the share of each kind under the fixed draw (drawKind's
// cascade, each later choice overriding a fraction of the earlier ones).
func (l *lns) fixedShares() [kindCount]float64 {
	c := l.c
	var p [kindCount]float64
	p[0], p[1], p[2], p[3] = 0.25, 0.25, 0.25, 0.25
	if c.groups == 0 {
		p[1], p[0] = p[1]+p[0], 0
	}
	if l.towardBounds {
		p[kindDays], p[0] = p[0]/2, p[0]/2
		override(&p, kindDays, 0.5)
	}
	if len(l.holdRes) > 0 {
		override(&p, kindHold, 0.25)
	}
	if c.groups > 0 && c.p.Objective.Makespan > 0 {
		override(&p, kindAhead, 1.0/8)
	}
	if l.towardBounds && !c.noMergeMove {
		override(&p, kindMerge, 1.0/mergeOneIn)
	}
	if len(l.pullRes) > 0 {
		override(&p, kindPull, 1.0/pullOneIn)
	}
	return p
}

// override gives kind k the fraction f of every other kind's share.
func override(p *[kindCount]float64, k int, f float64) {
	for j := range p {
		if j != k {
			p[k] += p[j] * f
			p[j] *= 1 - f
		}
	}
}

// draw picks a kind by roulette on the weights.
func (a *adaptive) draw(x float64) int {
	total := 0.0
	for _, w := range a.weight {
		total += w
	}
	x *= total
	last := 0
	for k, w := range a.weight {
		if w <= 0 {
			continue
		}
		if x < w {
			return k
		}
		x -= w
		last = k
	}
	return last
}

// learn records a step of kind k that took gain off the current score (0 when
// rejected or no better), and updates the weights at the end of a segment.
func (a *adaptive) learn(k int, gain float64) {
	a.draws[k]++
	a.DBGd[k]++
	a.DBGg[k] += max(0, gain)
	a.gain[k] += max(0, gain)
	a.steps++
	if a.steps < adaptSegment {
		return
	}
	a.update()
}

// update moves each drawn kind's weight toward its share times its gain per
// draw over the segment's mean gain per draw, within the floor and ceiling.
func (a *adaptive) update() {
	total, n := 0.0, 0
	for k := range a.draws {
		total += a.gain[k]
		n += a.draws[k]
	}
	if total > 0 {
		mean := total / float64(n)
		for k := range a.weight {
			if a.draws[k] > 0 {
				target := a.share[k] * a.gain[k] / float64(a.draws[k]) / mean
				w := (1-adaptRate)*a.weight[k] + adaptRate*target
				a.weight[k] = min(max(w, adaptFloor*a.share[k]), adaptCeil*a.share[k])
			}
		}
	}
	a.gain, a.draws, a.steps = [kindCount]float64{}, [kindCount]int{}, 0
}
