package bench

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Quantile is the empirical q-quantile of xs (gonum's stat.Empirical): the smallest
// sample that is not below the fraction q of the samples, so the median of an even
// number of samples is the lower of the two middle ones. xs is left unchanged; NaN
// when it is empty.
func Quantile(q float64, xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return stat.Quantile(q, stat.Empirical, s, nil)
}

// GrowthExponent is the slope of the least-squares line through the points
// (log sizes[i], log values[i]): k when the values grow as sizes^k (1 is linear).
// Two points give the exponent between them. NaN with fewer than two points or a
// size or value that is not positive.
func GrowthExponent(sizes, values []float64) float64 {
	if len(sizes) != len(values) || len(sizes) < 2 {
		return math.NaN()
	}
	lx := make([]float64, len(sizes))
	ly := make([]float64, len(values))
	for i := range sizes {
		if sizes[i] <= 0 || values[i] <= 0 {
			return math.NaN()
		}
		lx[i], ly[i] = math.Log(sizes[i]), math.Log(values[i])
	}
	_, beta := stat.LinearRegression(lx, ly, nil, false)
	return beta
}
