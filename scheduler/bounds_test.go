package scheduler

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/solver"
)

// Each relaxation that can bind has its own words, and those of a set of
// resources name them.
func TestBindingTextNamesEachRelaxation(t *testing.T) {
	cp, err := constraints.Compile(gen.Example())
	require.NoError(t, err)
	crew := -1
	for r, res := range cp.Problem.Resources {
		if res.Name == "crew windows-1" {
			crew = r
		}
	}
	require.GreaterOrEqual(t, crew, 0)
	cases := []struct {
		bind solver.Binding
		want string
		fr   string
	}{
		{solver.BindPath, "the critical path (durations, lags and calendars)", "le chemin critique (durées, délais et calendriers)"},
		{solver.BindLoad, "the load of the crew windows-1", "la charge de l'équipe menuiseries extérieures (windows-1)"},
		{solver.BindWindow, "the one-at-a-time windows of the crew windows-1", "les créneaux d'un seul à la fois de l'équipe menuiseries extérieures (windows-1)"},
		{solver.BindEnergy, "the work that must fall inside one window, for the crew windows-1", "le travail de l'équipe menuiseries extérieures (windows-1) qui doit tomber dans un même créneau"},
		{solver.BindEdge, "the order forced on the jobs of the crew windows-1, carried along the sequences", "l'ordre imposé aux interventions de l'équipe menuiseries extérieures (windows-1), reporté le long des enchaînements"},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		b := solver.EndBound{Binding: tc.bind}
		if tc.bind != solver.BindPath {
			b.Resources = []int{crew}
		}
		got, fr := bindingText(cp, b)
		require.Equal(t, tc.want, got, "%s", tc.bind)
		require.Equal(t, tc.fr, fr, "%s", tc.bind)
		require.False(t, seen[strings.SplitN(got, " of ", 2)[0]], "%s: words shared with another relaxation", tc.bind)
		seen[strings.SplitN(got, " of ", 2)[0]] = true
	}
}
