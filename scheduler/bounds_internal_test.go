package scheduler

import (
	"testing"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/solver"
)

// TestBindingText: the resources that give the end bound are named as people
// read them, the crews in French by their trades' labels.
func TestBindingText(t *testing.T) {
	p := gen.Example()
	cp, err := constraints.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	crew := func(id string) int {
		for i, c := range cp.Crews {
			if c.ID == id {
				return i
			}
		}
		t.Fatalf("no crew %s in the example", id)
		return -1
	}
	pilot := len(cp.Crews)
	dwelling := len(cp.Crews) + len(cp.Pilots)
	for _, c := range []struct {
		name   string
		b      solver.EndBound
		en, fr string
	}{
		{"path", solver.EndBound{Binding: solver.BindPath},
			"the critical path (durations, lags and calendars)", "le chemin critique (durées, délais et calendriers)"},
		{"one crew's windows", solver.EndBound{Binding: solver.BindWindow, Resources: []int{crew("windows-1")}},
			"the one-at-a-time windows of the crew windows-1",
			"les créneaux d'un seul à la fois de l'équipe menuiseries extérieures (windows-1)"},
		{"two crews of a trade", solver.EndBound{Binding: solver.BindLoad, Resources: []int{crew("painting-1"), crew("painting-2")}},
			"the load of the crews painting-1 and painting-2",
			"la charge des équipes peinture (painting-1, painting-2)"},
		{"a crew and a pilot", solver.EndBound{Binding: solver.BindLoad, Resources: []int{crew("electrics-1"), pilot}},
			"the load of the crew electrics-1 and the pilot " + cp.Pilots[0].ID,
			"la charge de l'équipe électricité (electrics-1) et du pilote " + cp.Pilots[0].ID},
		{"a dwelling", solver.EndBound{Binding: solver.BindWindow, Resources: []int{dwelling}},
			"the one-at-a-time windows of the dwelling " + cp.Dwellings[0].ID,
			"les créneaux d'un seul à la fois du logement " + cp.Dwellings[0].ID},
	} {
		t.Run(c.name, func(t *testing.T) {
			en, fr := bindingText(cp, c.b)
			if en != c.en {
				t.Errorf("English: %q, want %q", en, c.en)
			}
			if fr != c.fr {
				t.Errorf("French: %q, want %q", fr, c.fr)
			}
		})
	}
}
