// Package gen generates realistic renovation operations from facts gathered from
// public accounts of French occupied-site rehabilitations (Describe lists them):
// buildings, stairwells and
// dwellings, the default interventions of every dwelling with their order and drying
// lags, crews per trade sized for a realistic cadence, the social pilots, deliveries,
// households with RRULE availability, absences, preferences and constraint profiles,
// and relocation stays for a few households.
//
// Generation is deterministic: the same Options give the same problem, byte for
// byte once marshalled (math/rand/v2 PCG seeded from Options.Seed; no map order
// reaches the output). Every generated operation is valid (model.Validate) and is
// meant to be solvable: each household's windows are long enough for the
// interventions that need someone at home, profiles are combined only where they
// stay compatible, and the horizon leaves room.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// Options of a generated operation. Zero fields take the documented defaults.
type Options struct {
	// Dwellings is the number of dwellings (0: 60).
	Dwellings int
	// Seed seeds every random choice.
	Seed int64
	// Buildings: 0 means about one building per 20 dwellings, at least 1.
	Buildings int
	// Start is the operation's first day, "YYYY-MM-DD" (default "2027-01-04", a
	// Monday); a date that cannot be read falls back to the default.
	Start string
	// Pilots: 0 means one per 250 dwellings (rounded up), at least 1.
	Pilots int
	// ProfileShare is the share of occupied households with a constraint profile:
	// 0 means 0.2, a negative value none.
	ProfileShare float64
	// Deliveries: 0 means 3 (window batches, the last one kitchen units).
	Deliveries int
	// Visits adds the pilot's diagnostic meeting and satisfaction survey to every
	// occupied dwelling (practices.go).
	Visits bool
	// Heating makes the plumbers' day cut heating (radiators replaced).
	Heating bool
	// Snags keeps a return visit and the pilot's check for the first Snags
	// occupied dwellings' acceptance visits.
	Snags int
}

// DefaultStart is the default first day of a generated operation (a Monday).
const DefaultStart = "2027-01-04"

func (o Options) withDefaults() Options {
	if o.Dwellings <= 0 {
		o.Dwellings = 60
	}
	if o.Buildings <= 0 {
		o.Buildings = max(1, int(math.Round(float64(o.Dwellings)/20)))
	}
	o.Buildings = min(o.Buildings, o.Dwellings)
	if _, err := time.Parse(dateLayout, o.Start); err != nil {
		o.Start = DefaultStart
	}
	if o.Pilots <= 0 {
		o.Pilots = max(1, (o.Dwellings+249)/250)
	}
	switch {
	case o.ProfileShare == 0:
		o.ProfileShare = 0.2
	case o.ProfileShare < 0:
		o.ProfileShare = 0
	case o.ProfileShare > 1:
		o.ProfileShare = 1
	}
	if o.Deliveries <= 0 {
		o.Deliveries = 3
	}
	return o
}

// Describe states the generator's assumptions, for `rehabplan gen --help`.
func Describe() string {
	return `Assumptions of the generator (from public accounts of French occupied-site works):
  - one building per 20 dwellings; 1-4 stairwells of 4-5 floors, 2-4 flats a floor;
    T1-T5 (T3 35%); 2-5% vacant; ids B1, B1-A, B1-A-03, households H001;
  - per dwelling: visit 1h (pilot, tenant), strip-out 0.5d, plumbing 1d, electrics 1d
    (2d from 5 rooms, tenant), plasterboard 1-2d, 36h, tiling 1-1.5d, 24h, sanitary
    1d, kitchen 1d, ventilation 0.5d, painting 1-2d, acceptance 1h (pilot, tenant);
    windows 1d (2d with a loggia, tenant, 2 workers) after strip-out, before painting;
  - 8h days, site hours Mon-Fri 8-12, 13-17, French holidays, Europe/Paris, 7 days'
    notice; works period 110 + N/4 working days (at most 600), horizon 1.6 times it;
  - crews per trade so that, at about 2 flats every 3 days for a 1-day trade, the
    work fits in the works period; some contractors keep their own hours (7:30-12,
    13-16:30; painters off Friday afternoons); a third of the crews take a week off;
  - one pilot per 250 dwellings, office hours Mon-Fri 9-12, 13:30-17:30, a week off;
    window batches for groups of stairwells from week 4, 3 weeks apart; kitchen
    units in week 5-6 (the last delivery);
  - households at home Mon-Fri 8-17 (55%), every day 8-18 (12%), Tue/Thu afternoons
    and Wednesdays (12%), from 11:00 (10%), mornings (11%); 10% leave keys with the
    pilot, 10% away two weeks (1-15 or 16-30 August if in the horizon), 20% prefer a
    half-day;
  - profiles on 20% of occupied households (a tenth with a second, compatible one):
    elderly (1 intervention a day, none before 9:30, 3 days a week), infant (noisy
    9-12, 15-17), reduced mobility (water out at most 21 days), respiratory (noisy
    9-12, or only while relocated), night worker (none before 12:00), medical
    equipment (power cuts with the pilot), carer (Mon, Wed, Fri); availability made
    to fit each profile;
  - one relocation unit per 150 dwellings: respiratory households stay 8 weeks when
    the crews should reach them, moving out and back, keys with the pilot;
  - half the households of reduced mobility alone get home care instead (water
    and bathroom out at most 3 days): the planner rehouses them
    (operation.rehousing, 2 cleaning days), in units of their own, one per 150
    dwellings;
  - furniture of about 16 m³ for a T1, 30 for a T3, 44 for a T5 (the pilot's
    cubage): it sizes every move (a removal crew of 4 movers);
  - with --visits: the pilot's diagnostic meeting (1h) before any works and a
    satisfaction survey (30 min) 6 weeks after acceptance, per occupied dwelling;
    with --heating: plumbing also replaces the radiators and cuts heating (72 hours
    at most from 15 October to 15 April: a carer's Monday and Wednesday); with --snags N: the first N occupied
    dwellings keep a painters' return visit (2h) within 30 days of acceptance and
    the pilot's check (30 min). The bundled example has all three (2 snags).`
}

// Example is the bundled example: 3 buildings, 60 dwellings, seed 1, with the
// pilot's contact, the pilot's diagnostic meetings and satisfaction surveys, the
// plumbers' heating cuts, return visits kept for the snags of two dwellings, and
// a realistic state (example_state.go): its first three weeks of appointments
// announced, a few of them confirmed.
func Example() *model.Problem {
	p := exampleBase()
	applyState(p, exampleState())
	return p
}

// exampleBase is the example before any appointment was announced.
func exampleBase() *model.Problem {
	p := Generate(Options{Dwellings: 60, Seed: 1, Buildings: 3, Pilots: 2, Visits: true, Heating: true, Snags: 2}) // two pilots: each household has its own
	p.Operation.ID = "op-les-tilleuls"
	p.Operation.Name = "Résidence Les Tilleuls, réhabilitation en site occupé"
	p.Operation.Contact = &model.Contact{Name: "Mme Claire Morel, pilote sociale", Phone: "01 84 60 00 01",
		Email: "pilote.tilleuls@example.org", Hours: "du lundi au vendredi de 9 h à 12 h et de 13 h 30 à 17 h 30",
		Address: "local de chantier, rez-de-chaussée du bâtiment B1"}
	return p
}

const dateLayout = "2006-01-02"

// Trade ids.
const (
	tVisit        = "visit"
	tStripOut     = "strip-out"
	tPlumbing     = "plumbing"
	tElectrics    = "electrics"
	tPlasterboard = "plasterboard"
	tTiling       = "tiling"
	tSanitary     = "sanitary"
	tKitchen      = "kitchen"
	tVentilation  = "ventilation"
	tWindows      = "windows"
	tPainting     = "painting"
	tAcceptance   = "acceptance"
	tRemoval      = "removal"
)

type tradeSpec struct {
	model.Trade
	contractors []string
}

// trades of an occupied-site renovation, in the order of the works; snag clearance is left
// out (return visits come as events).
var trades = []tradeSpec{
	{model.Trade{ID: tVisit, Name: "Visite technique et cubage", Access: model.AccessTenant, NeedsPilot: true, PilotOnly: true}, nil},
	{model.Trade{ID: tStripOut, Name: "Dépose et curage", Noisy: true, Dusty: true, CutsWater: true}, []string{"Démolition Leroy", "Curage Services"}},
	{model.Trade{ID: tPlumbing, Name: "Plomberie", Noisy: true, Dusty: true, CutsWater: true}, []string{"Plomberie Martin", "Sanitherm"}},
	{model.Trade{ID: tElectrics, Name: "Électricité", Noisy: true, Dusty: true, CutsPower: true, Access: model.AccessTenant}, []string{"Elec Durand", "Lumière et Réseaux"}},
	{model.Trade{ID: tPlasterboard, Name: "Plâtrerie", Noisy: true, Dusty: true}, []string{"Plâtrerie Girard", "Cloisons Mercier"}},
	{model.Trade{ID: tTiling, Name: "Carrelage et faïence", Noisy: true, Dusty: true, CutsWater: true}, []string{"Carrelages Moreau", "Faïences du Centre"}},
	{model.Trade{ID: tSanitary, Name: "Appareils sanitaires", CutsWater: true}, []string{"Plomberie Martin", "Sanitherm"}},
	{model.Trade{ID: tKitchen, Name: "Cuisine", Noisy: true, CutsWater: true}, []string{"Cuisines Bernard", "Agencement Dubois"}},
	{model.Trade{ID: tVentilation, Name: "Ventilation", Noisy: true}, []string{"Aéraulique Petit"}},
	{model.Trade{ID: tWindows, Name: "Menuiseries extérieures", Noisy: true, Access: model.AccessTenant}, []string{"Menuiseries Roux", "Alu Fenêtres Garnier"}},
	{model.Trade{ID: tPainting, Name: "Peinture", Access: model.AccessKeys}, []string{"Peintures Fournier", "Déco Lambert"}},
	{model.Trade{ID: tAcceptance, Name: "Réception des travaux", Access: model.AccessTenant, NeedsPilot: true, PilotOnly: true}, nil},
}

// removal is added when some households move to a relocation unit. Nobody needs
// to be at home: the household has packed and hands its keys to the movers.
var removal = tradeSpec{model.Trade{ID: tRemoval, Name: "Déménagement", Access: model.AccessNone}, []string{"Déménagements Lefebvre"}}

// sequences inside each dwelling: a DAG (the usual order of the trades and their drying lags).
var sequences = []model.Sequence{
	{Before: tVisit, After: tStripOut},
	{Before: tStripOut, After: tPlumbing},
	{Before: tPlumbing, After: tElectrics},
	{Before: tElectrics, After: tPlasterboard},
	{Before: tPlasterboard, After: tTiling, MinLag: "36h"},
	{Before: tTiling, After: tSanitary, MinLag: "24h"},
	{Before: tSanitary, After: tKitchen},
	{Before: tKitchen, After: tVentilation},
	{Before: tVentilation, After: tPainting},
	{Before: tStripOut, After: tWindows},
	{Before: tWindows, After: tPainting},
	{Before: tPainting, After: tAcceptance},
}

const workweek = "MO,TU,WE,TH,FR"

func weekly(days, start, dur string) model.Recurrence {
	return model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=" + days, Start: start, Duration: dur}
}

// Profile ids.
const (
	pElderly      = "elderly"
	pMobility     = "reduced-mobility"
	pRespiratory  = "respiratory"
	pRespRelocate = "respiratory-relocated"
	pMedical      = "medical-equipment"
	pInfant       = "infant"
	pNight        = "night-worker"
	pCarer        = "carer"
	pHomeCare     = "home-care"
)

// maxWaterOutDays of the reduced-mobility profile. The rule spans every intervention
// that cuts water, and the usual trades have strip-out, plumbing, tiling, sanitary
// fittings and the kitchen cut it, with electrics, plasterboard and two drying lags
// (36h, 24h) between them: about 9 calendar days at the very least for a large flat
// packed perfectly, so 3 days could never hold. Three weeks (the length of works past
// which a rent reduction is owed) binds for the dwellings the crews reach late and
// leaves the search room; two weeks left some generated operations unsolved by the
// construction heuristics.
const maxWaterOutDays = 21

var profiles = []model.Profile{
	{ID: pElderly, MaxInterventionsPerDay: 1, NoWorkBefore: "09:30", MaxDisturbedDaysPerWeek: 3},
	{ID: pMobility, MaxWaterOutDays: maxWaterOutDays},
	{ID: pRespiratory, NoisyDusty: "hours", NoisyHours: []model.Recurrence{weekly(workweek, "09:00", "3h")}},
	{ID: pRespRelocate, NoisyDusty: "relocated"},
	{ID: pMedical, PowerCutWithPilot: true},
	{ID: pInfant, NoisyDusty: "hours", NoisyHours: []model.Recurrence{weekly(workweek, "09:00", "3h"), weekly(workweek, "15:00", "2h")}},
	{ID: pNight, NoWorkBefore: "12:00"},
	{ID: pCarer, NeedsCarer: true},
	// care at home that needs water and a bathroom: the works would cut them too
	// long, so the planner rehouses the household (rehousing)
	{ID: pHomeCare, MaxWaterOutDays: homeCareDays, MaxBathroomOutDays: homeCareDays},
}

// profileCycle hands out first profiles in these proportions (elderly 25%, infant
// 15%, reduced mobility 15%, respiratory 15%, night worker 10%, medical equipment
// 10%, carer 10%), every kind once in the first seven.
var profileCycle = []string{
	pElderly, pInfant, pMobility, pRespiratory, pNight, pMedical, pCarer,
	pElderly, pInfant, pRespiratory, pMobility, pElderly, pNight, pElderly,
	pInfant, pMedical, pRespiratory, pElderly, pMobility, pCarer,
}

// secondProfile lists the profiles that may be added to a first one without making
// the household's works impossible (never a water limit with the elderly's three
// days a week, for one).
var secondProfile = map[string][]string{
	pElderly:     {pMedical, pCarer},
	pMobility:    {pMedical},
	pRespiratory: {pMedical},
	pMedical:     {pElderly},
	pCarer:       {pElderly},
}

// Availability patterns of the households.
var (
	availWeekdays  = []model.Recurrence{weekly(workweek, "08:00", "9h")}
	availEveryDay  = []model.Recurrence{{RRule: "FREQ=DAILY", Start: "08:00", Duration: "10h"}}
	availTuThWe    = []model.Recurrence{weekly("TU,TH", "13:00", "5h"), weekly("WE", "08:00", "9h")}
	availLate      = []model.Recurrence{weekly(workweek, "11:00", "7h")}
	availMornings  = []model.Recurrence{weekly(workweek, "08:00", "4h30m")}
	availAfternoon = []model.Recurrence{weekly(workweek, "12:00", "6h")}
	carerDays      = []model.Recurrence{weekly("MO,WE,FR", "08:30", "8h30m")}
)

// contractorCalendar: some contractors keep their own hours.
func contractorCalendar(name string) []model.Recurrence {
	switch name {
	case "Plomberie Martin", "Menuiseries Roux":
		return []model.Recurrence{weekly(workweek, "07:30", "4h30m"), weekly(workweek, "13:00", "3h30m")}
	case "Peintures Fournier":
		return []model.Recurrence{weekly(workweek, "08:00", "4h"), weekly("MO,TU,WE,TH", "13:00", "4h")}
	}
	return nil
}

type dwellingFacts struct {
	loggia bool
	window string // delivery of its windows
}

type generator struct {
	o          Options
	rng        *rand.Rand
	start, end time.Time
	worksDays  int // target works period, working days
	p          *model.Problem
	facts      []dwellingFacts
	kitchenDL  string
	stays      map[string]bool // households with a relocation stay
	removals   bool
}

// Generate makes an operation from o (defaults filled in).
func Generate(o Options) *model.Problem {
	o = o.withDefaults()
	g := &generator{o: o, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x72656861626770)), stays: map[string]bool{}}
	g.start, _ = time.Parse(dateLayout, o.Start)
	g.worksDays = min(110+o.Dwellings/4, 600)
	horizon := max(183, int(math.Ceil(float64(g.worksDays)*7/5*1.6)))
	g.end = g.start.AddDate(0, 0, horizon)
	notice := 7
	g.p = &model.Problem{
		Format: model.Format,
		Operation: model.Operation{
			ID:         fmt.Sprintf("op-gen-%d-%d", o.Dwellings, o.Seed),
			Name:       fmt.Sprintf("Opération générée, %d logements", o.Dwellings),
			TimeZone:   "Europe/Paris",
			Start:      date(g.start),
			End:        date(g.end),
			Holidays:   "FR",
			WorkingDay: "8h",
			SiteHours:  append([]model.Recurrence(nil), model.DefaultSiteHours...),
			NoticeDays: &notice,
		},
		Sequences: append([]model.Sequence(nil), sequences...),
	}
	for _, pr := range profiles { // a deep copy: callers may edit the problem
		pr.NoisyHours = clone(pr.NoisyHours)
		g.p.Profiles = append(g.p.Profiles, pr)
	}
	for _, t := range trades {
		g.p.Trades = append(g.p.Trades, t.Trade)
	}
	g.places()
	g.households()
	g.deliveries()
	g.relocations()
	g.rehousing()
	g.furniture()
	g.crews()
	g.pilots()
	g.interventions()
	g.practices()
	return g.p
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// places lays out buildings, stairwells and dwellings.
func (g *generator) places() {
	p := g.p
	for bi, m := range splitEvenly(g.o.Dwellings, g.o.Buildings) {
		b := model.Building{ID: fmt.Sprintf("B%d", bi+1)}
		if bi < len(buildingNames) {
			b.Name = buildingNames[bi]
		}
		floors, perFloor := 4+g.rng.IntN(2), 2+g.rng.IntN(3)
		stairs := (m + floors*perFloor - 1) / (floors * perFloor)
		if stairs > 4 { // a large building: the tallest layout, as many stairwells as needed
			floors, perFloor = 5, 4
			stairs = (m + 19) / 20
		}
		for si, n := range splitEvenly(m, stairs) {
			s := model.Stairwell{ID: fmt.Sprintf("%s-%s", b.ID, stairLetter(si))}
			b.Stairwells = append(b.Stairwells, s)
			// spread the stairwell's flats evenly over the floors they need
			k := 0
			for floor, m := range splitEvenly(n, min(floors, (n+perFloor-1)/perFloor)) {
				for j := 0; j < m; j++ {
					k++
					p.Dwellings = append(p.Dwellings, model.Dwelling{
						ID: fmt.Sprintf("%s-%02d", s.ID, k), Building: b.ID, Stairwell: s.ID,
						Floor: floor, Rooms: g.rooms(),
					})
				}
			}
		}
		p.Buildings = append(p.Buildings, b)
	}
	g.facts = make([]dwellingFacts, len(p.Dwellings))
	for i := range p.Dwellings {
		g.facts[i].loggia = g.chance(0.1 + 0.08*float64(p.Dwellings[i].Rooms))
	}
}

var buildingNames = []string{"Les Acacias", "Les Bleuets", "Les Charmes", "Les Érables", "Les Frênes",
	"Les Glycines", "Les Hêtres", "Les Iris", "Les Jonquilles", "Les Lilas", "Les Marronniers", "Les Noisetiers"}

// stairLetter names stairwell i: A..Z, then AA, AB...
func stairLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return stairLetter(i/26-1) + string(rune('A'+i%26))
}

// rooms draws a flat size: T1 8%, T2 22%, T3 35%, T4 25%, T5 10%.
func (g *generator) rooms() int {
	x := g.rng.Float64()
	for i, c := range []float64{0.08, 0.30, 0.65, 0.90} {
		if x < c {
			return i + 1
		}
	}
	return 5
}

// households: vacant dwellings, availability, keys, absences, preferences, profiles.
func (g *generator) households() {
	p := g.p
	n := len(p.Dwellings)
	rate := 0.02 + 0.03*g.rng.Float64()
	vacant := int(math.Round(rate * float64(n)))
	if n >= 20 {
		vacant = max(1, vacant)
	}
	isVacant := make([]bool, n)
	for _, i := range g.rng.Perm(n)[:vacant] {
		isVacant[i] = true
	}
	var occupied []int
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		if isVacant[i] {
			d.Vacant = true
			continue
		}
		occupied = append(occupied, i)
		h := g.household(fmt.Sprintf("H%03d", len(occupied)))
		d.Household = h.ID
		p.Households = append(p.Households, h)
	}
	// profiles on a share of the occupied households, chosen at random
	k := int(math.Round(g.o.ProfileShare * float64(len(occupied))))
	for j, hi := range g.rng.Perm(len(occupied))[:k] {
		h := &p.Households[hi]
		first := profileCycle[j%len(profileCycle)]
		h.Profiles = []string{first}
		if more := secondProfile[first]; len(more) > 0 && g.chance(0.1) {
			h.Profiles = append(h.Profiles, more[g.rng.IntN(len(more))])
		}
		g.fitAvailability(h)
	}
}

// household draws one household's availability, keys, absences and preferences.
func (g *generator) household(id string) model.Household {
	h := model.Household{ID: id}
	switch x := g.rng.Float64(); {
	case x < 0.55:
		h.Availability = clone(availWeekdays)
	case x < 0.67:
		h.Availability = clone(availEveryDay)
	case x < 0.79:
		h.Availability = clone(availTuThWe)
	case x < 0.89:
		h.Availability = clone(availLate)
	default:
		h.Availability = clone(availMornings)
	}
	h.KeysWithPilot = g.chance(0.1)
	if g.chance(0.1) {
		from, to := g.twoWeeksAway()
		h.Absences = []model.Period{{From: date(from), To: date(to), Reason: "absent"}}
	}
	if g.chance(0.05) {
		day := weekday(g.start.AddDate(0, 0, 14+g.rng.IntN(84)))
		for i := range h.Availability {
			h.Availability[i].ExDates = []string{date(day)}
		}
	}
	if g.chance(0.2) {
		r := h.Availability[0]
		start, _ := model.ParseClock(r.Start)
		dur, _ := model.ParseDuration(r.Duration, 0)
		half := min(dur, 240)
		if g.chance(0.5) && dur > 240 { // afternoons rather than mornings
			start += dur - half
		}
		h.Preferred = []model.Recurrence{{RRule: r.RRule, Start: clock(start), Duration: durText(half)}}
	}
	return h
}

// fitAvailability makes the household's availability fit its profiles: the
// patterns that leave the works possible (and realistic: the elderly and the carer's
// client are at home every day, the night worker from noon).
func (g *generator) fitAvailability(h *model.Household) {
	set := func(rs []model.Recurrence) {
		h.Availability = clone(rs)
		h.Preferred = nil
	}
	for _, pid := range h.Profiles {
		switch pid {
		case pElderly, pCarer, pMobility:
			set(availEveryDay)
		case pNight:
			set(availAfternoon)
		case pRespiratory, pInfant, pMedical:
			if h.Availability[0].RRule != availEveryDay[0].RRule {
				set(availWeekdays)
			}
		}
		if pid == pCarer {
			h.CarerAvailability = clone(carerDays)
		}
	}
}

// twoWeeksAway: 1-15 August when the horizon has it after the first weeks, else two
// weeks at random.
func (g *generator) twoWeeksAway() (time.Time, time.Time) {
	for y := g.start.Year(); y <= g.end.Year(); y++ {
		aug := time.Date(y, 8, 1, 0, 0, 0, 0, time.UTC)
		if aug.After(g.start.AddDate(0, 0, 28)) && aug.AddDate(0, 0, 14).Before(g.end) {
			if g.chance(0.5) {
				aug = aug.AddDate(0, 0, 15)
			}
			return aug, aug.AddDate(0, 0, 14)
		}
	}
	days := int(g.end.Sub(g.start).Hours() / 24)
	from := g.start.AddDate(0, 0, 28+g.rng.IntN(max(1, days-70)))
	return from, from.AddDate(0, 0, 13)
}

// deliveries: window batches over groups of stairwells, then kitchen units.
func (g *generator) deliveries() {
	p := g.p
	batches := g.o.Deliveries
	if batches >= 2 {
		batches-- // the last delivery is kitchen units
	}
	n := len(p.Dwellings)
	for k := 0; k < batches; k++ {
		at := weekday(g.start.AddDate(0, 0, 28+21*k+g.rng.IntN(5)))
		lo, hi := k*n/batches, (k+1)*n/batches
		var where []string
		for i := lo; i < hi; i++ {
			g.facts[i].window = fmt.Sprintf("L-windows-%d", k+1)
			if s := p.Dwellings[i].Stairwell; len(where) == 0 || where[len(where)-1] != s {
				where = append(where, s)
			}
		}
		what := "fenêtres et portes-fenêtres, cages " + strings.Join(where, ", ")
		switch {
		case len(where) == 0: // more batches than dwellings
			what = "fenêtres et portes-fenêtres, complément"
		case len(where) > 6:
			what = fmt.Sprintf("fenêtres et portes-fenêtres, cages %s à %s", where[0], where[len(where)-1])
		}
		p.Deliveries = append(p.Deliveries, model.Delivery{ID: fmt.Sprintf("L-windows-%d", k+1), Materials: what, Expected: date(at) + "T08:00"})
	}
	if g.o.Deliveries >= 2 {
		at := weekday(g.start.AddDate(0, 0, 35+g.rng.IntN(5)))
		g.kitchenDL = "L-kitchens"
		p.Deliveries = append(p.Deliveries, model.Delivery{ID: g.kitchenDL, Materials: "meubles et éviers de cuisine", Expected: date(at) + "T08:00"})
	}
}

// relocations: one unit per 150 dwellings. Respiratory households, in the order of
// the dwellings, take an 8-week stay in the first free unit, starting when the crews
// should be done with the dwellings before theirs (so that their noisy works can run
// back to back while they are away); the others keep noisy work to the morning.
func (g *generator) relocations() {
	p := g.p
	units := (len(p.Dwellings) + 149) / 150
	free := make([]time.Time, units) // each unit's first free day
	for u := range free {
		free[u] = g.start
	}
	hh := map[string]*model.Household{}
	for i := range p.Households {
		hh[p.Households[i].ID] = &p.Households[i]
	}
	reach := g.progress()
	for i, d := range p.Dwellings {
		h := hh[d.Household]
		if h == nil || !has(h.Profiles, pRespiratory) {
			continue
		}
		u := 0
		for k := range free {
			if free[k].Before(free[u]) {
				u = k
			}
		}
		want := addWorkingDays(g.start, int(math.Ceil(reach[i]*1.3))+5)
		from := monday(maxTime(want, free[u]))
		to := from.AddDate(0, 0, 8*7-3) // a Friday, eight weeks on
		if to.After(g.end.AddDate(0, 0, -28)) {
			continue
		}
		free[u] = to.AddDate(0, 0, 10)
		for k := len(p.RelocationUnits); k <= u; k++ {
			b := p.Buildings[k%len(p.Buildings)].ID
			p.RelocationUnits = append(p.RelocationUnits, model.RelocationUnit{ID: fmt.Sprintf("RU%d", k+1), Building: b})
		}
		for k, pid := range h.Profiles {
			if pid == pRespiratory {
				h.Profiles[k] = pRespRelocate
			}
		}
		h.KeysWithPilot = true // the keys stay with the pilot during the stay
		p.Relocations = append(p.Relocations, model.Relocation{Household: h.ID, Unit: p.RelocationUnits[u].ID, From: date(from), To: date(to)})
		g.stays[h.ID] = true
		g.removals = true
	}
	if g.removals {
		p.Trades = append(p.Trades, removal.Trade)
	}
}

// homeCareDays: a household cared for at home goes at most this many days
// without water or a bathroom; its works take about 9 at the very least (see
// maxWaterOutDays), so the planner rehouses it.
const homeCareDays = 3

// rehousing: half the households of reduced mobility alone (the first, the
// third...) are cared for at home instead; their stays are the planner's
// (operation.rehousing, 2 cleaning days), in relocation units of their own, one
// per 150 dwellings, available over the horizon but its last four weeks. No
// random draw: the rest of the operation is as without it.
func (g *generator) rehousing() {
	p := g.p
	hh := map[string]*model.Household{}
	for i := range p.Households {
		hh[p.Households[i].ID] = &p.Households[i]
	}
	var chosen []*model.Household
	seen := 0
	for _, d := range p.Dwellings {
		h := hh[d.Household]
		if h == nil || len(h.Profiles) != 1 || h.Profiles[0] != pMobility || g.stays[h.ID] {
			continue
		}
		if seen%2 == 0 {
			chosen = append(chosen, h)
		}
		seen++
	}
	if len(chosen) == 0 {
		return
	}
	for _, h := range chosen {
		h.Profiles[0] = pHomeCare
	}
	cleaning := 2
	p.Operation.Rehousing = &model.Rehousing{RemovalTrade: tRemoval, CleaningDays: &cleaning}
	for k := 0; k < (len(p.Dwellings)+149)/150; k++ {
		b := p.Buildings[k%len(p.Buildings)].ID
		p.RelocationUnits = append(p.RelocationUnits, model.RelocationUnit{ID: fmt.Sprintf("RU%d", len(p.RelocationUnits)+1), Building: b,
			AvailableFrom: date(g.start), AvailableTo: date(g.end.AddDate(0, 0, -28))})
	}
	if !g.removals {
		g.removals = true
		p.Trades = append(p.Trades, removal.Trade)
	}
}

// furniture: the pilot's cubage of every household, by the dwelling's rooms (a
// T1 about 16 m³, a T3 30, a T5 44), give or take 2 m³; no random draw.
func (g *generator) furniture() {
	hh := map[string]*model.Household{}
	for i := range g.p.Households {
		hh[g.p.Households[i].ID] = &g.p.Households[i]
	}
	for i, d := range g.p.Dwellings {
		if h := hh[d.Household]; h != nil {
			h.FurnitureM3 = float64(9 + 7*max(1, d.Rooms) + i%5 - 2)
		}
	}
}

// progress estimates, for each dwelling in order, after how many working days every
// trade's crews are done with the dwellings before it: each trade a pipeline working
// through the dwellings in order at the pace of its crews, waiting for its
// deliveries.
func (g *generator) progress() []float64 {
	p := g.p
	arrival := map[string]float64{}
	for _, dl := range p.Deliveries {
		t, _ := time.Parse(dateLayout, dl.Expected[:10])
		arrival[dl.ID] = float64(workingDaysBetween(g.start, t))
	}
	free := map[string]float64{}
	crews := map[string]float64{}
	for _, t := range trades {
		crews[t.ID] = float64(g.crewCount(t.ID))
	}
	out := make([]float64, len(p.Dwellings))
	for i := range p.Dwellings {
		for _, t := range trades {
			if t.PilotOnly {
				continue
			}
			out[i] = max(out[i], free[t.ID])
			at := free[t.ID]
			switch t.ID {
			case tWindows:
				at = max(at, arrival[g.facts[i].window])
			case tKitchen:
				at = max(at, arrival[g.kitchenDL])
			}
			free[t.ID] = at + g.durationDays(t.ID, i)/crews[t.ID]
		}
	}
	return out
}

// crewCount: at about 2 flats every 3 days for a 1-day trade, a crew works two
// thirds of its days in dwellings; enough crews that the trade's work fits in the
// works period.
func (g *generator) crewCount(t string) int {
	if t == tRemoval {
		return 1
	}
	work := 0.0
	for i := range g.p.Dwellings {
		work += g.durationDays(t, i)
	}
	return max(1, int(math.Ceil(work/(float64(g.worksDays)*2/3))))
}

// durationDays is the length of trade t in dwelling i, in working days (0 for the
// pilot's one-hour visits).
func (g *generator) durationDays(t string, i int) float64 {
	rooms := g.p.Dwellings[i].Rooms
	switch t {
	case tVisit, tAcceptance:
		return 0
	case tStripOut, tVentilation, tRemoval:
		return 0.5
	case tElectrics:
		if rooms >= 5 {
			return 2
		}
	case tPlasterboard:
		return []float64{1, 1, 1, 1.5, 1.5, 2}[rooms]
	case tTiling:
		if rooms >= 4 {
			return 1.5
		}
	case tWindows:
		if g.facts[i].loggia {
			return 2
		}
	case tPainting:
		return []float64{1, 1, 1, 1.5, 2, 2}[rooms]
	}
	return 1
}

// crews per trade (crewCount), named after plausible contractors, some with their
// own hours, a third of them with a week off.
func (g *generator) crews() {
	p := g.p
	specs := trades
	if g.removals {
		specs = append(append([]tradeSpec(nil), trades...), removal)
	}
	for _, t := range specs {
		if t.PilotOnly {
			continue
		}
		n := g.crewCount(t.ID)
		for k := 0; k < n; k++ {
			name := t.contractors[k%len(t.contractors)]
			c := model.Crew{ID: fmt.Sprintf("%s-%d", t.ID, k+1), Contractor: name, Trades: []string{t.ID}, Size: 1 + g.rng.IntN(2),
				Calendar: contractorCalendar(name)}
			switch t.ID {
			case tWindows:
				c.Size = 2
			case tRemoval:
				c.Size = 4 // enough movers for any household's furniture (furniture)
			}
			p.Crews = append(p.Crews, c)
		}
	}
	// a third of the crews (at least one) take a week off
	off := max(1, int(math.Round(float64(len(p.Crews))/3)))
	for _, k := range g.rng.Perm(len(p.Crews))[:off] {
		from := g.weekOff()
		p.Crews[k].Unavailable = []model.Period{{From: date(from), To: date(from.AddDate(0, 0, 4)), Reason: "congés"}}
	}
}

// weekOff is a Monday: in August when August falls inside the works period, else
// somewhere in its middle.
func (g *generator) weekOff() time.Time {
	worksEnd := g.start.AddDate(0, 0, g.worksDays*7/5)
	for y := g.start.Year(); y <= worksEnd.Year(); y++ {
		aug := time.Date(y, 8, 2, 0, 0, 0, 0, time.UTC)
		if aug.After(g.start.AddDate(0, 0, 42)) && aug.Before(worksEnd) {
			return monday(aug.AddDate(0, 0, 7*g.rng.IntN(3)))
		}
	}
	span := int(worksEnd.Sub(g.start).Hours()/24) - 84
	return monday(g.start.AddDate(0, 0, 42+g.rng.IntN(max(1, span))))
}

// pilots: default office hours, no Saturday permanence, a week off each.
func (g *generator) pilots() {
	for k := 0; k < g.o.Pilots; k++ {
		pl := model.Pilot{ID: fmt.Sprintf("pilot-%d", k+1), Contact: fmt.Sprintf("bureau de chantier, 01 84 60 00 %02d", k+1)}
		from := g.weekOff()
		pl.Absences = []model.Period{{From: date(from), To: date(from.AddDate(0, 0, 4)), Reason: "congés"}}
		g.p.Pilots = append(g.p.Pilots, pl)
	}
}

// interventions: the default ones of every dwelling, in the order of the works, and
// moving out and back for the relocated households.
func (g *generator) interventions() {
	p := g.p
	p.Interventions = make([]model.Intervention, 0, len(p.Dwellings)*len(trades)+2*len(p.Relocations))
	for i, d := range p.Dwellings {
		stay := g.stays[d.Household]
		for _, t := range trades {
			iv := model.Intervention{ID: d.ID + "/" + t.ID, Dwelling: d.ID, Trade: t.ID, Duration: g.duration(t.ID, i)}
			switch t.ID {
			case tWindows:
				iv.CrewSize = 2
				if g.facts[i].window != "" {
					iv.Deliveries = []string{g.facts[i].window}
				}
			case tKitchen:
				if g.kitchenDL != "" {
					iv.Deliveries = []string{g.kitchenDL}
				}
			}
			if stay && (t.Noisy || t.Dusty) {
				iv.Relocation = model.RoleDuring
				if t.Access == model.AccessTenant {
					iv.Access = model.AccessKeys // the flat is empty: the pilot lets the crew in
				}
			}
			if stay && t.ID == tAcceptance {
				iv.After = []string{d.ID + "/move-back"}
			}
			p.Interventions = append(p.Interventions, iv)
		}
		if stay {
			// the moves take their duration and movers from the furniture's volume
			p.Interventions = append(p.Interventions,
				model.Intervention{ID: d.ID + "/move-out", Dwelling: d.ID, Trade: tRemoval,
					Relocation: model.RoleMoveOut, After: []string{d.ID + "/" + tVisit}},
				model.Intervention{ID: d.ID + "/move-back", Dwelling: d.ID, Trade: tRemoval,
					Relocation: model.RoleMoveBack})
		}
	}
}

func (g *generator) duration(t string, i int) string {
	if days := g.durationDays(t, i); days > 0 {
		return fmt.Sprintf("%gd", days)
	}
	return "1h"
}

// weekday moves t to the next Monday when it falls on a weekend.
func weekday(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// addWorkingDays moves n weekdays on from t.
func addWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			n--
		}
	}
	return t
}

// workingDaysBetween counts the weekdays in [a, b).
func workingDaysBetween(a, b time.Time) int {
	n := 0
	for ; a.Before(b); a = a.AddDate(0, 0, 1) {
		if a.Weekday() != time.Saturday && a.Weekday() != time.Sunday {
			n++
		}
	}
	return n
}

// monday is the first Monday on or after t.
func monday(t time.Time) time.Time {
	return t.AddDate(0, 0, (8-int(t.Weekday()))%7)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func date(t time.Time) string { return t.Format(dateLayout) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func durText(m int) string {
	switch {
	case m%60 == 0:
		return fmt.Sprintf("%dh", m/60)
	case m < 60:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%dm", m/60, m%60)
}

func clone(rs []model.Recurrence) []model.Recurrence {
	return append([]model.Recurrence(nil), rs...)
}

func has(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
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
