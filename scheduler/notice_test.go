package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// withNotice is a copy of p where trade has its own notice period of days.
func withNotice(t *testing.T, p *model.Problem, trade string, days int) *model.Problem {
	t.Helper()
	q := p.Clone()
	for i := range q.Trades {
		if q.Trades[i].ID == trade {
			q.Trades[i].NoticeDays = &days
			require.NoError(t, model.Validate(q))
			return q
		}
	}
	t.Fatalf("no trade %q", trade)
	return nil
}

// TestAnnounceNoticeByTrade: Announce's default date and its "told late" list
// follow each trade's notice period.
func TestAnnounceNoticeByTrade(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	slots, err := planSlots(p, plan, loc)
	require.NoError(t, err)
	trade := ""
	for _, iv := range p.Interventions {
		if sl, ok := slots[iv.ID]; ok && iv.StatusOf() == model.StatusPlanned && sl.start.After(now) && sl.start.Before(now.Add(21*24*time.Hour)) {
			trade = iv.Trade
			break
		}
	}
	require.NotEmpty(t, trade)
	for _, days := range []int{0, 21} {
		q := withNotice(t, p, trade, days)
		res, err := Announce(q, plan, AnnounceOptions{Now: now})
		require.NoError(t, err)
		require.Equal(t, time.Date(2027, 2, 15, 0, 0, 0, 0, loc), res.Until, "the operation's default")
		picked, late := map[string]bool{}, map[string]bool{}
		for _, id := range res.Announced {
			picked[id] = true
		}
		for _, id := range res.Late {
			late[id] = true
		}
		x := model.NewIndex(q)
		sawOwn := false
		for _, iv := range q.Interventions {
			sl, ok := slots[iv.ID]
			if !ok || iv.StatusOf() != model.StatusPlanned || sl.start.Before(now) {
				continue
			}
			notice := 7
			if iv.Trade == trade {
				notice, sawOwn = days, true
			}
			floor := time.Date(2027, 2, 1+notice, 0, 0, 0, 0, loc)
			until := time.Date(2027, 2, 1+notice+7, 0, 0, 0, 0, loc)
			require.Equal(t, sl.start.Before(until), picked[iv.ID], "%s (%s, %d days of notice)", iv.ID, iv.Trade, notice)
			d := x.Dwellings[iv.Dwelling]
			require.Equal(t, picked[iv.ID] && d.Occupied() && sl.start.Before(floor), late[iv.ID], "%s told late", iv.ID)
		}
		require.True(t, sawOwn)
		require.Empty(t, Verify(res.Problem, plan))
	}
}

// TestDiffToldLateByTrade: an appointment moved by a replan counts as one its
// household was told of when it started inside its trade's notice period.
func TestDiffToldLateByTrade(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	apps := appointments(t, plan, loc)
	// a planned appointment between 10 and 20 days after now
	var pick oldAppt
	for _, a := range apps {
		if a.start.After(now.Add(10*24*time.Hour)) && a.start.Before(now.Add(20*24*time.Hour)) &&
			ivByID(p, a.a.Intervention).StatusOf() == model.StatusPlanned {
			pick = a
			break
		}
	}
	require.NotEmpty(t, pick.a.Intervention)
	trade := ivByID(p, pick.a.Intervention).Trade
	moved := *plan
	moved.Assignments = append([]model.Assignment(nil), plan.Assignments...)
	for i := range moved.Assignments {
		if moved.Assignments[i].Intervention == pick.a.Intervention {
			a := &moved.Assignments[i]
			a.Start = pick.start.Add(7 * 24 * time.Hour).Format(time.RFC3339)
			a.End = pick.end.Add(7 * 24 * time.Hour).Format(time.RFC3339)
			a.Segments = nil
		}
	}
	for _, tc := range []struct {
		days int
		told bool
	}{{7, false}, {28, true}} {
		q := withNotice(t, p, trade, tc.days)
		d := diffPlans(q, q, plan, &moved, &now, nil, nil)
		var c *model.Change
		for i := range d.Changes {
			if d.Changes[i].Intervention == pick.a.Intervention {
				c = &d.Changes[i]
			}
		}
		require.NotNil(t, c)
		require.Equal(t, tc.told, c.Announced, "%d days of notice for %s", tc.days, trade)
	}
}

// TestReplanQuietWithTradeNotice: a replan with no event keeps every appointment
// when a trade's notice period is longer than the operation's (the appointments
// inside it stay where they are).
func TestReplanQuietWithTradeNotice(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	slots, err := planSlots(p, plan, loc)
	require.NoError(t, err)
	trade := ""
	for _, iv := range p.Interventions {
		if sl, ok := slots[iv.ID]; ok && iv.StatusOf() == model.StatusPlanned && sl.start.After(now.Add(9*24*time.Hour)) && sl.start.Before(now.Add(20*24*time.Hour)) {
			trade = iv.Trade
			break
		}
	}
	require.NotEmpty(t, trade)
	for _, days := range []int{7, 21} {
		q := withNotice(t, p, trade, days)
		rr, err := Replan(context.Background(), q, plan, nil, now, &Settings{WorkLimit: 6, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, Verify(rr.Problem, rr.Plan), "%d days of notice", days)
		require.Empty(t, rr.Diff.Changes, "%d days of notice for %s: a quiet night moves nothing", days, trade)
	}
}

// TestDiffNoticeQuotesOperationContact: a household's notice of a change gives
// the operation's contact (operation.contact, as the letters do) when the problem
// has one, and the pilot's own contact only when it has none.
func TestDiffNoticeQuotesOperationContact(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	var pick oldAppt
	for _, a := range appointments(t, plan, loc) {
		iv := ivByID(p, a.a.Intervention)
		if a.start.After(now.Add(10*24*time.Hour)) && iv.StatusOf() == model.StatusPlanned && a.a.Pilot != "" {
			pick = a
			break
		}
	}
	require.NotEmpty(t, pick.a.Intervention)
	moved := *plan
	moved.Assignments = append([]model.Assignment(nil), plan.Assignments...)
	for i := range moved.Assignments {
		if a := &moved.Assignments[i]; a.Intervention == pick.a.Intervention {
			a.Start = pick.start.Add(7 * 24 * time.Hour).Format(time.RFC3339)
			a.End = pick.end.Add(7 * 24 * time.Hour).Format(time.RFC3339)
			a.Segments = nil
		}
	}
	pilotContact := ""
	for _, pl := range p.Pilots {
		if pl.ID == pick.a.Pilot {
			pilotContact = pl.Contact
		}
	}
	require.NotEmpty(t, pilotContact, "the example's pilots give a contact")
	for _, tc := range []struct {
		name      string
		contact   *model.Contact
		want, not []string
	}{
		{"operation contact", &model.Contact{Name: "Mme Morel, pilote sociale", Phone: "01 84 60 00 99", Email: "pilote@example.fr", Hours: "du lundi au vendredi de 9 h à 12 h"},
			[]string{"Mme Morel, pilote sociale", "tél. 01 84 60 00 99", "courriel pilote@example.fr", "permanence du lundi au vendredi de 9 h à 12 h"}, []string{pilotContact}},
		{"e-mail only", &model.Contact{Email: "pilote@example.fr"}, []string{": courriel pilote@example.fr."}, []string{pilotContact}},
		{"no operation contact", nil, []string{pilotContact}, []string{"tél. "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := p.Clone()
			q.Operation.Contact = tc.contact
			// the household was told of the appointment: it hears of the move
			for i := range q.Interventions {
				if iv := &q.Interventions[i]; iv.ID == pick.a.Intervention {
					iv.Status = model.StatusAnnounced
					iv.Crew, iv.Pilot, iv.Start, iv.End = pick.a.Crew, pick.a.Pilot, pick.a.Start, pick.a.End
				}
			}
			require.NoError(t, model.Validate(q))
			d := diffPlans(q, q, plan, &moved, &now, nil, nil)
			var notice string
			for _, r := range d.Recipients {
				if r.Kind == model.RecipientHousehold {
					notice = r.Notice
				}
			}
			require.NotEmpty(t, notice, "a household is told of the move")
			for _, s := range tc.want {
				require.Contains(t, notice, s)
			}
			for _, s := range tc.not {
				require.NotContains(t, notice, s)
			}
		})
	}
}
