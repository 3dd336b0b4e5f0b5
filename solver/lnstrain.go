package solver

// The train neighbourhood of the large-neighbourhood search, on problems that
// aim at the days bound (towardBounds): a crew (a resource whose tasks belong
// to two groups or more) runs a train of jobs through the dwellings at its own
// pace, and a job of that train often stands on a day no other work of its
// dwelling touches (bench/RESULTS.md, branch days1k: 92-100% of the middle
// trades' jobs on 1,000 dwellings). The move takes a run of the crew's
// consecutive jobs from such a lone job on and puts them back in their order by
// fewest days, with the repairs' whole-day rule (joinDay): each job goes onto a
// day its dwelling works already when its successors and the crew allow, and
// the jobs behind it in the train shift with it. The schedule's score decides
// whether the result is kept.

// kindTrain is the train neighbourhood's kind (lns.drawKind).
const kindTrain = 9

// trainOneIn: one draw in trainOneIn is the train neighbourhood.
const trainOneIn = 8

// trainRunMax caps the jobs of a run: 2 to trainRunMax, drawn.
const trainRunMax = 8

// trainLoneTries: how many positions of the train are drawn for a lone job
// before the move takes the last one drawn.
const trainLoneTries = 8

// trainResources is the resources listed by movable tasks of two groups or more
// (byRes: the tasks listing each resource).
func trainResources(c *compiled, byRes [][]int) []int {
	var out []int
	for r, ts := range byRes {
		g0 := -1
		for _, t := range ts {
			g := c.p.Tasks[t].Group
			if g < 0 || c.p.Tasks[t].Fixed {
				continue
			}
			if g0 >= 0 && g != g0 {
				out = append(out, r)
				break
			}
			g0 = g
		}
	}
	return out
}

// pickTrain fills the train neighbourhood (see above) through add.
func (l *lns) pickTrain(add func(int)) {
	r := l.trainRes[l.rng.IntN(len(l.trainRes))]
	seq := l.sequenceOn(r)
	if len(seq) == 0 {
		return
	}
	i := l.rng.IntN(len(seq))
	for try := 1; try < trainLoneTries && !l.loneJob(seq[i]); try++ {
		i = l.rng.IntN(len(seq))
	}
	want := 2 + l.rng.IntN(trainRunMax-1)
	for _, t := range seq[i:min(len(seq), i+want)] {
		add(t)
	}
	l.fewDays = allGroups
}

// loneJob reports whether t, placed, touches a day no other placed task of its
// group touches.
func (l *lns) loneJob(t int) bool {
	g := l.c.p.Tasks[t].Group
	if g < 0 {
		return false
	}
	mine := map[int]bool{}
	p := l.st.pl[t]
	l.st.touchedDaysOf(t, l.st.mode[t], p.Start, p.End, func(d int) { mine[d] = true })
	for _, u := range l.byGroup[g] {
		if q := l.st.pl[u]; u != t && q.Placed {
			l.st.touchedDaysOf(u, l.st.mode[u], q.Start, q.End, func(d int) { delete(mine, d) })
		}
	}
	return len(mine) > 0
}
