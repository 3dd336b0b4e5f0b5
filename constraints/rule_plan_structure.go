package constraints

import (
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// PlanStructure is rule 0: every intervention once, durations, known ids.
type PlanStructure struct{}

// NamePlanStructure is PlanStructure's name.
const NamePlanStructure = "plan-structure"

var _ Checker = PlanStructure{}

func (PlanStructure) Name() string { return NamePlanStructure }
func (PlanStructure) Number() int  { return 0 }

// Requires says what the rule requires, in lang.
func (PlanStructure) Requires(lang Lang) string {
	return phrase{
		"every intervention appears once, placed or unplaced with a reason, with exactly its duration of work",
		"chaque intervention apparaît une fois, placée, ou non placée avec une raison, avec exactement sa durée de travail", false}.in(lang)
}

// Check verifies the plan's structure (rule 0): every intervention appears exactly
// once, placed or unplaced with at least one reason, no unknown ids, and each
// placement's worked stretches are well formed and add up to its duration (in one
// stretch for a short intervention) — except for announced, done and pinned
// interventions, whose given times stand whatever their duration. A successor placed while its predecessor is not
// is reported by TradeSequence.
func (r PlanStructure) Check(v *Verification) []Violation {
	var out []Violation
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	if f := v.Plan.Format; f != "" && f != model.PlanFormat {
		add("", "the plan's format is %q, expected %q", f, model.PlanFormat)
	}
	if op := v.Plan.Operation; op != "" && op != v.Problem.Operation.ID {
		add("", "the plan is for operation %q, the problem is operation %q", op, v.Problem.Operation.ID)
	}
	seen := map[string]int{}
	for _, pl := range v.Assignments {
		id := pl.ID()
		if pl.Intervention == nil {
			add(id, "the plan places an intervention the problem does not have")
			continue
		}
		seen[id]++
		if seen[id] == 2 {
			add(id, "placed more than once")
		}
	}
	unplaced := map[string]int{}
	for i := range v.Plan.Unplaced {
		u := &v.Plan.Unplaced[i]
		if v.Index.Interventions[u.Intervention] == nil {
			add(u.Intervention, "the plan lists as unplaced an intervention the problem does not have")
			continue
		}
		unplaced[u.Intervention]++
		if unplaced[u.Intervention] == 2 {
			add(u.Intervention, "listed as unplaced more than once")
		}
		if seen[u.Intervention] > 0 && unplaced[u.Intervention] == 1 {
			add(u.Intervention, "both placed and listed as unplaced")
		}
		if len(u.Reasons) == 0 && unplaced[u.Intervention] == 1 {
			add(u.Intervention, "unplaced without a reason")
		}
	}
	for i := range v.Problem.Interventions {
		id := v.Problem.Interventions[i].ID
		if seen[id] == 0 && unplaced[id] == 0 {
			add(id, "missing from the plan: neither placed nor listed as unplaced")
		}
	}
	for _, pl := range v.placedSorted() {
		out = append(out, r.checkStretches(v, pl)...)
	}
	return out
}

// checkStretches checks one parsed placement's bounds, segments and work.
func (r PlanStructure) checkStretches(v *Verification, pl *Placed) []Violation {
	var out []Violation
	id := pl.ID()
	add := func(format string, args ...any) {
		out = append(out, vfViolation(r, id, format, args...))
	}
	if !pl.End.After(pl.Start) {
		add("ends (%s) no later than it starts (%s)", v.at(pl.End), v.at(pl.Start))
		return out
	}
	segs := pl.Assignment.Segments
	if len(segs) > 0 {
		// the segments as written, in plan order
		prevEnd := time.Time{}
		for k := range segs {
			rs, re := pl.segment(k)
			s, e := rs.t, re.t
			if !e.After(s) {
				add("segment %d ends no later than it starts", k+1)
			}
			if s.Before(pl.Start) || e.After(pl.End) {
				add("segment %d (%s) lies outside the intervention's start and end", k+1, vfFmtSpan(s, e, v.Loc))
			}
			if k > 0 && s.Before(prevEnd) {
				add("segment %d starts before segment %d ends (segments must be sorted and must not overlap)", k+1, k)
			}
			prevEnd = e
		}
		if s, _ := pl.segment(0); !s.t.Equal(pl.Start) {
			add("the first segment starts at %s, not at the intervention's start %s", v.at(s.t), v.at(pl.Start))
		}
		if _, e := pl.segment(len(segs) - 1); !e.t.Equal(pl.End) {
			add("the last segment ends at %s, not at the intervention's end %s", v.at(e.t), v.at(pl.End))
		}
	}
	if pl.Intervention.Fixed() {
		// An announced, done or pinned intervention keeps its given times (rule 9):
		// they are facts, which may differ from its nominal duration (a job that
		// took longer, an appointment announced across lunch).
		return out
	}
	var worked time.Duration
	for _, s := range pl.Stretches {
		if s.End.After(s.Start) {
			worked += s.End.Sub(s.Start)
		}
	}
	d := v.Typed.InterventionOf(pl.Intervention).Minutes
	need, err := d.V, d.Err
	if err != nil {
		add("its duration cannot be read: %v", err)
		return out
	}
	if want := time.Duration(need) * time.Minute; worked != want {
		add("worked time is %s, its duration is %s", vfFmtMinutes(worked), vfFmtMinutes(want))
	}
	if model.Contiguous(need) && len(pl.Stretches) > 1 {
		add("a %s intervention must be done in one stretch, the plan splits it in %d", vfFmtMinutes(time.Duration(need)*time.Minute), len(pl.Stretches))
	}
	return out
}
