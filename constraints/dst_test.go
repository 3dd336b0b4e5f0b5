package constraints

import (
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The verifier's own expansion follows RFC 5545 (3.3.5) at both changes of 2027 in
// Europe/Paris: a local time repeated on 31 October (02:00-03:00) is the first,
// summer-time one; one missing on 28 March moves forward by the gap. Its spans are
// the calendars' (internal/calendar, TestRecurrencesAtTheDaylightSavingChanges).
func TestVerifierExpansionAtTheDaylightSavingChanges(t *testing.T) {
	for _, tc := range []struct {
		name, start, end, rule, at string
		want                       []string
	}{
		{"autumn, 02:30", "2027-10-30", "2027-11-01", "FREQ=DAILY", "02:30",
			[]string{"2027-10-30T02:30:00+02:00", "2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"}},
		{"autumn, 02:00 on Sundays", "2027-10-24", "2027-11-07", "FREQ=WEEKLY;BYDAY=SU", "02:00",
			[]string{"2027-10-24T02:00:00+02:00", "2027-10-31T02:00:00+02:00", "2027-11-07T02:00:00+01:00"}},
		{"autumn, 03:00 is after the repeated hour", "2027-10-31", "2027-10-31", "FREQ=DAILY", "03:00",
			[]string{"2027-10-31T03:00:00+01:00"}},
		{"spring, 02:30", "2027-03-27", "2027-03-29", "FREQ=DAILY", "02:30",
			[]string{"2027-03-27T02:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"}},
		{"spring, 02:00 on the last Sunday", "2027-03-01", "2027-03-31", "FREQ=MONTHLY;BYDAY=-1SU", "02:00",
			[]string{"2027-03-28T03:00:00+02:00"}},
		{"spring, from the change day at a time in the gap", "2027-03-28", "2027-03-29", "FREQ=DAILY", "02:30",
			[]string{"2027-03-28T03:30:00+02:00", "2027-03-29T02:30:00+02:00"}},
		{"autumn, from the change day at a repeated time", "2027-10-31", "2027-11-01", "FREQ=DAILY", "02:30",
			[]string{"2027-10-31T02:30:00+02:00", "2027-11-01T02:30:00+01:00"}},
		{"autumn, hourly through the repeated hour", "2027-10-31", "2027-10-31", "FREQ=HOURLY;BYHOUR=1,2,3", "01:00",
			[]string{"2027-10-31T01:00:00+02:00", "2027-10-31T02:00:00+02:00", "2027-10-31T03:00:00+01:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := vtProblem()
			p.Operation.Start, p.Operation.End = tc.start, tc.end
			tv := p.Typed()
			require.NoError(t, tv.Start.Err)
			recs := vtRead(p, model.Recurrence{RRule: tc.rule, Start: tc.at, Duration: "1h"})
			spans, err := vfExpandOne(&recs[0], vtParis, tv.Start, tv.Start.V, tv.Horizon)
			require.NoError(t, err)
			got := []string{}
			for _, s := range spans {
				got = append(got, s.From.In(vtParis).Format(time.RFC3339))
				assert.Equal(t, time.Hour, s.To.Sub(s.From))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
