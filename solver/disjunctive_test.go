package solver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTabuReachesFT06Optimum(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.disjunctive())
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20000, Seed: 1, Workers: 2, Check: true})
	require.NoError(t, err)
	assert.Empty(t, checkSchedule(p, res.Placements))
	assert.Equal(t, 55, res.Terms.Makespan)
}

func TestTabuDeterministic(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	a, err := Solve(context.Background(), p, &Settings{WorkLimit: 3000, Seed: 4, Workers: 2, Check: true})
	require.NoError(t, err)
	b, err := Solve(context.Background(), p, &Settings{WorkLimit: 3000, Seed: 4, Workers: 2, Check: true})
	require.NoError(t, err)
	assert.Equal(t, a.Placements, b.Placements)
}

func TestCalendarsAreNotDisjunctive(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	p.Resources[0].Calendar = NewCalendar([]Window{{0, 1000}})
	c, err := compile(p)
	require.NoError(t, err)
	assert.False(t, c.disjunctive())
}
