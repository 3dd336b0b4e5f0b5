package constraints

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// The README's examples of min_lag_working_days: 1 with the default site hours and
// working day (8h): working time of the site hours without public holidays, counted
// from the predecessor's end.
func TestWorkingDayLagReadmeExamples(t *testing.T) {
	v, err := NewVerification(vtProblem(), vtPlan())
	require.NoError(t, err)
	site, err := v.siteWorkCalendar()
	require.NoError(t, err)
	for _, tc := range []struct{ end, want string }{
		{"2027-03-05 15:00", "2027-03-08 15:00"}, // Friday: 2h, then 6h on Monday
		{"2027-03-26 15:00", "2027-03-30 15:00"}, // Friday before Easter Monday
		{"2027-03-03 17:00", "2027-03-04 17:00"}, // Wednesday evening: all Thursday
	} {
		end, ok := site.addWork(vtParisT(tc.end), time.Duration(v.WorkingDay)*time.Minute)
		require.True(t, ok)
		assert.Equal(t, vtParisT(tc.want), end, "after %s", tc.end)
	}
}

func vtParisT(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vtParis)
	if err != nil {
		panic(err)
	}
	return t
}
