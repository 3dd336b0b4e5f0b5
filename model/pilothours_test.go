package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPilotSessionsAndFavoursRead: sessions join the pilot's hours (a dated one as
// one occurrence on its date), favours stay apart with their household, the
// Saturday flag stays free of cost, and a clone shares none of their lists.
func TestPilotSessionsAndFavoursRead(t *testing.T) {
	p := minimalProblem()
	p.Pilots[0].Saturday = true
	p.Pilots[0].Sessions = []Session{
		{Date: "2027-03-13", Start: "10:00", Duration: "2h"},
		{RRule: "FREQ=MONTHLY;BYDAY=1TH", Start: "17:30", Duration: "2h", From: "2027-04-01"},
	}
	p.Pilots[0].Favours = []Favour{{Household: "H1", RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"}}
	n, w := 10, 3.5
	p.Trades[1].NoticeDays = &n
	p.Operation.Policy.PilotExtraHours = &w
	require.NoError(t, Validate(p))

	hours := p.Pilots[0].Hours()
	require.Len(t, hours, len(DefaultOfficeHours)+3, "office hours, Saturday, two sessions")
	require.Equal(t, SaturdayPermanence, hours[len(DefaultOfficeHours)])
	require.Equal(t, Recurrence{RRule: OneDay, Start: "10:00", Duration: "2h", From: "2027-03-13"}, hours[len(DefaultOfficeHours)+1])
	require.Len(t, p.Pilots[0].SessionHours(), 2, "the Saturday flag costs nothing")

	tp := p.Typed().PilotOf(&p.Pilots[0])
	require.NotNil(t, tp)
	require.Len(t, tp.Hours, len(hours))
	require.Len(t, tp.Sessions, 2)
	require.Equal(t, 600, tp.Sessions[0].Start.V)
	require.Equal(t, 120, tp.Sessions[0].Length.V)
	loc := p.Typed().Loc
	require.Equal(t, time.Date(2027, 3, 13, 0, 0, 0, 0, loc), tp.Sessions[0].From.V)
	require.Len(t, tp.Favours, 1)
	require.Equal(t, "H1", tp.Favours[0].Household)
	require.Equal(t, 17*60+30, tp.Favours[0].Window.Start.V)
	require.Equal(t, 90, tp.Favours[0].Window.Length.V)
	require.Len(t, tp.FavoursFor("H1"), 1)
	require.Empty(t, tp.FavoursFor("H2"))

	require.Equal(t, 10, p.TradeNoticeDays(&p.Trades[1]))
	require.Equal(t, 7, p.TradeNoticeDays(&p.Trades[0]), "the operation's")
	require.Equal(t, 7, p.TradeNoticeDays(nil))
	require.Equal(t, 3.5, p.PilotExtraHoursWeight())
	now := time.Date(2027, 3, 1, 15, 0, 0, 0, loc)
	require.Equal(t, time.Date(2027, 3, 11, 0, 0, 0, 0, loc), p.TradeNoticeFloor(&p.Trades[1], now, loc))

	q := p.Clone()
	q.Pilots[0].Sessions[0].Date = "2027-03-20"
	q.Pilots[0].Favours[0].Household = "H2"
	*q.Trades[1].NoticeDays = 3
	*q.Operation.Policy.PilotExtraHours = 0
	require.Equal(t, "2027-03-13", p.Pilots[0].Sessions[0].Date)
	require.Equal(t, "H1", p.Pilots[0].Favours[0].Household)
	require.Equal(t, 10, *p.Trades[1].NoticeDays)
	require.Equal(t, 3.5, *p.Operation.Policy.PilotExtraHours)
}
