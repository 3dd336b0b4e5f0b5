package solver

// DayBounds is the days bound of each group of p, computed afresh (for the tests
// and benchmarks of the external test package).
func DayBounds(p *Problem) ([]int, error) {
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	return c.groupDayBounds(), nil
}

// PacedConstruction builds construction 2 of p for seed (the paced one, on
// problems toward the days bound from pacedMinGroups groups on), with or
// without its bottleneck step (paceToBottleneck), for the external test
// package: the days beyond each group's first, the score, and what the
// checker finds wrong with its schedule.
func PacedConstruction(p *Problem, seed int64, toBottleneck bool) (days int, score Score, broken []string, err error) {
	c, err := compile(p)
	if err != nil {
		return 0, Score{}, nil, err
	}
	wk := newWorker(c, seed, 0)
	wk.st.noBottleneck = !toBottleneck
	cd := wk.build(2, func() bool { return false })
	return cd.terms.GroupDays, cd.score, checkSchedule(p, cd.pl), nil
}
