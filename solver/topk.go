package solver

import "sort"

// smallestK returns the k smallest of xs by less, sorted, reusing xs: the
// neighbourhoods that take the tasks nearest a time or ending last need only
// their first few, and sorting every task each step cost a fifth of the search.
// less must be a strict total order, so that the result is the first k of a
// full sort.
func smallestK[T any](xs []T, k int, less func(a, b T) bool) []T {
	if k >= len(xs) {
		sort.Slice(xs, func(i, j int) bool { return less(xs[i], xs[j]) })
		return xs
	}
	if k <= 0 {
		return xs[:0]
	}
	// xs[:n] holds the k smallest seen so far, sorted; each later element that
	// beats the largest of them is inserted in its place
	n := 0
	for i := range xs {
		x := xs[i]
		if n == k && !less(x, xs[k-1]) {
			continue
		}
		at := sort.Search(n, func(j int) bool { return less(x, xs[j]) })
		if n < k {
			n++
		}
		copy(xs[at+1:n], xs[at:n-1])
		xs[at] = x
	}
	return xs[:n]
}
