package constraints

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestNoticeByTrade: a trade's notice_days is the notice the frozen-appointments
// rule owes the households of its appointments, in the compiled release and in
// the verifier; the other trades keep the operation's.
func TestNoticeByTrade(t *testing.T) {
	for _, tc := range []struct {
		days int
		late bool // D1/plumbing (2 March, occupied) starts inside its notice period
	}{{7, false}, {12, true}} {
		p := vtProblem()
		p.Operation.Now = "2027-02-20T08:00" // the operation's notice ends on 27 February
		for i := range p.Trades {
			if p.Trades[i].ID == "plumbing" {
				p.Trades[i].NoticeDays = &tc.days
			}
		}
		require.NoError(t, model.Validate(p))
		c, err := Compile(p)
		require.NoError(t, err)
		floor := c.Clock.Minute(time.Date(2027, 2, 20+tc.days, 0, 0, 0, 0, vtParis))
		require.Equal(t, max(floor, 0), c.Problem.Tasks[c.TaskOf["D1/plumbing"]].Release, "%d days", tc.days)
		require.Less(t, c.Problem.Tasks[c.TaskOf["D1/visit"]].Release, c.Clock.Minute(time.Date(2027, 3, 1, 10, 0, 0, 0, vtParis)))
		require.Equal(t, c.Problem.Tasks[c.TaskOf["D3/plumbing"]].Release, 0, "a vacant dwelling owes no notice")

		var got []Violation
		for _, v := range Verify(p, vtPlan()) {
			if v.Rule == NameFrozen {
				got = append(got, v)
			}
		}
		if !tc.late {
			require.Empty(t, got)
			continue
		}
		require.Len(t, got, 1, "%v", got)
		require.Equal(t, "D1/plumbing", got[0].Intervention)
		require.Contains(t, got[0].Message, `household "H1" must be told 12 days ahead for plumbing: not before 2027-03-04`)
	}
}
