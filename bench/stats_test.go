package bench

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuantile(t *testing.T) {
	ten := []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}
	for _, tc := range []struct {
		name string
		q    float64
		xs   []float64
		want float64
	}{
		{"median of an odd count: the middle", 0.5, []float64{3, 1, 2}, 2},
		{"median of an even count: the lower middle", 0.5, ten, 5},
		{"p95 of ten: the tenth", 0.95, ten, 10},
		{"p90 of ten: the ninth (0.9 of the samples are at or below it)", 0.9, ten, 9},
		{"p0: the smallest", 0, ten, 1},
		{"p100: the largest", 1, ten, 10},
		{"one sample", 0.99, []float64{4}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]float64(nil), tc.xs...)
			assert.Equal(t, tc.want, Quantile(tc.q, tc.xs))
			assert.Equal(t, before, tc.xs, "the samples are left in their order")
		})
	}
	assert.True(t, math.IsNaN(Quantile(0.5, nil)))
}

func TestGrowthExponent(t *testing.T) {
	pow := func(k float64, ns ...float64) []float64 {
		out := make([]float64, len(ns))
		for i, n := range ns {
			out[i] = 0.003 * math.Pow(n, k)
		}
		return out
	}
	ns := []float64{100, 300, 1000, 3000}
	for _, tc := range []struct {
		name          string
		sizes, values []float64
		want          float64
	}{
		{"linear", ns, pow(1, ns...), 1},
		{"quadratic", ns, pow(2, ns...), 2},
		{"N^1.15", ns, pow(1.15, ns...), 1.15},
		// two points: log(t2/t1)/log(n2/n1), as the scale bench printed it
		{"two points", []float64{300, 1000}, []float64{0.22, 0.98}, math.Log(0.98/0.22) / math.Log(1000.0/300)},
		// the least-squares slope of (0,0), (1,1), (2,3) in logs of base e is 1.5
		{"not on a line", []float64{1, math.E, math.E * math.E}, []float64{1, math.E, math.Pow(math.E, 3)}, 1.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, GrowthExponent(tc.sizes, tc.values), 1e-9)
		})
	}
	assert.True(t, math.IsNaN(GrowthExponent([]float64{1}, []float64{1})))
	assert.True(t, math.IsNaN(GrowthExponent([]float64{1, 2}, []float64{1, 0})))
}
