package scheduler

import (
	"context"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestEventRegistryMatchesModel: every event type of the model has a handler, and
// every handler is for a type of the model.
func TestEventRegistryMatchesModel(t *testing.T) {
	for _, typ := range model.EventTypes {
		require.NotNil(t, eventHandlers[typ], "event type %q has no handler: add scheduler/event_%s.go", typ, typ)
	}
	for typ := range eventHandlers {
		require.Contains(t, model.EventTypes, typ, "handler registered for %q, which is not in model.EventTypes", typ)
	}
	require.Len(t, eventHandlers, len(model.EventTypes))
}

func TestEventRegistryRefusesDuplicates(t *testing.T) {
	r := eventRegistry{}
	require.NoError(t, r.register("a", deliverySlipped{}))
	err := r.register("a", deliveryEarly{})
	require.ErrorContains(t, err, `type "a" already has handler scheduler.deliverySlipped`)
	require.IsType(t, deliverySlipped{}, r["a"], "the first handler stays")
	require.Error(t, r.register("", deliveryEarly{}))
	require.Error(t, r.register("b", nil))
	require.Panics(t, func() { r.mustRegister("a", deliveryEarly{}) })
	// the package's registry refuses a second handler for a type it has
	require.Error(t, eventHandlers.register(model.EventDeliverySlipped, deliverySlipped{}))
}

// TestApplyEventsUncheckedInput: events given to Replan without model.Events.Check
// (a library caller) are errors naming the event and field, never a panic.
func TestApplyEventsUncheckedInput(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	cases := []struct {
		ev   model.Event
		want string
	}{
		{model.Event{Type: "weird"}, `events[0].type (event "e1"): unknown event type "weird"`},
		{model.Event{Type: model.EventSnagFound, Dwelling: "B1-A-01"}, `events[0].add (event "e1"): missing: a snag_found event needs it`},
		{model.Event{Type: model.EventInterventionAdded}, `events[0].add (event "e1"): missing: a intervention_added event needs it`},
		{model.Event{Type: model.EventHouseholdChanged}, `events[0].household (event "e1"): missing: a household_changed event needs it`},
		{model.Event{Type: model.EventCrewAbsent, Crew: "plumbing-1"}, `events[0].from (event "e1")`},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			tc.ev.ID = "e1"
			_, err := Replan(context.Background(), p, plan, &model.Events{Format: model.EventsFormat, Events: []model.Event{tc.ev}}, now, &Settings{WorkLimit: 1, Workers: 1})
			require.ErrorIs(t, err, model.ErrInvalid)
			require.ErrorContains(t, err, tc.want)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve))
			require.Equal(t, "event", ve.Errors[0].Entity)
			require.Equal(t, "e1", ve.Errors[0].ID)
		})
	}
}

// eventFixture is a solved problem and appointments of its plan, seen from now,
// that the events of the replan test are about.
type eventFixture struct {
	p    *model.Problem
	plan *model.Plan
	loc  *time.Location
	now  time.Time
	// ongoing is under way at now, the one that ends last (its overrun by a day
	// is absorbed; the first one's, plasterboard, pushes a dwelling whose water
	// is cut beyond its household's days); past ended less than three days before now;
	// future starts more than 30 days after now; inNotice starts 2 to 5 days after.
	ongoing, past, future, inNotice oldAppt
	// dwelling of future; household a household with a changed availability
	dwelling  string
	household model.Household
}

func newEventFixture(t *testing.T) *eventFixture {
	p, plan, loc := basePlan(t)
	fx := &eventFixture{p: p, plan: plan, loc: loc, now: time.Date(2027, 2, 1, 12, 0, 0, 0, loc)}
	now := fx.now
	busy := busyAtNow(t, plan, loc, now)
	for _, o := range appointments(t, plan, loc) {
		switch {
		case o.start.Before(now) && o.end.After(now) && o.a.Crew != "" && (fx.ongoing.a.Intervention == "" || o.end.After(fx.ongoing.end)):
			fx.ongoing = o
		case o.end.Before(now) && o.end.After(now.Add(-72*time.Hour)) && o.a.Crew != "":
			fx.past = o
		case o.start.After(now.Add(30*24*time.Hour)) && fx.future.a.Intervention == "":
			fx.future = o
		case o.start.After(now.Add(48*time.Hour)) && o.start.Before(now.Add(5*24*time.Hour)) && fx.inNotice.a.Intervention == "" && o.a.Crew != "" && !busy[o.a.Crew]:
			fx.inNotice = o
		}
	}
	for _, o := range []oldAppt{fx.ongoing, fx.past, fx.future, fx.inNotice} {
		require.NotEmpty(t, o.a.Intervention)
	}
	fx.dwelling = ivByID(p, fx.future.a.Intervention).Dwelling
	fx.household = p.Households[4]
	fx.household.Availability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "08:00", Duration: "9h"}}
	return fx
}

func (fx *eventFixture) stamp(t time.Time) string { return t.In(fx.loc).Format("2006-01-02T15:04") }

func (fx *eventFixture) moment(t *testing.T, s string) time.Time {
	x, err := model.ParseMoment(s, fx.loc)
	require.NoError(t, err)
	return x
}

// eventReplanCase is one event type's row: the event, and what its replan must show.
type eventReplanCase struct {
	event  func(fx *eventFixture) model.Event
	effect func(t *testing.T, fx *eventFixture, rr *ReplanResult)
}

// eventReplanCases has one row per event type (TestReplanEachEventType fails for a
// type of model.EventTypes with none).
var eventReplanCases = map[string]eventReplanCase{
	model.EventDeliverySlipped: {
		func(fx *eventFixture) model.Event {
			return model.Event{Delivery: "L-windows-1", Expected: "2027-03-09T08:00"}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			require.Equal(t, "2027-03-09T08:00", deliveryOf(rr.Problem, "L-windows-1").Expected)
			waiting := 0
			for _, a := range rr.Plan.Assignments {
				if iv := ivByID(rr.Problem, a.Intervention); slices.Contains(iv.Deliveries, "L-windows-1") && !iv.Fixed() {
					waiting++
					require.False(t, fx.moment(t, a.Start).Before(fx.moment(t, "2027-03-09T08:00")), "%s starts %s, before the slipped delivery", a.Intervention, a.Start)
				}
			}
			require.NotZero(t, waiting, "no appointment waits for the slipped delivery")
		},
	},
	model.EventDeliveryEarly: {
		func(fx *eventFixture) model.Event {
			return model.Event{Delivery: "L-kitchens", Expected: "2027-02-03"}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			require.Equal(t, "2027-02-03", deliveryOf(rr.Problem, "L-kitchens").Expected)
			require.NotEqual(t, "2027-02-03", deliveryOf(fx.p, "L-kitchens").Expected, "the event must change something")
		},
	},
	model.EventAppointmentMissed: {
		func(fx *eventFixture) model.Event { return model.Event{Intervention: fx.past.a.Intervention} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			id := fx.past.a.Intervention
			require.Equal(t, model.ChangeMoved, changeOf(rr, id).Kind)
			require.Equal(t, "ev-1", changeOf(rr, id).Cause)
			require.False(t, fx.moment(t, newSlot(rr, id).Start).Before(fx.now), "the missed appointment must be planned after now")
		},
	},
	model.EventCrewAbsent: {
		func(fx *eventFixture) model.Event {
			return model.Event{Crew: fx.inNotice.a.Crew, From: "2027-02-02", To: fx.stamp(fx.now.Add(10 * 24 * time.Hour))}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			crew := fx.inNotice.a.Crew
			from, to := fx.moment(t, "2027-02-02"), fx.now.Add(10*24*time.Hour)
			for _, a := range rr.Plan.Assignments {
				if a.Crew == crew && !ivByID(rr.Problem, a.Intervention).Fixed() {
					s, e := fx.moment(t, a.Start), fx.moment(t, a.End)
					require.False(t, s.Before(to) && e.After(from), "the absent crew still has %s at %s", a.Intervention, a.Start)
				}
			}
			require.Equal(t, "ev-1", changeOf(rr, fx.inNotice.a.Intervention).Cause)
		},
	},
	model.EventContractorWithdrawn: {
		func(fx *eventFixture) model.Event { return model.Event{Contractor: "Peintures Fournier"} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			gone := map[string]bool{}
			for _, c := range rr.Problem.Crews {
				gone[c.ID] = c.Contractor == "Peintures Fournier"
			}
			had := 0
			for _, a := range fx.plan.Assignments {
				if gone[a.Crew] && fx.moment(t, a.Start).After(fx.now) {
					had++
				}
			}
			require.NotZero(t, had, "the contractor had no work after now: the event changes nothing")
			for _, a := range rr.Plan.Assignments {
				if gone[a.Crew] {
					require.True(t, fx.moment(t, a.Start).Before(fx.now), "withdrawn crew %s still has %s at %s", a.Crew, a.Intervention, a.Start)
				}
			}
		},
	},
	model.EventInterventionOverran: {
		func(fx *eventFixture) model.Event {
			return model.Event{Intervention: fx.ongoing.a.Intervention, End: fx.stamp(fx.ongoing.end.Add(24 * time.Hour))}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			n := newSlot(rr, fx.ongoing.a.Intervention)
			require.True(t, fx.moment(t, n.End).Equal(fx.ongoing.end.Add(24*time.Hour)), "end %s", n.End)
			require.True(t, fx.moment(t, n.Start).Equal(fx.ongoing.start), "start %s", n.Start)
		},
	},
	model.EventInterventionPartlyDone: {
		func(fx *eventFixture) model.Event {
			return model.Event{Intervention: fx.ongoing.a.Intervention, Remaining: "4h"}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			id := fx.ongoing.a.Intervention
			rest := ivByID(rr.Problem, id+"+rest")
			require.NotNil(t, rest)
			require.Equal(t, "4h", rest.Duration)
			require.Equal(t, model.ChangeAdded, changeOf(rr, id+"+rest").Kind)
			require.True(t, fx.moment(t, newSlot(rr, id).End).Equal(fx.ongoing.end), "the part done keeps its planned end")
			require.False(t, fx.moment(t, newSlot(rr, id+"+rest").Start).Before(fx.ongoing.end), "the rest starts before the part done ends")
		},
	},
	model.EventSnagFound: {
		func(fx *eventFixture) model.Event {
			return model.Event{Dwelling: fx.dwelling, Add: &model.Intervention{ID: fx.dwelling + "/snag-1", Trade: "snag", Duration: "2h"}}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			id := fx.dwelling + "/snag-1"
			require.Equal(t, model.ChangeAdded, changeOf(rr, id).Kind)
			start := fx.moment(t, newSlot(rr, id).Start)
			for _, a := range rr.Plan.Assignments {
				if a.Intervention != id && ivByID(rr.Problem, a.Intervention).Dwelling == fx.dwelling {
					require.False(t, start.Before(fx.moment(t, a.End)), "the return visit starts before %s ends", a.Intervention)
				}
			}
		},
	},
	model.EventHouseholdChanged: {
		func(fx *eventFixture) model.Event { return model.Event{Household: &fx.household} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			for _, h := range rr.Problem.Households {
				if h.ID == fx.household.ID {
					require.Equal(t, fx.household.Availability, h.Availability)
					return
				}
			}
			t.Fatalf("household %s is gone", fx.household.ID)
		},
	},
	model.EventInterventionAdded: {
		func(fx *eventFixture) model.Event {
			return model.Event{Add: &model.Intervention{ID: fx.dwelling + "/extra", Dwelling: fx.dwelling, Trade: "painting", Duration: "3h"}}
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			require.Equal(t, model.ChangeAdded, changeOf(rr, fx.dwelling+"/extra").Kind)
			require.NotEmpty(t, newSlot(rr, fx.dwelling+"/extra").Start)
		},
	},
	model.EventInterventionCancelled: {
		func(fx *eventFixture) model.Event { return model.Event{Intervention: fx.future.a.Intervention} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			id := fx.future.a.Intervention
			require.Equal(t, model.ChangeCancelled, changeOf(rr, id).Kind)
			require.Nil(t, ivByID(rr.Problem, id))
			require.Empty(t, newSlot(rr, id).Start)
			for _, iv := range rr.Problem.Interventions {
				require.NotContains(t, iv.After, id, "%s still comes after the cancelled intervention", iv.ID)
			}
		},
	},
	model.EventAppointmentDeclined: {
		func(fx *eventFixture) model.Event { return model.Event{Intervention: declinable(fx).a.Intervention} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			o := declinable(fx)
			c := changeOf(rr, o.a.Intervention)
			require.Equal(t, model.ChangeMoved, c.Kind)
			require.Equal(t, "ev-1", c.Cause)
			n := newSlot(rr, o.a.Intervention)
			require.False(t, fx.moment(t, n.Start).Before(o.end) && fx.moment(t, n.End).After(o.start), "the declined appointment is still at %s-%s", n.Start, n.End)
		},
	},
	model.EventAppointmentRescheduled: {
		func(fx *eventFixture) model.Event {
			ans, err := Slots(fx.p, fx.plan, fx.future.a.Intervention, SlotOptions{Count: 1, Now: fx.now})
			if err != nil || len(ans.Slots) == 0 {
				return model.Event{Intervention: fx.future.a.Intervention}
			}
			return ans.Slots[0].Event
		},
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			id := fx.future.a.Intervention
			ans, err := Slots(fx.p, fx.plan, id, SlotOptions{Count: 1, Now: fx.now})
			require.NoError(t, err)
			require.NotEmpty(t, ans.Slots)
			n := newSlot(rr, id)
			require.True(t, sameInstant(t, n.Start, ans.Slots[0].Start, fx.loc), "%s at %s, the slot was %s", id, n.Start, ans.Slots[0].Start)
			require.Equal(t, ans.Slots[0].Crew, n.Crew)
			iv := ivByID(rr.Problem, id)
			require.Equal(t, model.StatusConfirmed, iv.Status)
			require.True(t, iv.Pinned, "a rescheduled appointment is fixed")
			require.Equal(t, "ev-1", changeOf(rr, id).Cause)
		},
	},
	model.EventDwellingVacant: {
		func(fx *eventFixture) model.Event { return model.Event{Dwelling: fx.dwelling} },
		func(t *testing.T, fx *eventFixture, rr *ReplanResult) {
			for _, d := range rr.Problem.Dwellings {
				if d.ID == fx.dwelling {
					require.True(t, d.Vacant)
					require.Empty(t, d.Household)
					require.False(t, d.Occupied())
					return
				}
			}
			t.Fatalf("dwelling %s is gone", fx.dwelling)
		},
	},
}

// TestReplanEachEventType replans the solved example after one event of each type:
// the verifier finds nothing in the new plan, and the event's effect shows. A type
// of model.EventTypes with no row in eventReplanCases fails.
func TestReplanEachEventType(t *testing.T) {
	var missing, extra []string
	for _, typ := range model.EventTypes {
		if _, ok := eventReplanCases[typ]; !ok {
			missing = append(missing, typ)
		}
	}
	for typ := range eventReplanCases {
		if !slices.Contains(model.EventTypes, typ) {
			extra = append(extra, typ)
		}
	}
	sort.Strings(extra)
	require.Empty(t, missing, "event types with no replan test: add a row to eventReplanCases")
	require.Empty(t, extra, "replan tests for types not in model.EventTypes")
	fx := newEventFixture(t)
	for _, typ := range model.EventTypes {
		tc := eventReplanCases[typ]
		t.Run(typ, func(t *testing.T) {
			ev := tc.event(fx)
			ev.ID, ev.Type = "ev-1", typ
			evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{ev}}
			require.Empty(t, evs.Check())
			rr, err := Replan(context.Background(), fx.p, fx.plan, evs, fx.now, &Settings{WorkLimit: 8, Workers: 2})
			require.NoError(t, err)
			require.Empty(t, Verify(rr.Problem, rr.Plan), "the verifier finds violations in the new plan")
			checkReplan(t, typ, fx.p, fx.plan, rr, fx.now, fx.loc, evs)
			require.Empty(t, rr.Plan.Unplaced)
			tc.effect(t, fx, rr)
		})
	}
}

func deliveryOf(p *model.Problem, id string) model.Delivery {
	for _, d := range p.Deliveries {
		if d.ID == id {
			return d
		}
	}
	return model.Delivery{}
}
