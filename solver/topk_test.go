package solver

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSmallestK: the k smallest, in order, are the first k of a full sort,
// whatever k and however many equal keys (ties broken by the second field).
func TestSmallestK(t *testing.T) {
	type kv struct{ k, v int }
	less := func(a, b kv) bool { return a.k < b.k || a.k == b.k && a.v < b.v }
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 5, 50, 300} {
		for _, k := range []int{0, 1, 3, 8, 32, 299, 300, 400} {
			xs := make([]kv, n)
			for i := range xs {
				xs[i] = kv{rng.IntN(20), i}
			}
			rng.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			want := append([]kv{}, xs...)
			sort.Slice(want, func(i, j int) bool { return less(want[i], want[j]) })
			want = want[:min(k, n)]
			got := smallestK(xs, k, less)
			assert.Equal(t, want, append([]kv{}, got...), "n %d k %d", n, k)
		}
	}
}
