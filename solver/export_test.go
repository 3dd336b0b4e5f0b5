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
