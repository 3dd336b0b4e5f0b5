package bench

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// bench-replan's header says what bounds each search: its seconds, or its work
// limit when there is no time limit (the largest duration).
func TestPerSolve(t *testing.T) {
	for _, c := range []struct {
		o    ReplanOptions
		want string
	}{
		{ReplanOptions{TimeLimit: 10 * time.Second}, "10 s per solve"},
		{ReplanOptions{TimeLimit: 3 * time.Second, WorkLimit: 40}, "3 s per solve"},
		{ReplanOptions{TimeLimit: math.MaxInt64, WorkLimit: 40}, "40 schedules per solve, no time limit"},
	} {
		assert.Equal(t, c.want, perSolve(c.o))
	}
}
