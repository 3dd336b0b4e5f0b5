package constraints

import (
	"math"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// RemovalVolume is rule 11: a removal (moving a household out to a relocation
// unit or back) whose duration is left empty is sized by the household's furniture
// volume (the pilot's cubage, Household.FurnitureM3): 2 movers up to 20 m³, 3 up
// to 40 m³, 4 beyond, each moving 1.5 m³ an hour; the duration is the volume over
// the crew's hourly volume, rounded up to the half hour, at least 2 hours (README
// "Semantics").
type RemovalVolume struct{}

// NameRemovalVolume is RemovalVolume's name.
const NameRemovalVolume = "removal-volume"

var _ Checker = RemovalVolume{}

func (RemovalVolume) Name() string { return NameRemovalVolume }
func (RemovalVolume) Number() int  { return 14 }

// Requires says what the rule requires, in lang.
func (RemovalVolume) Requires(lang Lang) string {
	return phrase{
		"a removal sized by the household's furniture volume lasts as long and has as many movers as that volume needs: 2 movers up to 20 m³, 3 up to 40 m³, 4 beyond, 1.5 m³ per mover and hour, rounded up to the half hour, at least 2 hours",
		"un déménagement dimensionné par le cubage du mobilier du ménage dure le temps et mobilise les déménageurs que ce volume demande : 2 déménageurs jusqu'à 20 m³, 3 jusqu'à 40 m³, 4 au-delà, 1,5 m³ par déménageur et par heure, arrondi à la demi-heure supérieure, 2 heures au moins", false}.in(lang)
}

var _ taskTimer = RemovalVolume{}

// taskTiming: the task of a removal sized by volume lasts what the volume needs
// (the typed view reads the same; the crew's size comes through
// Index.CrewSize in the crew demand of rule 1).
func (RemovalVolume) taskTiming(b *taskBuild) error {
	if v, ok := b.c.Index.RemovalVolume(b.iv); ok {
		d := model.RemovalMinutes(v)
		b.task.Duration, b.task.Contiguous = d, model.Contiguous(d)
	}
	return nil
}

// vfRemovalSize is the verifier's own reading of the removal rule: the movers and
// the working time a removal of v m³ needs.
func vfRemovalSize(v float64) (movers int, work time.Duration) {
	movers = 4
	if v <= 20 {
		movers = 2
	} else if v <= 40 {
		movers = 3
	}
	halfHours := math.Ceil(v/(float64(movers)*1.5)*2 - 1e-9)
	work = time.Duration(halfHours) * 30 * time.Minute
	if work < 2*time.Hour {
		work = 2 * time.Hour
	}
	return movers, work
}

// Check verifies rule 11: each placed removal (move_out, move_back) whose duration
// is empty, in a dwelling whose household has a furniture volume, is worked for
// the time the volume needs (unless it is a fact or fixed: its times are given)
// by a crew of at least the movers the volume needs (unless the intervention
// names its own crew_size, which then binds through rule 1).
func (r RemovalVolume) Check(v *Verification) []Violation {
	var out []Violation
	for _, pl := range v.placedSorted() {
		iv := pl.Intervention
		if iv.Relocation != model.RoleMoveOut && iv.Relocation != model.RoleMoveBack || iv.Duration != "" {
			continue
		}
		d := v.Index.Dwellings[iv.Dwelling]
		if d == nil || d.Vacant || d.Household == "" {
			continue
		}
		h := v.Index.Households[d.Household]
		if h == nil || h.FurnitureM3 <= 0 {
			continue
		}
		movers, work := vfRemovalSize(h.FurnitureM3)
		if iv.CrewSize == 0 {
			if c := v.Index.Crews[pl.Assignment.Crew]; c != nil && c.SizeOf() < movers {
				out = append(out, vfViolation(r, iv.ID, "crew %s has %s, the %g m³ of furniture of household %s need %s",
					c.ID, vfPlural(c.SizeOf(), "mover"), h.FurnitureM3, h.ID, vfPlural(movers, "mover")))
			}
		}
		if iv.Fixed() || !pl.TimesOK {
			continue
		}
		var worked time.Duration
		for _, s := range pl.Stretches {
			if s.End.After(s.Start) {
				worked += s.End.Sub(s.Start)
			}
		}
		if worked != work {
			out = append(out, vfViolation(r, iv.ID, "worked for %s, the %g m³ of furniture of household %s need %s with %s",
				vfFmtMinutes(worked), h.FurnitureM3, h.ID, vfFmtMinutes(work), vfPlural(movers, "mover")))
		}
	}
	return out
}
