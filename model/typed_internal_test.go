package model

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypedViewsGoWithTheirProblems: the views Validate keeps are let go with
// their problems (no leak in a service that validates problem after problem).
func TestTypedViewsGoWithTheirProblems(t *testing.T) {
	count := func() int {
		n := 0
		views.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	before := count()
	keep := make([]*Problem, 50)
	for i := range keep {
		keep[i] = minimalProblem()
		require.NoError(t, Validate(keep[i]))
		require.NoError(t, Validate(keep[i]), "validated twice: still one entry")
	}
	assert.Equal(t, before+len(keep), count())
	for _, p := range keep {
		tv := p.Typed()
		assert.Nil(t, tv.p, "a kept view holds no pointer to its problem")
		assert.Same(t, tv, p.Typed())
	}
	runtime.KeepAlive(keep)
	deadline := time.Now().Add(10 * time.Second)
	for count() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, count(), before, "the views of problems no longer used are dropped")
}

// packageProblem is a problem outside the heap.
var packageProblem Problem

// TestTypedOfAPackageVariable: a problem that is a package variable keeps its view
// too (weak pointers and cleanups accept it).
func TestTypedOfAPackageVariable(t *testing.T) {
	packageProblem = *minimalProblem()
	require.NoError(t, Validate(&packageProblem))
	tv := packageProblem.Typed()
	assert.Same(t, tv, packageProblem.Typed())
	assert.NoError(t, tv.LocErr)
}
