// Package gen generates realistic renovation operations from the facts of the
// domain brief: buildings and stairwells, the default interventions per dwelling
// with their order and drying lags, crews per trade sized for a realistic cadence,
// deliveries, households with RRULE availability and constraint profiles in
// realistic shares. The same options always give the same operation.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// Options of a generated operation. Zero fields take the documented defaults.
type Options struct {
	Dwellings int   // number of dwellings (default 60)
	Seed      int64 // random seed
	// Buildings: default one per 20 dwellings, at least 1.
	Buildings int
	// Start is the first day, "YYYY-MM-DD" (default 2027-01-04, a Monday).
	Start string
	// Pilots: default one per 250 dwellings, at least 1.
	Pilots int
	// ProfileShare is the share of occupied households with a constraint profile
	// (default 0.2).
	ProfileShare float64
	// Deliveries: default 3.
	Deliveries int
}

// Describe states the generator's assumptions.
func Describe() string {
	return `Assumptions of the generator (shared/DOMAIN.md, "Facts from practice"):
  - one building per 20 dwellings, 1 to 3 stairwells each, floors 0 to 4, T1 to T5 flats;
    about 3% vacant dwellings;
  - per dwelling the default interventions: technical visit (1h, pilot and tenant),
    strip-out (0.5d), plumbing (1d), electrics (1d, 2d from 5 rooms, tenant present),
    plasterboard (1d, 1.5d from 4 rooms), tiling (1d, 36h after plasterboard), sanitary
    fittings (1d, 24h after tiling), kitchen (1d), ventilation (0.5d), windows (1d, 2d
    with a loggia, tenant present), painting (1d, 2d from 4 rooms), acceptance visit
    (1h, pilot and tenant); a working day is 8h, site hours 8:00-12:00, 13:00-17:00;
  - crews per trade sized so that each trade's work fits in about 150 working days;
    a few crews keep their own hours (7:30-12:00, 13:00-16:30) and take a week off;
  - one pilot per 250 dwellings, office hours Mon-Fri 9:00-12:00, 13:30-17:30;
  - deliveries: window batches per building and one of kitchen units, 3 to 8 weeks in;
  - households: at home on weekdays (50%), every day (15%), Tuesday/Thursday plus
    afternoons (15%), afternoons only (10%), not before 11:00 (10%); 10% leave their
    keys with the pilot; 10% are away two weeks; 20% prefer mornings;
  - constraint profiles on about 20% of households: elderly, reduced mobility,
    respiratory illness, medical equipment, infant, night worker, carer needed;
  - French public holidays, Europe/Paris; a horizon of 14 months, longer for large
    operations; a notice period of 7 days.`
}

// Example is the bundled example: 3 buildings, 60 dwellings, seed 1.
func Example() *model.Problem {
	p := Generate(Options{Dwellings: 60, Seed: 1, Buildings: 3})
	p.Operation.ID = "op-les-tilleuls"
	p.Operation.Name = "Résidence Les Tilleuls, réhabilitation en site occupé"
	return p
}

type tradeSpec struct {
	model.Trade
	days  float64 // duration in working days (0 for visits)
	large float64 // duration for large flats, 0 for none
}

var trades = []tradeSpec{
	{model.Trade{ID: "visit", Name: "Visite technique et cubage", PilotOnly: true, NeedsPilot: true, Access: model.AccessTenant}, 0, 0},
	{model.Trade{ID: "stripout", Name: "Dépose", Noisy: true, Dusty: true, CutsWater: true}, 0.5, 0},
	{model.Trade{ID: "plumbing", Name: "Plomberie", Noisy: true, Dusty: true, CutsWater: true}, 1, 0},
	{model.Trade{ID: "electrics", Name: "Électricité", Noisy: true, Dusty: true, CutsPower: true, Access: model.AccessTenant}, 1, 2},
	{model.Trade{ID: "plasterboard", Name: "Plâtrerie", Noisy: true, Dusty: true}, 1, 1.5},
	{model.Trade{ID: "tiling", Name: "Carrelage et faïence", Noisy: true, Dusty: true, CutsWater: true}, 1, 0},
	{model.Trade{ID: "sanitary", Name: "Appareils sanitaires", CutsWater: true}, 1, 0},
	{model.Trade{ID: "kitchen", Name: "Cuisine", Noisy: true, CutsWater: true}, 1, 0},
	{model.Trade{ID: "ventilation", Name: "Ventilation", Noisy: true}, 0.5, 0},
	{model.Trade{ID: "windows", Name: "Menuiseries extérieures", Noisy: true, Access: model.AccessTenant}, 1, 2},
	{model.Trade{ID: "painting", Name: "Peinture"}, 1, 2},
	{model.Trade{ID: "acceptance", Name: "Réception et levée des réserves", PilotOnly: true, NeedsPilot: true, Access: model.AccessTenant}, 0, 0},
}

var sequences = []model.Sequence{
	{Before: "visit", After: "stripout"},
	{Before: "stripout", After: "plumbing"},
	{Before: "plumbing", After: "electrics"},
	{Before: "electrics", After: "plasterboard"},
	{Before: "plasterboard", After: "tiling", MinLag: "36h"},
	{Before: "tiling", After: "sanitary", MinLag: "24h"},
	{Before: "sanitary", After: "kitchen"},
	{Before: "kitchen", After: "ventilation"},
	{Before: "ventilation", After: "painting"},
	{Before: "stripout", After: "windows"},
	{Before: "windows", After: "painting"},
	{Before: "painting", After: "acceptance"},
}

const weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

var profiles = []model.Profile{
	{ID: "elderly", MaxInterventionsPerDay: 1, NoWorkBefore: "09:30", MaxDisturbedDaysPerWeek: 3},
	{ID: "reduced-mobility", MaxWaterOutDays: 21},
	{ID: "respiratory", NoisyDusty: "hours", NoisyHours: []model.Recurrence{{RRule: weekdays, Start: "09:00", Duration: "3h"}}},
	{ID: "medical-equipment", PowerCutWithPilot: true},
	{ID: "infant", NoisyDusty: "hours", NoisyHours: []model.Recurrence{
		{RRule: weekdays, Start: "09:00", Duration: "3h"}, {RRule: weekdays, Start: "15:00", Duration: "2h"}}},
	{ID: "night-worker", NoWorkBefore: "12:00"},
	{ID: "carer", NeedsCarer: true},
}

var contractors = map[string][]string{
	"stripout": {"Démolition Leroy"}, "plumbing": {"Plomberie Martin", "Sanitherm"},
	"electrics": {"Elec Durand", "Lumière et Réseaux"}, "plasterboard": {"Plâtrerie Girard"},
	"tiling": {"Carrelages Moreau"}, "sanitary": {"Plomberie Martin"}, "kitchen": {"Cuisines Bernard"},
	"ventilation": {"Aéraulique Petit"}, "windows": {"Menuiseries Roux"}, "painting": {"Peintures Fournier", "Déco Lambert"},
}

// Generate makes an operation. Every operation it makes is valid; its shares and
// sizes are chosen so that it is solvable.
func Generate(o Options) *model.Problem {
	if o.Dwellings <= 0 {
		o.Dwellings = 60
	}
	if o.Buildings <= 0 {
		o.Buildings = max(1, int(math.Round(float64(o.Dwellings)/20)))
	}
	if o.Start == "" {
		o.Start = "2027-01-04"
	}
	if o.Pilots <= 0 {
		o.Pilots = max(1, int(math.Round(float64(o.Dwellings)/250)))
	}
	if o.ProfileShare <= 0 {
		o.ProfileShare = 0.2
	}
	if o.Deliveries <= 0 {
		o.Deliveries = 3
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x7265686162))
	chance := func(p float64) bool { return rng.Float64() < p }
	start, err := time.Parse("2006-01-02", o.Start)
	if err != nil {
		start = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	}
	months := 14 + o.Dwellings/400
	end := start.AddDate(0, months, 0)
	date := func(t time.Time) string { return t.Format("2006-01-02") }

	p := &model.Problem{Format: model.Format, Operation: model.Operation{
		ID: fmt.Sprintf("op-gen-%d-%d", o.Dwellings, o.Seed), Name: fmt.Sprintf("Opération générée (%d logements)", o.Dwellings),
		TimeZone: "Europe/Paris", Start: date(start), End: date(end),
	}}
	for _, t := range trades {
		p.Trades = append(p.Trades, t.Trade)
	}
	p.Sequences = append(p.Sequences, sequences...)
	p.Profiles = append(p.Profiles, profiles...)

	// buildings, stairwells, dwellings
	per := splitEvenly(o.Dwellings, o.Buildings)
	type place struct{ b, s string }
	var places []place
	for bi := 0; bi < o.Buildings; bi++ {
		b := model.Building{ID: fmt.Sprintf("B%d", bi+1)}
		ns := min(3, max(1, (per[bi]+11)/12))
		for si, n := range splitEvenly(per[bi], ns) {
			s := model.Stairwell{ID: fmt.Sprintf("%s-%c", b.ID, 'A'+si)}
			b.Stairwells = append(b.Stairwells, s)
			for k := 0; k < n; k++ {
				places = append(places, place{b.ID, s.ID})
			}
		}
		p.Buildings = append(p.Buildings, b)
	}
	counter := map[string]int{}
	hh := 0
	for _, pl := range places {
		counter[pl.s]++
		n := counter[pl.s]
		d := model.Dwelling{ID: fmt.Sprintf("%s-%02d", pl.s, n), Building: pl.b, Stairwell: pl.s,
			Floor: (n - 1) / 3 % 5, Rooms: 1 + rng.IntN(5)}
		if chance(0.03) {
			d.Vacant = true
		} else {
			hh++
			h := household(fmt.Sprintf("H%03d", hh), rng, start)
			if chance(o.ProfileShare) {
				pr := profiles[rng.IntN(len(profiles))]
				h.Profiles = []string{pr.ID}
				if pr.NoisyDusty == "hours" || pr.MaxWaterOutDays > 0 {
					// noisy work only in the morning, or the bathroom works packed
					// into a few weeks: someone must be home on weekdays
					h.Availability = []model.Recurrence{{RRule: weekdays, Start: "08:00", Duration: "9h30m"}}
				}
				if pr.ID == "night-worker" {
					h.Availability = []model.Recurrence{{RRule: weekdays, Start: "12:00", Duration: "6h"}}
				}
				if pr.NeedsCarer {
					h.CarerAvailability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "09:00", Duration: "8h"}}
				}
			}
			d.Household = h.ID
			p.Households = append(p.Households, h)
		}
		p.Dwellings = append(p.Dwellings, d)
	}

	// deliveries: window batches per building, then kitchen units
	windowsDelivery := map[string][]string{}
	kitchenDelivery := ""
	for k := 0; k < o.Deliveries; k++ {
		at := start.AddDate(0, 0, 21+7*rng.IntN(6)).Add(8 * time.Hour)
		dl := model.Delivery{Expected: at.Format("2006-01-02T15:04")}
		if k == o.Deliveries-1 {
			dl.ID, dl.Materials = "L-kitchens", "meubles de cuisine"
			kitchenDelivery = dl.ID
		} else {
			b := p.Buildings[k%len(p.Buildings)].ID
			dl.ID, dl.Materials = "L-windows-"+b, "fenêtres du bâtiment "+b
			if n := len(windowsDelivery[b]); n > 0 {
				dl.ID = fmt.Sprintf("%s-%d", dl.ID, n+1) // a further batch for the same building
			}
			windowsDelivery[b] = append(windowsDelivery[b], dl.ID)
		}
		p.Deliveries = append(p.Deliveries, dl)
	}

	// crews, sized for about 150 working days of work per trade
	work := map[string]float64{}
	for _, d := range p.Dwellings {
		for _, t := range trades {
			work[t.ID] += durationDays(t, d.Rooms)
		}
	}
	for _, t := range trades {
		if t.PilotOnly {
			continue
		}
		n := max(1, int(math.Ceil(work[t.ID]/150)))
		names := contractors[t.ID]
		for k := 0; k < n; k++ {
			c := model.Crew{ID: fmt.Sprintf("%s-%d", t.ID, k+1), Contractor: names[k%len(names)], Trades: []string{t.ID}, Size: 2}
			if chance(0.25) {
				c.Calendar = []model.Recurrence{{RRule: weekdays, Start: "07:30", Duration: "4h30m"}, {RRule: weekdays, Start: "13:00", Duration: "3h30m"}}
			}
			if chance(0.3) {
				off := start.AddDate(0, 1+rng.IntN(months-2), 0)
				off = off.AddDate(0, 0, (8-int(off.Weekday()))%7) // a Monday
				c.Unavailable = []model.Period{{From: date(off), To: date(off.AddDate(0, 0, 4)), Reason: "congés"}}
			}
			p.Crews = append(p.Crews, c)
		}
	}
	for k := 0; k < o.Pilots; k++ {
		p.Pilots = append(p.Pilots, model.Pilot{ID: fmt.Sprintf("pilot-%d", k+1)})
	}

	// interventions
	for di, d := range p.Dwellings {
		loggia := chance(0.2)
		for _, t := range trades {
			iv := model.Intervention{ID: d.ID + "/" + t.ID, Dwelling: d.ID, Trade: t.ID}
			days := durationDays(t, d.Rooms)
			if t.ID == "windows" && loggia {
				days = 2
			}
			if t.PilotOnly {
				iv.Duration = "1h"
			} else {
				iv.Duration = fmt.Sprintf("%gd", days)
			}
			switch t.ID {
			case "windows":
				if dls := windowsDelivery[d.Building]; len(dls) > 0 {
					iv.Deliveries = []string{dls[di%len(dls)]}
				}
			case "kitchen":
				if kitchenDelivery != "" {
					iv.Deliveries = []string{kitchenDelivery}
				}
			}
			p.Interventions = append(p.Interventions, iv)
		}
	}
	return p
}

func durationDays(t tradeSpec, rooms int) float64 {
	switch {
	case t.PilotOnly:
		return 1.0 / 8
	case t.large > 0 && (t.ID == "electrics" && rooms >= 5 || t.ID != "electrics" && t.ID != "windows" && rooms >= 4):
		return t.large
	}
	return t.days
}

// household draws an availability pattern, keys, absences and preferences.
func household(id string, rng *rand.Rand, start time.Time) model.Household {
	h := model.Household{ID: id}
	switch x := rng.Float64(); {
	case x < 0.5:
		h.Availability = []model.Recurrence{{RRule: weekdays, Start: "08:00", Duration: "9h30m"}}
	case x < 0.65:
		h.Availability = []model.Recurrence{{RRule: "FREQ=DAILY", Start: "08:00", Duration: "10h"}}
	case x < 0.8:
		h.Availability = []model.Recurrence{
			{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "08:00", Duration: "9h30m"},
			{RRule: "FREQ=WEEKLY;BYDAY=MO,WE,FR", Start: "13:00", Duration: "5h"}}
	case x < 0.9:
		h.Availability = []model.Recurrence{{RRule: weekdays, Start: "12:00", Duration: "6h"}}
	default:
		h.Availability = []model.Recurrence{{RRule: weekdays, Start: "11:00", Duration: "7h"}}
	}
	h.KeysWithPilot = rng.Float64() < 0.1
	if rng.Float64() < 0.1 {
		away := start.AddDate(0, 2+rng.IntN(8), 0)
		h.Absences = []model.Period{{From: away.Format("2006-01-02"), To: away.AddDate(0, 0, 13).Format("2006-01-02"), Reason: "absent"}}
	}
	if rng.Float64() < 0.2 {
		h.Preferred = []model.Recurrence{{RRule: weekdays, Start: "08:00", Duration: "4h"}}
	}
	return h
}

func splitEvenly(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}
