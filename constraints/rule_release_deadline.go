package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// ReleaseDeadline is rule 5.
type ReleaseDeadline struct{}

// NameReleaseDeadline is ReleaseDeadline's name.
const NameReleaseDeadline = "release-delivery-deadline"

var _ Checker = ReleaseDeadline{}

func (ReleaseDeadline) Name() string { return NameReleaseDeadline }
func (ReleaseDeadline) Number() int  { return 5 }

// Requires says what the rule requires, in lang.
func (ReleaseDeadline) Requires(lang Lang) string {
	return phrase{
		"no intervention starts before its release date or before its deliveries arrive, every deadline is met, and all work lies inside the operation's horizon",
		"aucune intervention ne commence avant sa date de démarrage ou l'arrivée de ses livraisons, chaque échéance est tenue, et tous les travaux ont lieu pendant la durée de l'opération", false}.in(lang)
}

var (
	_ taskTimer      = ReleaseDeadline{}
	_ startExplainer = ReleaseDeadline{}
)

// taskTiming: the release date and the deliveries are the task's release; its
// deadlines, hard and soft.
func (ReleaseDeadline) taskTiming(b *taskBuild) error {
	c, iv, ti, t := b.c, b.iv, b.ti, &b.task
	var err error
	if ti.Release.Set {
		if t.Release, err = c.minute(ti.Release); err != nil {
			return b.fail("release", err)
		}
	}
	for _, did := range iv.Deliveries {
		if dl := c.Index.Deliveries[did]; dl != nil {
			m, err := c.minute(c.Typed.DeliveryOf(dl).Expected)
			if err != nil {
				return b.fail("delivery "+did, err)
			}
			t.Release = max(t.Release, m)
		}
	}
	t.Release = max(t.Release, 0)
	if ti.Deadline.Set {
		if t.Deadline, err = c.minute(ti.Deadline); err != nil {
			return b.fail("deadline", err)
		}
		t.Deadline = max(t.Deadline, 1)
	}
	if ti.SoftDeadline.Set {
		if t.SoftDeadline, err = c.minute(ti.SoftDeadline); err != nil {
			return b.fail("soft_deadline", err)
		}
	}
	return nil
}

// explainStart: the release (date, delivery or notice owed) holds the task back.
func (ReleaseDeadline) explainStart(c *Compiled, t int, pl []solver.Placement, lang Lang) ([]model.Reason, bool) {
	p, iv, task := pl[t], c.Interventions[t], &c.Problem.Tasks[t]
	if task.Release < p.Start-startSlack {
		return nil, false
	}
	if lang == French {
		return []model.Reason{{Rule: NameReleaseDeadline, Message: fmt.Sprintf("%s ne peut pas commencer avant le %s (sa date de démarrage, une livraison ou le délai de prévenance dû au ménage)", iv.ID, frAt(c.Clock.Time(task.Release)))}}, false
	}
	return []model.Reason{{Rule: NameReleaseDeadline, Message: fmt.Sprintf("%s may not start before %s (its release date, a delivery, or the notice owed to the household)", iv.ID, c.Clock.Time(task.Release).Format("2006-01-02 15:04"))}}, false
}

// Check verifies rule 5: an intervention starts no earlier than its release date and
// than the expected arrival of each delivery it depends on, ends by its deadline (a
// bare date means the end of that day), and lies inside the operation's horizon, from
// local midnight of its first day to local midnight after its last day.
func (r ReleaseDeadline) Check(v *Verification) []Violation {
	var out []Violation
	x, tv := v.Index, v.Typed
	for _, pl := range v.placedSorted() {
		iv, ti := pl.Intervention, v.Typed.InterventionOf(pl.Intervention)
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		if ti.Release.Set {
			t, err := ti.Release.V, ti.Release.Err
			switch {
			case err != nil:
				add("its release date cannot be read: %v", err)
			case pl.Start.Before(t):
				add("starts %s, before its release date %s", v.at(pl.Start), v.at(t))
			}
		}
		for _, did := range iv.Deliveries {
			dl := x.Deliveries[did]
			if dl == nil {
				add("depends on delivery %s, which the problem does not have", did)
				continue
			}
			exp := tv.DeliveryOf(dl).Expected
			t, err := exp.V, exp.Err
			switch {
			case err != nil:
				add("the expected date of delivery %s cannot be read: %v", did, err)
			case pl.Start.Before(t):
				add("starts %s, before delivery %s arrives (%s)", v.at(pl.Start), did, v.at(t))
			}
		}
		if ti.Deadline.Set {
			t, err := ti.Deadline.V, ti.Deadline.Err
			switch {
			case err != nil:
				add("its deadline cannot be read: %v", err)
			case pl.End.After(t):
				add("ends %s, after its deadline %s", v.at(pl.End), v.at(t))
			}
		}
		if pl.Start.Before(v.Begin) {
			add("starts %s, before the operation starts (%s)", v.at(pl.Start), v.Problem.Operation.Start)
		}
		if pl.End.After(v.Finish) {
			add("ends %s, after the operation ends (%s)", v.at(pl.End), v.Problem.Operation.End)
		}
	}
	return out
}
