package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// TradeSequence is rule 4.
type TradeSequence struct{}

// NameTradeSequence is TradeSequence's name.
const NameTradeSequence = "trade-sequence"

var _ Checker = TradeSequence{}

func (TradeSequence) Name() string { return NameTradeSequence }
func (TradeSequence) Number() int  { return 4 }

// Requires says what the rule requires, in lang.
func (TradeSequence) Requires(lang Lang) string {
	return phrase{
		"in each dwelling (or stairwell) a trade starts only after the trades before it have ended plus the drying lag, and no later than the maximum lag",
		"dans chaque logement (ou cage d'escalier), un corps d'état ne commence qu'une fois finis ceux qui le précèdent et écoulé le temps de séchage, et pas plus tard que le délai maximal", false}.in(lang)
}

var (
	_ precedenceCompiler = TradeSequence{}
	_ unplacedExplainer  = TradeSequence{}
)

// compilePrecedences links the trades of each dwelling (or stairwell) in the
// order of the sequences, with their lags, and each intervention to those it
// comes after.
func (TradeSequence) compilePrecedences(c *Compiled, g *taskGroups) error {
	p, sp := c.Model, c.Problem
	siteCal, err := c.siteCalendar()
	if err != nil {
		return err
	}
	typed := c.Typed.Sequences()
	for si, s := range p.Sequences {
		minLag, maxLag := 0, -1
		if ts := &typed[si]; ts.MinLag.Set {
			if minLag, err = ts.MinLag.V, ts.MinLag.Err; err != nil {
				return fmt.Errorf("sequences[%d].min_lag: %w", si, err)
			}
		}
		if ts := &typed[si]; ts.MaxLag.Set {
			if maxLag, err = ts.MaxLag.V, ts.MaxLag.Err; err != nil {
				return fmt.Errorf("sequences[%d].max_lag: %w", si, err)
			}
		}
		only := map[string]bool{}
		for _, d := range s.Dwellings {
			only[d] = true
		}
		link := func(from, to int) {
			if c.Interventions[from].Snagging() || c.Interventions[to].Snagging() {
				return // a snag's visits follow the snag rule, not the sequences
			}
			if len(only) > 0 && (!only[c.Interventions[from].Dwelling] || !only[c.Interventions[to].Dwelling]) {
				return
			}
			sp.Precedences = append(sp.Precedences, solver.Precedence{From: from, To: to, MinLag: minLag, MaxLag: maxLag})
			if s.MinLagWorkingDays > 0 {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: from, To: to,
					MinLag: s.MinLagWorkingDays * g.workingDay, LagCalendar: siteCal, MaxLag: -1})
			}
		}
		if s.Scope == "stairwell" {
			for _, sw := range p.StairwellIDs() {
				for _, a := range g.byStairwellTrade[[2]string{sw, s.Before}] {
					for _, b := range g.byStairwellTrade[[2]string{sw, s.After}] {
						link(a, b)
					}
				}
			}
			continue
		}
		for _, d := range p.Dwellings {
			for _, a := range g.byDwellingTrade[[2]string{d.ID, s.Before}] {
				for _, b := range g.byDwellingTrade[[2]string{d.ID, s.After}] {
					link(a, b)
				}
			}
		}
	}
	for t, iv := range c.Interventions {
		for _, a := range iv.After {
			if f, ok := c.TaskOf[a]; ok {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: f, To: t, MaxLag: -1})
			}
		}
	}
	return nil
}

// siteCalendar is the site hours without holidays: the calendar of lags in working days.
func (c *Compiled) siteCalendar() (*solver.Calendar, error) {
	ws, err := c.Clock.Recurrences(c.Typed.SiteHours())
	if err != nil {
		return nil, fmt.Errorf("operation.site_hours: %w", err)
	}
	return solver.Subtract(solver.NewCalendar(ws), c.holidays), nil
}

// explainUnplaced: a predecessor is not placed, or the maximum lag after it
// cannot be met.
func (TradeSequence) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	iv := c.Interventions[t]
	switch p.Reason {
	case solver.ReasonPredecessor:
		if p.Blocker >= 0 && (isVisitLink(c, p.Blocker, t) || isSnagLink(c, p.Blocker, t)) {
			return nil, false // the pilot's visits and the snags say it in their words
		}
		pred, predFr := "an earlier intervention", "une intervention précédente"
		if p.Blocker >= 0 {
			pred, predFr = fmt.Sprintf("%q", c.Interventions[p.Blocker].ID), c.Interventions[p.Blocker].ID
		}
		return []model.Reason{{Rule: NameTradeSequence, Message: phrase{
			fmt.Sprintf("%s must come after %s, which could not be placed", iv.ID, pred),
			fmt.Sprintf("%s doit suivre %s, qui n'a pas pu être placée", iv.ID, predFr), false}.in(lang)}}, true
	case solver.ReasonMaxLag:
		return []model.Reason{{Rule: NameTradeSequence, Message: phrase{
			fmt.Sprintf("%s cannot start soon enough after the trade before it (maximum lag)", iv.ID),
			fmt.Sprintf("%s ne peut pas commencer assez tôt après le corps d'état qui la précède (délai maximal entre les deux)", iv.ID), false}.in(lang)}}, true
	}
	return nil, false
}

// Check verifies rule 4. For each sequence and each pair of interventions of its
// trades in the same dwelling (scope "dwelling", the default; restricted to the
// sequence's dwellings when listed) or the same stairwell (scope "stairwell"): the
// successor starts no earlier than the predecessor's end plus MinLag (elapsed), no
// earlier than the instant MinLagWorkingDays working days of site time (site hours
// without public holidays) have elapsed after it, and no later than its end plus
// MaxLag. An intervention starts after every intervention of its After list ends.
// A successor placed while its predecessor is not placed is a violation; a pair with
// an unplaced successor is not checked. A snag's return visit and the pilot's check
// of it (snag_of, check_of) are left out of the sequences: rule 13 orders them.
func (r TradeSequence) Check(v *Verification) []Violation {
	var out []Violation
	p, x := v.Problem, v.Index
	byDwellingTrade := map[[2]string][]*model.Intervention{}
	byStairwellTrade := map[[2]string][]*model.Intervention{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}] = append(byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}], iv)
		if d := x.Dwellings[iv.Dwelling]; d != nil {
			byStairwellTrade[[2]string{d.Stairwell, iv.Trade}] = append(byStairwellTrade[[2]string{d.Stairwell, iv.Trade}], iv)
		}
	}
	typed := v.Typed.Sequences()
	for si := range p.Sequences {
		s, ts := &p.Sequences[si], &typed[si]
		lag := vfLags{}
		var err error
		if ts.MinLag.Set {
			var m int
			if m, err = ts.MinLag.V, ts.MinLag.Err; err != nil {
				out = append(out, vfViolation(r, "", "sequence %d (%s then %s): min_lag cannot be read: %v", si+1, s.Before, s.After, err))
				continue
			}
			lag.min = time.Duration(m) * time.Minute
		}
		if ts.MaxLag.Set {
			var m int
			if m, err = ts.MaxLag.V, ts.MaxLag.Err; err != nil {
				out = append(out, vfViolation(r, "", "sequence %d (%s then %s): max_lag cannot be read: %v", si+1, s.Before, s.After, err))
				continue
			}
			lag.max, lag.hasMax = time.Duration(m)*time.Minute, true
		}
		if s.MinLagWorkingDays > 0 {
			lag.days = s.MinLagWorkingDays
		}
		only := map[string]bool{}
		for _, d := range s.Dwellings {
			only[d] = true
		}
		var groups [][2][]*model.Intervention
		if s.Scope == "stairwell" {
			seen := map[string]bool{}
			for i := range p.Dwellings {
				sw := p.Dwellings[i].Stairwell
				if seen[sw] {
					continue
				}
				seen[sw] = true
				groups = append(groups, [2][]*model.Intervention{byStairwellTrade[[2]string{sw, s.Before}], byStairwellTrade[[2]string{sw, s.After}]})
			}
		} else {
			for i := range p.Dwellings {
				d := p.Dwellings[i].ID
				groups = append(groups, [2][]*model.Intervention{byDwellingTrade[[2]string{d, s.Before}], byDwellingTrade[[2]string{d, s.After}]})
			}
		}
		what := fmt.Sprintf("%s then %s", s.Before, s.After)
		for _, g := range groups {
			for _, a := range g[0] {
				for _, b := range g[1] {
					if a == b || a.Snagging() || b.Snagging() || (len(only) > 0 && (!only[a.Dwelling] || !only[b.Dwelling])) {
						continue
					}
					out = append(out, r.pair(v, a, b, lag, what)...)
				}
			}
		}
	}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		for _, id := range iv.After {
			pred := x.Interventions[id]
			if pred == nil {
				out = append(out, vfViolation(r, iv.ID, "must come after %s, which the problem does not have", id))
				continue
			}
			out = append(out, r.pair(v, pred, iv, vfLags{}, "listed in after")...)
		}
	}
	return out
}

// vfLags are a precedence's lags.
type vfLags struct {
	min, max time.Duration
	hasMax   bool
	days     int
}

// pair checks that b comes after a.
func (r TradeSequence) pair(v *Verification, a, b *model.Intervention, lag vfLags, what string) []Violation {
	pb := v.Assigned[b.ID]
	if pb == nil {
		return nil
	}
	if v.Assigned[a.ID] == nil {
		return []Violation{vfViolation(r, b.ID, "placed although %s, which must come before it (%s), is not placed", a.ID, what)}
	}
	pa, okA := v.Placed[a.ID]
	pb, okB := v.Placed[b.ID]
	if !okA || !okB {
		return nil
	}
	var out []Violation
	if earliest := pa.End.Add(lag.min); pb.Start.Before(earliest) {
		if lag.min > 0 {
			out = append(out, vfViolation(r, b.ID, "starts %s, before %s ends plus %s (%s; %s)", v.at(pb.Start), a.ID, vfFmtMinutes(lag.min), v.at(earliest), what))
		} else {
			out = append(out, vfViolation(r, b.ID, "starts %s, before %s ends (%s; %s)", v.at(pb.Start), a.ID, v.at(earliest), what))
		}
	}
	if lag.days > 0 {
		site, err := v.siteWorkCalendar()
		if err != nil {
			out = append(out, vfViolation(r, b.ID, "the site hours cannot be read: %v", err))
		} else {
			need := time.Duration(lag.days*v.WorkingDay) * time.Minute
			earliest, ok := site.addWork(pa.End, need)
			switch {
			case !ok:
				out = append(out, vfViolation(r, b.ID, "starts %s, but %s after %s ends never elapse in the site hours (%s)", v.at(pb.Start), vfPlural(lag.days, "working day"), a.ID, what))
			case pb.Start.Before(earliest):
				out = append(out, vfViolation(r, b.ID, "starts %s, before %s of site time have elapsed after %s ends (%s; %s)", v.at(pb.Start), vfPlural(lag.days, "working day"), a.ID, v.at(earliest), what))
			}
		}
	}
	if lag.hasMax {
		if latest := pa.End.Add(lag.max); pb.Start.After(latest) {
			out = append(out, vfViolation(r, b.ID, "starts %s, later than %s after %s ends (%s; %s)", v.at(pb.Start), vfFmtMinutes(lag.max), a.ID, v.at(latest), what))
		}
	}
	return out
}
