package constraints

import (
	"strings"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// etCase is one branch of the explanations: a problem (vtProblem, changed), the
// placements of the plan, and the task to explain.
type etCase struct {
	name   string
	change func(p *model.Problem)
	// place sets the placements; it returns the task explained
	place func(c *Compiled, pl []solver.Placement, at func(string) int) int
	rule  string   // the first reason's rule
	en    string   // in the English message: it is the branch meant
	ids   []string // in the French message
}

func etCases() []etCase {
	task := func(c *Compiled, id string) int { return c.TaskOf[id] }
	unplaced := func(id string, r solver.Reason, blocker func(c *Compiled) int) func(*Compiled, []solver.Placement, func(string) int) int {
		return func(c *Compiled, pl []solver.Placement, _ func(string) int) int {
			t := task(c, id)
			pl[t] = solver.Placement{Reason: r, Blocker: blocker(c)}
			return t
		}
	}
	none := func(*Compiled) int { return -1 }
	place := func(c *Compiled, pl []solver.Placement, id, crew, pilot string, start, end int) int {
		t := task(c, id)
		pl[t] = solver.Placement{Placed: true, Start: start, End: end, Choice: c.ChoiceFor(t, crew, pilot), Blocker: -1}
		return t
	}
	return []etCase{
		{name: "after an unplaced predecessor", place: unplaced("D1/painting", solver.ReasonPredecessor, func(c *Compiled) int { return task(c, "D1/plumbing") }),
			rule: NameTradeSequence, en: "which could not be placed", ids: []string{"D1/painting", "D1/plumbing"}},
		{name: "after an unnamed predecessor", place: unplaced("D1/painting", solver.ReasonPredecessor, none),
			rule: NameTradeSequence, en: "an earlier intervention", ids: []string{"D1/painting"}},
		{name: "maximum lag", place: unplaced("D1/painting", solver.ReasonMaxLag, none),
			rule: NameTradeSequence, en: "maximum lag", ids: []string{"D1/painting"}},
		{name: "days without water", place: unplaced("D1/plumbing", solver.ReasonSpan, none),
			rule: NameHouseholdProfile, en: "cut water", ids: []string{"D1/plumbing", "D1"}},
		{name: "interventions per day", place: unplaced("D1/electrics", solver.ReasonDayLimit, none),
			rule: NameHouseholdProfile, en: "per day", ids: []string{"D1/electrics", "D1"}},
		{name: "search stopped", place: unplaced("D1/visit", solver.ReasonTimeout, none),
			rule: "search", en: "search stopped", ids: []string{"D1/visit"}},
		{name: "dwelling full", place: unplaced("D3/plumbing", solver.ReasonResources, func(c *Compiled) int { return c.firstDwelling }),
			rule: NameDwellingCapacity, en: "as many crews", ids: []string{"D3/plumbing", "D3"}},
		{name: "pilot busy", place: unplaced("D1/visit", solver.ReasonResources, func(c *Compiled) int { return c.firstPilot }),
			rule: NamePilotOfficeHours, en: "pilot is busy", ids: []string{"D1/visit"}},
		{name: "crews busy", place: unplaced("D3/plumbing", solver.ReasonResources, func(*Compiled) int { return 0 }),
			rule: NameCrewCalendar, en: "every crew able", ids: []string{"D3/plumbing", "PLB-1"}},
		// a move back, tied to the stay, may end no later than the stay
		{name: "move back: crews busy", place: unplaced("D2/moveback", solver.ReasonResources, func(*Compiled) int { return 4 }),
			rule: NameCrewCalendar, en: "before the end of household H2's stay in relocation unit U1 on 2027-03-12",
			ids: []string{"MOV-1", "fin du séjour du ménage «\u00a0H2\u00a0» dans le logement tiroir U1, le vendredi 12 mars 2027 au soir"}},
		{name: "move back: dwelling full", place: unplaced("D2/moveback", solver.ReasonResources, func(c *Compiled) int { return c.firstDwelling + 1 }),
			rule: NameDwellingCapacity, en: "before the end of household H2's stay in relocation unit U1 on 2027-03-12",
			ids: []string{"D2/moveback", "D2", "le vendredi 12 mars 2027 au soir"}},
		{name: "move back: pilot busy", place: unplaced("D2/moveback", solver.ReasonResources, func(c *Compiled) int { return c.firstPilot }),
			rule: NamePilotOfficeHours, en: "before the end of household H2's stay in relocation unit U1 on 2027-03-12",
			ids: []string{"D2/moveback", "le vendredi 12 mars 2027 au soir"}},
		{name: "move back: too late from the release",
			change: func(p *model.Problem) { vtIntervention(p, "D2/moveback").Release = "2027-03-12T23:00" },
			place:  unplaced("D2/moveback", solver.ReasonNoWindow, none),
			rule:   NameReleaseDeadline, en: "too late to finish by the end of household H2's stay in relocation unit U1 on 2027-03-12",
			ids: []string{"D2/moveback", "le vendredi 12 mars 2027 au soir"}},
		{name: "move back: a deadline before the stay's end",
			change: func(p *model.Problem) {
				iv := vtIntervention(p, "D2/moveback")
				iv.Release, iv.Deadline = "2027-03-11T16:00", "2027-03-11T17:00"
			},
			place: unplaced("D2/moveback", solver.ReasonNoWindow, none),
			rule:  NameReleaseDeadline, en: "too late to finish by its deadline 2027-03-11 17:00", ids: []string{"D2/moveback", "son échéance"}},
		{name: "too late after a predecessor",
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				place(c, pl, "D2/plumbing", "PLB-1", "", at("2027-03-12 08:00"), at("2027-03-12 17:00"))
				return unplaced("D2/painting", solver.ReasonNoWindow, none)(c, pl, at)
			},
			rule: NameTradeSequence, en: "too late to finish by its deadline", ids: []string{"D2/painting", "D2/plumbing"}},
		{name: "too late from the release",
			change: func(p *model.Problem) {
				iv := vtIntervention(p, "D2/painting")
				iv.Release, iv.Deadline = "2027-03-11T16:00", "2027-03-11T18:00"
			},
			place: unplaced("D2/painting", solver.ReasonNoWindow, none),
			rule:  NameReleaseDeadline, en: "may start only from", ids: []string{"D2/painting"}},
		{name: "one calendar leaves no room",
			change: func(p *model.Problem) {
				p.Households[0].Absences = []model.Period{{From: "2027-03-01", To: "2027-04-30"}}
			},
			place: unplaced("D1/electrics", solver.ReasonNoWindow, none),
			rule:  NameTenantAvailability, en: "The availability of household \"H1\" leave no", ids: []string{"D1/electrics", "H1"}},
		{name: "calendars together leave no room",
			change: func(p *model.Problem) {
				p.Households[0].Availability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "8h"}}
			},
			place: unplaced("D1/electrics", solver.ReasonNoWindow, none),
			rule:  NameTenantAvailability, en: "together leave no", ids: []string{"D1/electrics", "H1", "P-ELD"}},
		{name: "room but not placed", place: unplaced("D3/plumbing", solver.ReasonNoWindow, none),
			rule: NameReleaseDeadline, en: "cannot be placed between", ids: []string{"D3/plumbing"}},
		{name: "placed: announced",
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				return place(c, pl, "D3/windows", "WIN-1", "", at("2027-03-03 08:00"), at("2027-03-03 12:00"))
			},
			rule: NameFrozen, en: "is announced at", ids: []string{"D3/windows"}},
		{name: "placed: done",
			change: func(p *model.Problem) { vtIntervention(p, "D3/windows").Status = model.StatusDone },
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				return place(c, pl, "D3/windows", "WIN-1", "", at("2027-03-03 08:00"), at("2027-03-03 12:00"))
			},
			rule: NameFrozen, en: "is done at", ids: []string{"D3/windows"}},
		{name: "placed: pinned",
			change: func(p *model.Problem) {
				iv := vtIntervention(p, "D3/windows")
				iv.Status, iv.Pinned = model.StatusPlanned, true
			},
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				return place(c, pl, "D3/windows", "WIN-1", "", at("2027-03-03 08:00"), at("2027-03-03 12:00"))
			},
			rule: NameFrozen, en: "is planned at", ids: []string{"D3/windows"}},
		{name: "placed: release",
			change: func(p *model.Problem) { vtIntervention(p, "D2/painting").Release = "2027-03-10T08:00" },
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				return place(c, pl, "D2/painting", "PNT-1", "", at("2027-03-10 08:00"), at("2027-03-10 12:00"))
			},
			rule: NameReleaseDeadline, en: "may not start before", ids: []string{"D2/painting"}},
		{name: "placed: after a drying lag",
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				place(c, pl, "D3/plumbing", "PLB-1", "", at("2027-03-08 08:00"), at("2027-03-08 17:00"))
				return place(c, pl, "D3/painting", "PNT-1", "", at("2027-03-09 17:00"), at("2027-03-10 12:00"))
			},
			rule: NameTradeSequence, en: "must wait until", ids: []string{"D3/painting", "D3/plumbing"}},
		{name: "placed: crew busy just before",
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				place(c, pl, "D1/plumbing", "PLB-1", "", at("2027-03-15 08:00"), at("2027-03-15 12:00"))
				return place(c, pl, "D3/plumbing", "PLB-1", "", at("2027-03-15 13:00"), at("2027-03-16 12:00"))
			},
			rule: NameCrewCalendar, en: "is busy with", ids: []string{"D3/plumbing", "D1/plumbing", "PLB-1"}},
		{name: "placed: first time its calendars allow",
			place: func(c *Compiled, pl []solver.Placement, at func(string) int) int {
				return place(c, pl, "D3/plumbing", "PLB-1", "", at("2027-03-15 08:00"), at("2027-03-15 17:00"))
			},
			rule: NameCrewCalendar, en: "first time its calendars allow", ids: []string{"D3/plumbing"}},
	}
}

// etExplain explains one case in lang.
func etExplain(t *testing.T, tc etCase, lang Lang) []model.Reason {
	c, pl, u := etSetup(t, tc)
	return c.ExplainPlacedIn(u, pl, lang)
}

// etSetup compiles one case and places its tasks; it returns the task explained.
func etSetup(t *testing.T, tc etCase) (*Compiled, []solver.Placement, int) {
	p := vtProblem()
	if tc.change != nil {
		tc.change(p)
	}
	c, err := Compile(p)
	require.NoError(t, err)
	at := func(s string) int {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, vtParis)
		require.NoError(t, err)
		return c.Clock.Minute(tm)
	}
	pl := make([]solver.Placement, len(c.Interventions))
	for i := range pl {
		pl[i].Blocker = -1
	}
	u := tc.place(c, pl, at)
	return c, pl, u
}

// Every branch of the explanations has a French wording of its own, with the
// same rules as the English one and the ids a pilot looks for.
func TestExplainFrenchEveryBranch(t *testing.T) {
	for _, tc := range etCases() {
		t.Run(tc.name, func(t *testing.T) {
			en, fr := etExplain(t, tc, English), etExplain(t, tc, French)
			require.NotEmpty(t, en)
			require.Equal(t, tc.rule, en[0].Rule, en[0].Message)
			require.Contains(t, en[0].Message, tc.en, "the branch meant")
			require.Len(t, fr, len(en))
			for i := range en {
				assert.Equal(t, en[i].Rule, fr[i].Rule, "rule names stay")
				assert.NotEmpty(t, fr[i].Message)
				assert.NotEqual(t, en[i].Message, fr[i].Message)
			}
			for _, id := range tc.ids {
				assert.Contains(t, fr[0].Message, id)
			}
			// the zero language is English
			assert.Equal(t, en, etExplain(t, tc, ""))
			// an unplaced one's reasons, stored in a plan, are worded again
			if c, pl, u := etSetup(t, tc); !pl[u].Placed {
				again, ok := c.ExplainStoredIn(u, pl, en, French)
				require.True(t, ok, "the stored reasons are recognised")
				assert.Equal(t, fr, again)
				again, ok = c.ExplainStoredIn(u, pl, fr, English)
				require.True(t, ok, "French stored reasons too")
				assert.Equal(t, en, again)
			}
		})
	}
}

// French explanations name households and profiles by id, never their health:
// the words TestVerifyMessagesNameOnlyIDs guards against, in English and in French.
func TestExplainFrenchNamesOnlyIDs(t *testing.T) {
	words := []string{"elderly", "illness", "medical", "disabled", "carer",
		"âgé", "personne âgée", "malad", "médical", "handicap", "aidant", "respirat", "diagnostic", "santé"}
	carer := etCase{name: "carer", change: func(p *model.Problem) {
		p.Profiles[0].NeedsCarer = true
		p.Households[0].CarerAvailability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "8h"}}
	}, place: func(c *Compiled, pl []solver.Placement, _ func(string) int) int {
		t := c.TaskOf["D1/electrics"]
		pl[t] = solver.Placement{Reason: solver.ReasonNoWindow, Blocker: -1}
		return t
	}}
	relocated := etCase{name: "relocated", change: func(p *model.Problem) {
		p.Profiles[0].NoisyDusty = "relocated"
	}, place: carer.place}
	for _, tc := range append(etCases(), carer, relocated) {
		for _, r := range etExplain(t, tc, French) {
			for _, w := range words {
				assert.NotContains(t, strings.ToLower(r.Message), w, "%s: %s", tc.name, r.Message)
			}
		}
	}
}

// Reasons rehabplan did not write are not recognised: the caller keeps them.
func TestExplainStoredUnknown(t *testing.T) {
	c, pl, u := etSetup(t, etCases()[0])
	_, ok := c.ExplainStoredIn(u, pl, []model.Reason{{Rule: NameTradeSequence, Message: "written by hand"}}, French)
	assert.False(t, ok)
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": English, "en": English, "fr": French} {
		got, err := ParseLang(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := ParseLang("de")
	require.ErrorContains(t, err, `unknown language "de"`)
	require.Error(t, Lang("FR").Check())
}
