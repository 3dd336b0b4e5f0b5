// Package constraints holds rehabplan's hard rules. Each rule is one type in its
// own file, rule_<name>.go, listed once in the registry (registry.go). The type
// says what the rule requires, in English and in French; compiles itself into the
// solver's terms (resources, a part of each task's calendar, releases and
// deadlines, demands, precedences, limits over several tasks) through the small
// interfaces listed with Rule; checks a finished plan from scratch for the
// verifier (Check); and explains, in a pilot's words, why it keeps an intervention
// from being placed or from starting earlier. Compile, Verify and the explanations
// are drivers that visit the registry.
//
// Adding a hard rule: a file rule_<name>.go with its type, name, number, Requires,
// Check and the steps it takes part in; one line in registry.go; its tests (and,
// for new fields, the model).
//
// The verifier (Verify and every Check) and the search compilation (Compile) share
// nothing but the model types: Verify expands RRULEs itself with rrule-go and works
// on time.Time, and no function it reaches refers to the solver or calendar
// packages (a test walks them).
//
// Who uses it: scheduler, rehabplan's public planning API, which compiles, verifies
// and explains through it. The package stays at the top level, public, so that
// each rule's text and numbering can be read by tools and docs; a tool that plans
// works imports scheduler and model instead, because Compiled exposes the
// solver's terms and changes with the engine.
package constraints

import (
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Rule is a named hard constraint of the domain.
type Rule interface {
	// Name is the rule's stable identifier, e.g. "crew-calendar".
	Name() string
	// Number is the hard constraint's number (from 1); 0 for structural checks.
	Number() int
	// Requires says in one sentence, in lang (English unless lang is French),
	// what the rule requires.
	Requires(lang Lang) string
}

// Violation is one breach of a rule by a plan.
type Violation struct {
	Rule         string `json:"rule"`
	Intervention string `json:"intervention,omitempty"`
	Message      string `json:"message"`
}

func (v Violation) String() string {
	if v.Intervention != "" {
		return v.Rule + ": " + v.Intervention + ": " + v.Message
	}
	return v.Rule + ": " + v.Message
}

// A rule takes part in the steps below by implementing their interfaces, each
// small and found by type assertion (a rule implements only the steps it takes part
// in, and says so with compile-time checks such as var _ taskDemander = X{}).
// Every rule is a Checker: Check is the verifier's side and must reach neither the
// solver nor the calendar package (a test walks the functions it reaches).
//
// Compile runs the search side's steps in this order, each over the registry in
// its order (the order of resources, demands and calendars follows from it):
//
//	resourceCompiler   adds the solver resources the rule owns (crews, pilots, dwellings)
//	taskCalendarer     says when an intervention may run: a part of its task's calendar
//	taskTimer          sets the task's release and deadlines
//	taskDemander       adds the resources the task needs
//	taskPinner         pins a task that must stay where it is
//	precedenceCompiler adds precedences between tasks
//	termCompiler       adds limits over several tasks (per day, spans)
//
// Explanations ask the rules:
//
//	unplacedExplainer  why the solver left a task unplaced (the first rule that answers)
//	resourceOwner      the words for its resources: busy with another intervention, their calendars
//	startExplainer     what keeps a placed task from starting earlier
type (
	resourceCompiler interface {
		compileResources(c *Compiled) error
	}
	taskCalendarer interface {
		taskCalendar(b *taskBuild) error
	}
	taskTimer interface {
		taskTiming(b *taskBuild) error
	}
	taskDemander interface {
		taskDemands(b *taskBuild) error
	}
	taskPinner interface {
		taskPin(b *taskBuild) error
	}
	precedenceCompiler interface {
		compilePrecedences(c *Compiled, g *taskGroups) error
	}
	termCompiler interface {
		compileTerms(c *Compiled, g *taskGroups) error
	}
	unplacedExplainer interface {
		// explainUnplaced answers (true) when the solver's diagnosis p of task t
		// is the rule's to explain.
		explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool)
	}
	resourceOwner interface {
		Rule
		// ownsResource: solver resource r is one of the rule's.
		ownsResource(c *Compiled, r int) bool
		// busyWith says that resource r is busy with intervention id: "crew
		// PLB-1 is busy with X", "L'équipe PLB-1 est occupée par X".
		busyWith(c *Compiled, r int, id string, lang Lang) string
		// demandPart is the part that calendar cal, the union of the
		// alternatives of a demand of task t, plays in explanations; false when
		// it plays none.
		demandPart(c *Compiled, t int, cal *solver.Calendar) (part, bool)
	}
	startExplainer interface {
		// explainStart says what of the rule keeps placed task t from starting
		// earlier; alone: these reasons are the whole explanation.
		explainStart(c *Compiled, t int, pl []solver.Placement, lang Lang) (reasons []model.Reason, alone bool)
	}
)
