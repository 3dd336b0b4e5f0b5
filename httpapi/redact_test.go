package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func testView(role string, crews []string, op string, key string, p *model.Problem) *view {
	s := &Server{key: []byte(key)}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(withGrant(r.Context(), &Grant{ID: "t", Role: role, AllOps: true, Crews: crews}))
	return s.viewFor(r, op, profileIDs(p))
}

func redactProblem() *model.Problem {
	return &model.Problem{
		Operation: model.Operation{ID: "op-a"},
		Profiles:  []model.Profile{{ID: "respiratory", NoisyDusty: "hours"}, {ID: "carer", NeedsCarer: true}},
		Households: []model.Household{
			{ID: "H1", Profiles: []string{"respiratory", "carer"}, CarerAvailability: []model.Recurrence{{RRule: "FREQ=DAILY", Start: "09:00", Duration: "1h"}}},
			{ID: "H2"},
		},
	}
}

func TestViewOfAProblem(t *testing.T) {
	p := redactProblem()
	orig, _ := json.Marshal(p)
	mgr := testView(RoleManager, nil, "op-a", "k", p)
	cases := []struct {
		role          string
		profiles      []string // the profiles' ids seen
		h1            []string // H1's profiles
		carer         bool     // H1's carer availability seen
		nilForContrac bool
	}{
		{RoleAdmin, []string{"respiratory", "carer"}, []string{"respiratory", "carer"}, true, false},
		{RolePilot, []string{"respiratory", "carer"}, []string{"respiratory", "carer"}, true, false},
		{RoleManager, []string{mgr.opaque("respiratory"), mgr.opaque("carer")}, []string{mgr.opaque("respiratory"), mgr.opaque("carer")}, true, false},
		{RoleViewer, nil, nil, false, false},
		{RoleContractor, nil, nil, false, true},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			q := testView(c.role, []string{"C1"}, "op-a", "k", p).Problem(p)
			after, _ := json.Marshal(p)
			require.JSONEq(t, string(orig), string(after), "the stored problem is not touched")
			if c.nilForContrac {
				require.Nil(t, q)
				return
			}
			var ids []string
			for _, pr := range q.Profiles {
				ids = append(ids, pr.ID)
			}
			require.Equal(t, c.profiles, ids)
			require.Equal(t, c.h1, q.Households[0].Profiles)
			require.Equal(t, c.carer, q.Households[0].CarerAvailability != nil)
			if c.role == RoleManager {
				require.Equal(t, "hours", q.Profiles[0].NoisyDusty, "what the profile implies stays")
			}
		})
	}
}

func TestOpaqueIDs(t *testing.T) {
	a := testView(RoleManager, nil, "op-a", "k", nil)
	require.Regexp(t, `^P-[0-9a-f]{12}$`, a.opaque("respiratory"))
	require.Equal(t, a.opaque("respiratory"), testView(RoleViewer, nil, "op-a", "k", nil).opaque("respiratory"), "stable for an operation")
	require.NotEqual(t, a.opaque("respiratory"), a.opaque("carer"))
	require.NotEqual(t, a.opaque("respiratory"), testView(RoleManager, nil, "op-b", "k", nil).opaque("respiratory"), "another operation")
	require.NotEqual(t, a.opaque("respiratory"), testView(RoleManager, nil, "op-a", "other key", nil).opaque("respiratory"), "another key")
}

func TestViewOfTexts(t *testing.T) {
	p := redactProblem()
	v := testView(RoleViewer, nil, "op-a", "k", p)
	o := v.opaque("respiratory")
	cases := []struct{ in, want string }{
		{`the hours allowed by profile "respiratory"`, `the hours allowed by profile "` + o + `"`},
		{"les horaires que permet le profil «\u00a0respiratory\u00a0»", "les horaires que permet le profil «\u00a0" + o + "\u00a0»"},
		{"profile respiratory of household H1 caps", "profile " + o + " of household H1 caps"},
		{"(profile respiratory)", "(profile " + o + ")"},
		{"the carer's availability (household \"H1\")", "the carer's availability (household \"H1\")"},
		{`profile "respiratory-2"`, `profile "respiratory-2"`},
	}
	for _, c := range cases {
		require.Equal(t, c.want, v.say(c.in))
	}
	ex := &scheduler.Explanation{Intervention: "i", Reasons: []model.Reason{{Rule: "household-profile", Message: cases[0].in}}}
	require.Equal(t, cases[0].want, v.Explanation(ex).Reasons[0].Message)
	require.Equal(t, cases[0].in, ex.Reasons[0].Message, "not in place")
	require.Equal(t, cases[0].in, testView(RolePilot, nil, "op-a", "k", p).Explanation(ex).Reasons[0].Message)
}

func TestViewOfPlansAndDiffs(t *testing.T) {
	plan := &model.Plan{Assignments: []model.Assignment{{Intervention: "a", Crew: "C1"}, {Intervention: "b", Crew: "C2"}, {Intervention: "v", Pilot: "P1"}},
		Unplaced: []model.Unplaced{{Intervention: "u", Reasons: []model.Reason{{Message: `profile "carer"`}}}}, Score: &model.Score{Soft: 3}}
	diff := &model.Diff{Changes: []model.Change{
		{Intervention: "a", Kind: model.ChangeMoved, Household: "H1", Announced: true, ShiftMinutes: -90, Old: &model.Slot{Crew: "C1"}, New: &model.Slot{Crew: "C1"}},
		{Intervention: "b", Kind: model.ChangeCrewChanged, Household: "H2", Old: &model.Slot{Crew: "C2"}, New: &model.Slot{Crew: "C1"}},
		{Intervention: "c", Kind: model.ChangeMoved, Household: "H2", Old: &model.Slot{Crew: "C2"}, New: &model.Slot{Crew: "C2"}},
	}, Recipients: []model.Recipient{{Kind: "household", ID: "H1"}, {Kind: "crew", ID: "C1"}, {Kind: "crew", ID: "C2"}}}
	p := redactProblem()

	c := testView(RoleContractor, []string{"C1"}, "op-a", "k", p)
	cp := c.Plan(plan)
	require.Len(t, cp.Assignments, 1)
	require.Equal(t, "a", cp.Assignments[0].Intervention)
	require.Empty(t, cp.Unplaced)
	require.Nil(t, cp.Score)
	require.Len(t, plan.Assignments, 3, "not in place")

	cd := c.Diff(diff)
	require.Len(t, cd.Changes, 2)
	for _, ch := range cd.Changes {
		require.Empty(t, ch.Household)
		require.False(t, ch.Announced)
	}
	require.Empty(t, cd.Changes[1].Old.Crew, "the crew it took over from is another contractor's")
	require.Equal(t, "C2", diff.Changes[1].Old.Crew, "not in place")
	require.Equal(t, model.DiffSummary{Moved: 1, CrewChanged: 1, ShiftHours: 1.5}, cd.Summary)
	require.Equal(t, []model.Recipient{{Kind: "crew", ID: "C1"}}, cd.Recipients)
	require.Nil(t, c.Version(&Version{Plan: plan}))
	require.Nil(t, c.Events(&model.Events{}))

	m := testView(RoleManager, nil, "op-a", "k", p)
	require.Same(t, diff, m.Diff(diff), "a manager's diff is the diff")
	mp := m.Plan(plan)
	require.Len(t, mp.Assignments, 3)
	require.Equal(t, `profile "`+m.opaque("carer")+`"`, mp.Unplaced[0].Reasons[0].Message)

	evs := &model.Events{Events: []model.Event{{ID: "e", Type: model.EventHouseholdChanged, Household: &p.Households[0], Reason: `profile "carer" added`}}}
	me := m.Events(evs)
	require.Equal(t, []string{m.opaque("respiratory"), m.opaque("carer")}, me.Events[0].Household.Profiles)
	require.Equal(t, `profile "`+m.opaque("carer")+`" added`, me.Events[0].Reason)
	require.Equal(t, []string{"respiratory", "carer"}, p.Households[0].Profiles, "not in place")
	ve := testView(RoleViewer, nil, "op-a", "k", p).Events(evs)
	require.Nil(t, ve.Events[0].Household.Profiles)
	require.Nil(t, ve.Events[0].Household.CarerAvailability)
}

func TestWhoReadsWhichCalendar(t *testing.T) {
	cases := []struct {
		role, kind, who string
		want            bool
	}{
		{RoleAdmin, "household", "H1", true},
		{RolePilot, "household", "H1", true},
		{RoleManager, "household", "H1", true},
		{RoleViewer, "household", "H1", false},
		{RoleContractor, "household", "H1", false},
		{RoleViewer, "crew", "C2", true},
		{RoleViewer, "pilot", "P1", false},
		{RoleContractor, "crew", "C1", true},
		{RoleContractor, "crew", "C2", false},
		{RoleContractor, "pilot", "P1", false},
		{RoleManager, "pilot", "P1", true},
	}
	for _, c := range cases {
		require.Equal(t, c.want, testView(c.role, []string{"C1"}, "op-a", "k", nil).Calendar(c.kind, c.who), "%s %s %s", c.role, c.kind, c.who)
	}
}

// Who moves when and who sees which pilot: a contractor sees neither, a viewer
// the stays without the limit that made them, a manager the interlocutors'
// reasons with opaque profile ids.
func TestViewOfStaysAndInterlocutors(t *testing.T) {
	p := redactProblem()
	plan := &model.Plan{
		Stays:         []model.Stay{{Household: "H1", Dwelling: "D1", Unit: "U1", From: "2027-03-01", To: "2027-03-20", Planned: true, Reason: model.StayForWater}},
		Interlocutors: []model.Interlocutor{{Household: "H1", Pilot: "P1", Visits: []model.OtherPilot{{Intervention: "v", Pilot: "P2", Reason: `profile "carer": the carer is away`}}}},
	}
	for _, tc := range []struct {
		role       string
		stays      int
		reason     string
		visitWords string
	}{
		{RoleAdmin, 1, model.StayForWater, `profile "carer"`},
		{RolePilot, 1, model.StayForWater, `profile "carer"`},
		{RoleManager, 1, model.StayForWater, `profile "P-`},
		{RoleViewer, 1, "", `profile "P-`},
		{RoleContractor, 0, "", ""},
	} {
		t.Run(tc.role, func(t *testing.T) {
			v := testView(tc.role, []string{"C1"}, "op-a", "k", p)
			got := v.Plan(plan)
			require.Len(t, got.Stays, tc.stays)
			if tc.stays > 0 {
				require.Equal(t, tc.reason, got.Stays[0].Reason)
				require.Equal(t, "U1", got.Stays[0].Unit)
				require.Len(t, got.Interlocutors, 1)
				require.Contains(t, got.Interlocutors[0].Visits[0].Reason, tc.visitWords)
			} else {
				require.Empty(t, got.Interlocutors)
			}
			require.Equal(t, model.StayForWater, plan.Stays[0].Reason, "not in place")
			require.Equal(t, `profile "carer": the carer is away`, plan.Interlocutors[0].Visits[0].Reason, "not in place")
		})
	}
}
