package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden example file")

const examplePath = "../testdata/operations/example.json"

func marshal(t *testing.T, p *model.Problem) []byte {
	data, err := json.MarshalIndent(p, "", "  ")
	require.NoError(t, err)
	return append(data, '\n')
}

func TestExampleMatchesBundledFile(t *testing.T) {
	got := marshal(t, Example())
	if *update {
		require.NoError(t, os.WriteFile(examplePath, got, 0o644))
	}
	want, err := os.ReadFile(examplePath)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "testdata/operations/example.json is stale: go test ./gen -update")
}

func TestExampleShape(t *testing.T) {
	p := Example()
	require.NoError(t, model.Validate(p))
	assert.GreaterOrEqual(t, len(p.Buildings), 3)
	assert.Equal(t, 60, len(p.Dwellings))
	assert.GreaterOrEqual(t, len(p.Crews), 8)
	assert.Equal(t, 1, len(p.Pilots))
	assert.Equal(t, 3, len(p.Deliveries))
	withProfile := 0
	for _, h := range p.Households {
		if len(h.Profiles) > 0 {
			withProfile++
		}
		for _, r := range h.Availability {
			assert.NotEmpty(t, r.RRule)
		}
	}
	share := float64(withProfile) / float64(len(p.Households))
	assert.InDelta(t, 0.2, share, 0.08, "share of households with a profile")
	assert.Equal(t, 60*len(trades), len(p.Interventions))
}

func TestGenerateDeterministic(t *testing.T) {
	a := marshal(t, Generate(Options{Dwellings: 200, Seed: 9}))
	b := marshal(t, Generate(Options{Dwellings: 200, Seed: 9}))
	c := marshal(t, Generate(Options{Dwellings: 200, Seed: 10}))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
}

// Every generated operation must be solvable: a complete plan the verifier accepts.
func TestGeneratedOperationsAreSolvable(t *testing.T) {
	sizes := []Options{{Dwellings: 20, Seed: 1}, {Dwellings: 60, Seed: 2}, {Dwellings: 60, Seed: 3}, {Dwellings: 120, Seed: 4}, {Dwellings: 35, Seed: 5, Pilots: 2}}
	for _, o := range sizes {
		p := Generate(o)
		require.NoError(t, model.Validate(p), "%+v", o)
		res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1, TimeLimit: time.Minute})
		require.NoError(t, err)
		require.Empty(t, res.Violations, "%+v", o)
		require.Empty(t, scheduler.Verify(p, res.Plan), "%+v", o)
		for _, u := range res.Plan.Unplaced {
			t.Errorf("%+v: %s unplaced: %v", o, u.Intervention, u.Reasons)
		}
	}
}

func TestGenerateLargeIsQuick(t *testing.T) {
	start := time.Now()
	p := Generate(Options{Dwellings: 1000, Seed: 7})
	assert.Len(t, p.Dwellings, 1000)
	assert.Less(t, time.Since(start), 5*time.Second)
}
