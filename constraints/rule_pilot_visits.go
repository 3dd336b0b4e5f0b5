package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// PilotVisits is rule 12: the pilot's diagnostic meeting comes before any works
// in the dwelling, and the satisfaction survey the policy's weeks after the
// acceptance visit.
type PilotVisits struct{}

// NamePilotVisits is PilotVisits' name.
const NamePilotVisits = "pilot-visits"

var _ Checker = PilotVisits{}

func (PilotVisits) Name() string { return NamePilotVisits }
func (PilotVisits) Number() int  { return 12 }

// Requires says what the rule requires, in lang.
func (PilotVisits) Requires(lang Lang) string {
	return phrase{
		"the diagnostic meeting with the pilot comes before any works in the dwelling, and the satisfaction survey at least the policy's weeks after the acceptance visit",
		"l'entretien de diagnostic avec le pilote précède tous les travaux du logement, et l'enquête de satisfaction a lieu au moins le nombre de semaines prévu après la réception", false}.in(lang)
}

var (
	_ precedenceCompiler = PilotVisits{}
	_ unplacedExplainer  = PilotVisits{}
)

// visitLinks lists the pairs the rule orders in one dwelling, given its
// interventions' stages and whether each is works (done by a crew): each
// diagnostic before each works, and each acceptance (or, in a dwelling without
// one, each works) before each survey, with the survey's lag (the search's
// reading; the verifier reads the dwelling itself).
func visitLinks(stages []string, works []bool) (before [][2]int, survey [][2]int) {
	hasAcceptance := false
	for _, s := range stages {
		hasAcceptance = hasAcceptance || s == model.StageAcceptance
	}
	for a, sa := range stages {
		for b, sb := range stages {
			if a == b {
				continue
			}
			if sa == model.StageDiagnostic && works[b] {
				before = append(before, [2]int{a, b})
			}
			if sb == model.StageSurvey && (sa == model.StageAcceptance || !hasAcceptance && works[a]) {
				survey = append(survey, [2]int{a, b})
			}
		}
	}
	return before, survey
}

// compilePrecedences orders each dwelling's diagnostic, works, acceptance and survey.
func (PilotVisits) compilePrecedences(c *Compiled, g *taskGroups) error {
	p, x, sp := c.Model, c.Index, c.Problem
	lag := p.SurveyWeeks() * 7 * 24 * 60
	for i := range p.Dwellings {
		tasks := g.byDwelling[p.Dwellings[i].ID]
		stages, works := make([]string, len(tasks)), make([]bool, len(tasks))
		any := false
		for k, t := range tasks {
			iv := c.Interventions[t]
			stages[k], works[k] = x.StageOf(iv), x.NeedsCrew(iv)
			any = any || stages[k] == model.StageDiagnostic || stages[k] == model.StageSurvey
		}
		if !any {
			continue
		}
		before, survey := visitLinks(stages, works)
		for _, l := range before {
			sp.Precedences = append(sp.Precedences, solver.Precedence{From: tasks[l[0]], To: tasks[l[1]], MaxLag: -1})
		}
		for _, l := range survey {
			sp.Precedences = append(sp.Precedences, solver.Precedence{From: tasks[l[0]], To: tasks[l[1]], MinLag: lag, MaxLag: -1})
		}
	}
	return nil
}

// explainUnplaced: works wait for a diagnostic that could not be placed, or a
// survey for the acceptance.
func (PilotVisits) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	if p.Reason != solver.ReasonPredecessor || p.Blocker < 0 || !isVisitLink(c, p.Blocker, t) {
		return nil, false
	}
	iv, pred := c.Interventions[t], c.Interventions[p.Blocker]
	if c.Index.StageOf(iv) == model.StageSurvey {
		return []model.Reason{{Rule: NamePilotVisits, Message: phrase{
			fmt.Sprintf("the satisfaction survey %s comes %d weeks after %s, which could not be placed", iv.ID, c.Model.SurveyWeeks(), pred.ID),
			fmt.Sprintf("L'enquête de satisfaction %s vient %d semaines après %s, qui n'a pas pu être placée", iv.ID, c.Model.SurveyWeeks(), pred.ID), false}.in(lang)}}, true
	}
	return []model.Reason{{Rule: NamePilotVisits, Message: phrase{
		fmt.Sprintf("no works in dwelling %s before the diagnostic meeting %s, which could not be placed", iv.Dwelling, pred.ID),
		fmt.Sprintf("Aucun travail dans le logement %s avant l'entretien de diagnostic %s, qui n'a pas pu être placé", iv.Dwelling, pred.ID), false}.in(lang)}}, true
}

// isVisitLink reports whether the rule orders task from before task to: a
// diagnostic before works, or what a survey waits for.
func isVisitLink(c *Compiled, from, to int) bool {
	a, b := c.Interventions[from], c.Interventions[to]
	if a.Dwelling != b.Dwelling {
		return false
	}
	x := c.Index
	sa, sb := x.StageOf(a), x.StageOf(b)
	return sa == model.StageDiagnostic && x.NeedsCrew(b) || sb == model.StageSurvey && (sa == model.StageAcceptance || x.NeedsCrew(a))
}

// Check verifies rule 12 in each dwelling: each intervention of a diagnostic
// trade ends before any works (an intervention with a crew) starts, and each of a
// survey trade starts at least SurveyWeeks weeks (elapsed) after every acceptance
// visit of the dwelling ends, or after its works end when it has no acceptance
// visit. Works (or a survey) placed while what must come before is not placed is a
// violation; a pair with the later one unplaced is not checked.
func (r PilotVisits) Check(v *Verification) []Violation {
	var out []Violation
	p, x := v.Problem, v.Index
	weeks := p.SurveyWeeks()
	lag := time.Duration(weeks) * 7 * 24 * time.Hour
	byDwelling := map[string][]*model.Intervention{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		byDwelling[iv.Dwelling] = append(byDwelling[iv.Dwelling], iv)
	}
	for i := range p.Dwellings {
		ivs := byDwelling[p.Dwellings[i].ID]
		stages, works := make([]string, len(ivs)), make([]bool, len(ivs))
		for k, iv := range ivs {
			if t := x.Trades[iv.Trade]; t != nil {
				stages[k], works[k] = t.Stage, !t.PilotOnly
			}
		}
		hasAcceptance := false
		for _, st := range stages {
			hasAcceptance = hasAcceptance || st == model.StageAcceptance
		}
		check := func(a, b *model.Intervention, lag time.Duration, what string) {
			if v.Assigned[b.ID] == nil {
				return
			}
			if v.Assigned[a.ID] == nil {
				out = append(out, vfViolation(r, b.ID, "placed although %s, which must come before it (%s), is not placed", a.ID, what))
				return
			}
			pa, okA := v.Placed[a.ID]
			pb, okB := v.Placed[b.ID]
			if okA && okB && pb.Start.Before(pa.End.Add(lag)) {
				out = append(out, vfViolation(r, b.ID, "starts %s, before %s (%s; %s)", v.at(pb.Start), v.at(pa.End.Add(lag)), what, a.ID))
			}
		}
		for k, b := range ivs {
			for j, a := range ivs {
				switch {
				case j == k:
				case stages[j] == model.StageDiagnostic && works[k]:
					check(a, b, 0, "works come after the diagnostic meeting")
				case stages[k] == model.StageSurvey && (stages[j] == model.StageAcceptance || !hasAcceptance && works[j]):
					check(a, b, lag, fmt.Sprintf("the survey comes %d weeks after the acceptance", weeks))
				}
			}
		}
	}
	return out
}
