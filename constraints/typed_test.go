package constraints

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// Compile and NewVerification read the problem's typed view once and keep it: for
// a validated problem, the view the validation built.
func TestCompileAndVerifyKeepTheView(t *testing.T) {
	p := vtProblem()
	require.NoError(t, model.Validate(p))
	cp, err := Compile(p)
	require.NoError(t, err)
	assert.Same(t, p.Typed(), cp.Typed)
	v, err := NewVerification(p, vtPlan())
	require.NoError(t, err)
	assert.Same(t, p.Typed(), v.Typed)
}

// On a problem that was never validated, what does not read in the typed view
// is reported as the parsers report it: Compile's error names the field and the
// entity, and Verify's violation says what cannot be read (the verifier's rules
// in rrule-go's words: it parses them itself).
func TestUnreadableFieldsKeepTheirMessages(t *testing.T) {
	iv := func(p *model.Problem, id string) *model.Intervention {
		for i := range p.Interventions {
			if p.Interventions[i].ID == id {
				return &p.Interventions[i]
			}
		}
		panic(id)
	}
	for _, tc := range []struct {
		name       string
		change     func(p *model.Problem)
		compileErr string // "" when Compile succeeds
		violation  string // one of Verify's violations, "rule intervention message"; "" for none expected
	}{
		{"duration", func(p *model.Problem) { iv(p, "D1/plumbing").Duration = "half a day" },
			`intervention "D1/plumbing" duration: "half a day" is not a duration such as 45m, 4h, 1h30m or 0.5d`,
			`plan-structure D1/plumbing its duration cannot be read: "half a day" is not a duration such as 45m, 4h, 1h30m or 0.5d`},
		{"release", func(p *model.Problem) { iv(p, "D2/painting").Release = "2027-03-32" },
			`intervention "D2/painting" release: "2027-03-32" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`release-delivery-deadline D2/painting its release date cannot be read: "2027-03-32" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"deadline", func(p *model.Problem) { iv(p, "D2/painting").Deadline = "soon" },
			`intervention "D2/painting" deadline: "soon" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`release-delivery-deadline D2/painting its deadline cannot be read: "soon" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"soft deadline", func(p *model.Problem) { iv(p, "D2/painting").SoftDeadline = "later" },
			`intervention "D2/painting" soft_deadline: "later" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			``},
		{"delivery", func(p *model.Problem) { p.Deliveries[0].Expected = "5 March" },
			`intervention "D3/painting" delivery DLV-1: "5 March" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`release-delivery-deadline D3/painting the expected date of delivery DLV-1 cannot be read: "5 March" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"fixed start", func(p *model.Problem) { iv(p, "D3/windows").Start = "" },
			`intervention "D3/windows" start: "" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`frozen-appointments D3/windows announced, but its start cannot be read: "" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"fixed end", func(p *model.Problem) { iv(p, "D3/windows").End = "noon" },
			`intervention "D3/windows" end: "noon" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`frozen-appointments D3/windows announced, but its end cannot be read: "noon" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"min lag", func(p *model.Problem) { p.Sequences[0].MinLag = "1d" },
			`sequences[0].min_lag: "1d": days are not allowed here, write hours (48h)`,
			`trade-sequence  sequence 1 (plumbing then painting): min_lag cannot be read: "1d": days are not allowed here, write hours (48h)`},
		{"max lag", func(p *model.Problem) { p.Sequences[2].MaxLag = "ten days" },
			`sequences[2].max_lag: "ten days" is not a duration such as 45m, 4h, 1h30m or 0.5d`,
			`trade-sequence  sequence 3 (electrics then painting): max_lag cannot be read: "ten days" is not a duration such as 45m, 4h, 1h30m or 0.5d`},
		{"now", func(p *model.Problem) { p.Operation.Now = "yesterday" },
			``,
			`frozen-appointments  operation.now cannot be read: "yesterday" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"no work before", func(p *model.Problem) { p.Profiles[0].NoWorkBefore = "9h" },
			``,
			`household-profile  dwelling D1: no_work_before of profile P-ELD of household H1 cannot be read: "9h" is not a time of day HH:MM`},
		{"household absence", func(p *model.Problem) { p.Households[0].Absences[0].To = "2027-03-20" },
			`intervention "D1/visit" access: period from 2027-03-22 to 2027-03-20 does not end after it starts`,
			``},
		{"household absence to", func(p *model.Problem) { p.Households[0].Absences[0].To = "end of March" },
			`intervention "D1/visit" access: to "end of March" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`tenant-availability D1/electrics the absences of household H1 cannot be read: period 1: "end of March" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"crew unavailable", func(p *model.Problem) { p.Crews[2].Unavailable[0].From = "April" },
			`crew "PNT-1" unavailable: from "April" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`crew-calendar D1/painting the unavailability of crew PNT-1 cannot be read: period 1: "April" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`},
		{"crew unavailable empty", func(p *model.Problem) {
			p.Crews[2].Unavailable[0].To = "2027-04-12T00:00"
			p.Crews[2].Unavailable[0].From = "2027-04-12T00:00"
		},
			`crew "PNT-1" unavailable: period from 2027-04-12T00:00 to 2027-04-12T00:00 does not end after it starts`,
			``},
		{"pilot absence", func(p *model.Problem) { p.Pilots[0].Absences = []model.Period{{From: "2027-03-10", To: "x"}} },
			`pilot "PIL-1" absences: to "x" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`tenant-availability D2/moveback 2027-03-12 14:00-16:00, when no pilot is on duty to let the crew in (household H2 left its keys with the pilot)`},
		{"stay", func(p *model.Problem) { p.Relocations[0].To = "2027-03-07" },
			`intervention "D2/moveout" relocation: period from 2027-03-08 to 2027-03-07 does not end after it starts`,
			`relocation  the stay of household H2 in unit U1 ends before it starts`},
		{"stay unreadable", func(p *model.Problem) { p.Relocations[0].From = "March" },
			`intervention "D2/moveout" relocation: from "March" is not a date, a local time YYYY-MM-DDTHH:MM or an RFC 3339 time`,
			`relocation  the stay of household H2 in unit U1 cannot be read`},
		{"availability start", func(p *model.Problem) { p.Households[0].Availability[0].Start = "9" },
			`intervention "D1/visit" access: start "9" is not a time of day HH:MM`,
			`tenant-availability D1/electrics the availability of household H1 cannot be read: recurrence 1: "9" is not a time of day HH:MM`},
		{"availability from", func(p *model.Problem) { p.Households[0].Availability[0].From = "2027-3-1" },
			`intervention "D1/visit" access: from "2027-3-1" is not a date YYYY-MM-DD`,
			`tenant-availability D1/electrics the availability of household H1 cannot be read: recurrence 1: "2027-3-1" is not a date YYYY-MM-DD`},
		{"availability exdate", func(p *model.Problem) { p.Households[0].Availability[0].ExDates = []string{"2027-03-04", "x"} },
			`intervention "D1/visit" access: exdate "x" is not a date YYYY-MM-DD`,
			`tenant-availability D1/electrics the availability of household H1 cannot be read: recurrence 1: exdate: "x" is not a date YYYY-MM-DD`},
		{"availability rule", func(p *model.Problem) { p.Households[0].Availability[0].RRule = "FREQ=WEEKY" },
			`intervention "D1/visit" access: rrule "FREQ=WEEKY": invalid frequency "WEEKY" (YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY)`,
			`tenant-availability D1/electrics the availability of household H1 cannot be read: recurrence 1: rrule "FREQ=WEEKY": undefined frequency: WEEKY`},
		{"noisy rule", func(p *model.Problem) { p.Profiles[0].NoisyHours[0].RRule = "FREQ=MINUTELY;INTERVAL=100000" },
			`intervention "D1/plumbing" profile noisy hours: profile "P-ELD": its noisy hours cannot be expanded over the operation`,
			`household-profile D1/electrics noisy or dusty work 2027-03-04 14:00-17:00, outside the hours profile P-ELD of household H1 allows for it`},
		{"site hours", func(p *model.Problem) {
			p.Operation.SiteHours = []model.Recurrence{{RRule: "FREQ=DAILY", Start: "08:00", Duration: "0m"}}
		},
			`crew "PLB-1" calendar: duration "0m" is not positive`,
			`crew-calendar D1/electrics crew ELE-1 works 2027-03-04 14:00-17:00, outside its calendar`},
		{"extra holiday", func(p *model.Problem) { p.Operation.ExtraHolidays = []string{"2027-02-30"} },
			`operation.holidays: "2027-02-30" is not a date YYYY-MM-DD`,
			``},
		{"end before start", func(p *model.Problem) { p.Operation.End = "2027-02-01" },
			`operation: end 2027-02-01 is before start 2027-03-01`,
			`release-delivery-deadline D1/electrics ends 2027-03-04 17:00, after the operation ends (2027-02-01)`},
		{"bad start", func(p *model.Problem) { p.Operation.Start = "2027-3-1" },
			`operation: start "2027-3-1" is not a date YYYY-MM-DD`,
			`plan-structure  the plan cannot be checked: operation.start: "2027-3-1" is not a date YYYY-MM-DD`},
		{"bad zone", func(p *model.Problem) { p.Operation.TimeZone = "Mars/Olympus" },
			`operation: unknown time zone "Mars/Olympus"`,
			`plan-structure  the plan cannot be checked: operation.time_zone: unknown time zone "Mars/Olympus"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := vtProblem()
			tc.change(p)
			_, err := Compile(p)
			if tc.compileErr == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tc.compileErr)
			}
			if tc.violation == "" {
				return
			}
			var got []string
			for _, v := range Verify(p, vtPlan()) {
				got = append(got, fmt.Sprintf("%s %s %s", v.Rule, v.Intervention, v.Message))
			}
			assert.Contains(t, got, tc.violation)
		})
	}
}
