package gen

import "github.com/rehabplan/rehabplan/model"

// The pilots' practices a generated operation may carry (Options.Visits,
// Heating, Snags), each added by its own function after everything else is
// drawn: they draw nothing at random, so an operation without them is the same,
// byte for byte, as before they existed.

// Trade ids of the practices.
const (
	tDiagnostic = "diagnostic"
	tSurvey     = "survey"
)

// practices adds the practices o asks for.
func (g *generator) practices() {
	if g.o.Visits {
		g.visits()
	}
	if g.o.Heating {
		g.heating()
	}
	if g.o.Snags > 0 {
		g.snags(g.o.Snags)
	}
}

// tradeAt is the problem's trade id, or nil.
func (g *generator) tradeAt(id string) *model.Trade {
	for i := range g.p.Trades {
		if g.p.Trades[i].ID == id {
			return &g.p.Trades[i]
		}
	}
	return nil
}

// visits: the pilot's diagnostic meeting (1h) before any works and the
// satisfaction survey (30 min) six weeks after the acceptance visit, in every
// occupied dwelling.
func (g *generator) visits() {
	p := g.p
	p.Trades = append(p.Trades,
		model.Trade{ID: tDiagnostic, Name: "Entretien de diagnostic social", Access: model.AccessTenant, NeedsPilot: true, PilotOnly: true, Stage: model.StageDiagnostic},
		model.Trade{ID: tSurvey, Name: "Enquête de satisfaction", Access: model.AccessTenant, NeedsPilot: true, PilotOnly: true, Stage: model.StageSurvey})
	g.tradeAt(tAcceptance).Stage = model.StageAcceptance
	for _, d := range p.Dwellings {
		if !d.Occupied() {
			continue
		}
		p.Interventions = append(p.Interventions,
			model.Intervention{ID: d.ID + "/" + tDiagnostic, Dwelling: d.ID, Trade: tDiagnostic, Duration: "1h"},
			model.Intervention{ID: d.ID + "/" + tSurvey, Dwelling: d.ID, Trade: tSurvey, Duration: "30m"})
	}
}

// heatingCutHours is the generated operations' limit without heating: a
// household whose carer comes on Mondays, Wednesdays and Fridays has its day of
// plumbing over two of those days, which 48 hours (the default) cannot hold.
const heatingCutHours = 72

// heating: the plumbers also replace the radiators, so their day cuts heating
// (no household without heating beyond 72 hours in the heating season).
func (g *generator) heating() {
	t := g.tradeAt(tPlumbing)
	t.Name, t.CutsHeating = "Plomberie et chauffage", true
	h := heatingCutHours
	g.p.Operation.Policy.MaxHeatingCutHours = &h
}

// snags: the first n occupied dwellings (in the order of the dwellings) keep a
// painters' return visit (2h) for the snags their acceptance visit is expected to
// find, within the default 30 days, and the pilot's check (30 min) after it.
func (g *generator) snags(n int) {
	p := g.p
	g.tradeAt(tAcceptance).Stage = model.StageAcceptance
	for _, d := range p.Dwellings {
		if n == 0 {
			return
		}
		if !d.Occupied() {
			continue
		}
		n--
		acc, snag := d.ID+"/"+tAcceptance, d.ID+"/snag"
		p.Interventions = append(p.Interventions,
			model.Intervention{ID: snag, Dwelling: d.ID, Trade: tPainting, Duration: "2h", SnagOf: acc},
			model.Intervention{ID: snag + "/check", Dwelling: d.ID, Trade: tAcceptance, Duration: "30m", CheckOf: snag})
	}
}
