package constraints

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A pilot is held only while present: another visit may take the gap between two
// segments of a split intervention that needs the pilot (the crew and the dwelling
// stay held), but not a worked stretch.
func TestPilotFreeBetweenSegments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		visit [2]string
		held  bool
	}{
		{"visit in the gap", [2]string{"2027-03-04 12:00", "13:00"}, false},
		{"visit over a segment", [2]string{"2027-03-04 10:30", "11:30"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl := vtPlan()
			vtMove(pl, "D1/electrics", "2027-03-04 09:00", "11:00", "2027-03-04 14:00", "15:00")
			vtMove(pl, "D1/visit", tc.visit[0], tc.visit[1])
			held := false
			for _, v := range Verify(vtProblem(), pl) {
				if v.Rule == NamePilotOfficeHours && strings.Contains(v.Message, "pilot PIL-1 is still at") {
					held = true
				}
			}
			assert.Equal(t, tc.held, held)
		})
	}
}
