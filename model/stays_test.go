package model

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func staysBase(t *testing.T) *Problem {
	data, err := os.ReadFile("../testdata/invalid/absurd-crew-size.json")
	require.NoError(t, err)
	p, err := DecodeBytes([]byte(strings.Replace(string(data), `"size": 5000`, `"size": 1`, 1)))
	require.NoError(t, err)
	p.Trades = append(p.Trades, Trade{ID: "removal"})
	p.Crews = append(p.Crews, Crew{ID: "MOV-1", Trades: []string{"removal"}, Size: 3})
	p.RelocationUnits = []RelocationUnit{{ID: "U1"}}
	p.Operation.Rehousing = &Rehousing{}
	p.Households[0].FurnitureM3 = 25
	require.NoError(t, Validate(p))
	return p
}

// ApplyStays books a planned stay, adds its moves (sized by volume, or the
// default) and puts the works that cut water during the stay with nobody at
// home; applying the same stays again changes nothing; bad stays are errors
// naming the stay.
func TestApplyStays(t *testing.T) {
	p := staysBase(t)
	stays := []Stay{
		{Household: "H001", Dwelling: "B1-A-01", Unit: "U1", From: "2027-03-08", To: "2027-03-26", Planned: true, MoveOut: "B1-A-01/move-out", MoveBack: "B1-A-01/move-back"},
		{Household: "H002", Dwelling: "B1-A-02", Unit: "U1", From: "2027-03-30", To: "2027-04-16", Planned: true, MoveOut: "B1-A-02/move-out", MoveBack: "B1-A-02/move-back"},
		{Household: "H002", Dwelling: "B1-A-02", Unit: "U1", From: "2027-04-20", To: "2027-04-21"}, // not planned: ignored
	}
	q, err := ApplyStays(p, stays)
	require.NoError(t, err)
	assert.Len(t, p.Relocations, 0, "p is not changed")
	assert.Equal(t, []Relocation{{Household: "H001", Unit: "U1", From: "2027-03-08", To: "2027-03-26"},
		{Household: "H002", Unit: "U1", From: "2027-03-30", To: "2027-04-16"}}, q.Relocations)
	byID := map[string]Intervention{}
	for _, iv := range q.Interventions {
		byID[iv.ID] = iv
	}
	out := byID["B1-A-01/move-out"]
	assert.Equal(t, "removal", out.Trade)
	assert.Equal(t, RoleMoveOut, out.Relocation)
	assert.Empty(t, out.Duration, "sized by the 25 m³")
	back := byID["B1-A-02/move-back"]
	assert.Equal(t, DefaultRemovalDuration, back.Duration, "no volume: the default")
	assert.Equal(t, DefaultRemovalMovers, back.CrewSize)
	assert.Equal(t, RoleDuring, byID["B1-A-01/plumbing"].Relocation)
	assert.Equal(t, AccessNone, byID["B1-A-01/plumbing"].Access)
	assert.Empty(t, byID["B1-A-01/painting"].Relocation, "painting cuts no water")
	again, err := ApplyStays(q, stays)
	require.NoError(t, err)
	assert.Equal(t, q.Relocations, again.Relocations)
	assert.Equal(t, len(q.Interventions), len(again.Interventions))
	plan := &Plan{Stays: stays}
	same, err := WithPlannedStays(q, plan)
	require.NoError(t, err)
	assert.Same(t, q, same, "already booked")

	for _, tc := range []struct {
		edit func(*Stay)
		msg  string
	}{
		{func(s *Stay) { s.Household = "H9" }, `stays[0] (household "H9"): unknown household`},
		{func(s *Stay) { s.Dwelling = "B1-A-02" }, `does not live in dwelling "B1-A-02"`},
		{func(s *Stay) { s.MoveBack = s.MoveOut }, "names its two moves"},
		{func(s *Stay) { s.MoveOut = "B1-A-01/plumbing" }, `already has an intervention "B1-A-01/plumbing"`},
		{func(s *Stay) { s.Unit = "U9" }, `unknown relocation unit "U9"`},
	} {
		st := stays[0]
		tc.edit(&st)
		_, err := ApplyStays(p, []Stay{st})
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.msg)
	}
}
