package constraints

import (
	"github.com/rehabplan/rehabplan/model"
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

// Check verifies rule 5: an intervention starts no earlier than its release date and
// than the expected arrival of each delivery it depends on, ends by its deadline (a
// bare date means the end of that day), and lies inside the operation's horizon, from
// local midnight of its first day to local midnight after its last day.
func (r ReleaseDeadline) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	for _, pl := range v.placedSorted() {
		iv := pl.Intervention
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		if iv.Release != "" {
			t, err := model.ParseMoment(iv.Release, v.Loc)
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
			t, err := model.ParseMoment(dl.Expected, v.Loc)
			switch {
			case err != nil:
				add("the expected date of delivery %s cannot be read: %v", did, err)
			case pl.Start.Before(t):
				add("starts %s, before delivery %s arrives (%s)", v.at(pl.Start), did, v.at(t))
			}
		}
		if iv.Deadline != "" {
			t, err := model.ParseEndMoment(iv.Deadline, v.Loc)
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
