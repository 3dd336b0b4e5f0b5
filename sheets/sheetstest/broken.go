// Package sheetstest builds broken workbooks for the tests of package sheets and
// of the command: the template filled with a problem, with some cells changed.
// Each case has a golden file of the errors Import must give, under
// sheets/testdata/broken.
package sheetstest

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/sheets"
)

// Case is one broken workbook.
type Case struct {
	Name string
	// Edits are applied in order to the template of the problem.
	Edits []Edit
	// Raw, when not nil, is the file itself (not a workbook at all).
	Raw []byte
}

// Edit changes a workbook.
type Edit func(f *excelize.File) error

// Set writes a text value into a cell.
func Set(sheet, cell string, v any) Edit {
	return func(f *excelize.File) error { return f.SetCellValue(sheet, cell, v) }
}

// DeleteSheet removes a sheet.
func DeleteSheet(sheet string) Edit {
	return func(f *excelize.File) error { return f.DeleteSheet(sheet) }
}

// Build writes the case's workbook for the problem p (Base of the example).
func (c Case) Build(p *model.Problem) ([]byte, error) {
	if c.Raw != nil {
		return c.Raw, nil
	}
	var buf bytes.Buffer
	if err := sheets.Template(&buf, p); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for i, e := range c.Edits {
		if err := e(f); err != nil {
			return nil, fmt.Errorf("%s: edit %d: %v", c.Name, i, err)
		}
	}
	out, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Base is the problem the corpus breaks: p (the bundled example) cut down to the
// dwellings of its first stairwell, their households, stays and interventions, so
// that the corpus runs fast. Everything else is kept; the first trade gets a
// notice period of its own, the first pilot a session on one day and hours for
// the first household, so that the corpus can break them too.
func Base(p *model.Problem) *model.Problem {
	q := p.Clone()
	if len(q.Dwellings) == 0 {
		return q
	}
	if len(q.Trades) > 0 {
		three := 3
		q.Trades[0].NoticeDays = &three
	}
	if len(q.Pilots) > 0 && q.Dwellings[0].Household != "" {
		pl := &q.Pilots[0]
		pl.Sessions = append(pl.Sessions, model.Session{Date: q.Operation.Start, Start: "09:00", Duration: "3h"})
		pl.Favours = append(pl.Favours, model.Favour{Household: q.Dwellings[0].Household, RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"})
	}
	sw := q.Dwellings[0].Stairwell
	dws := map[string]bool{}
	hhs := map[string]bool{}
	q.Dwellings = keep(q.Dwellings, func(d model.Dwelling) bool {
		if d.Stairwell != sw {
			return false
		}
		dws[d.ID] = true
		hhs[d.Household] = true
		return true
	})
	q.Households = keep(q.Households, func(h model.Household) bool { return hhs[h.ID] })
	q.Relocations = keep(q.Relocations, func(r model.Relocation) bool { return hhs[r.Household] })
	q.Interventions = keep(q.Interventions, func(iv model.Intervention) bool { return dws[iv.Dwelling] })
	return q
}

func keep[T any](s []T, ok func(T) bool) []T {
	var out []T
	for _, x := range s {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// Row numbers of Base(example) (testdata/operations/example.json) in its
// template: row 3 is the first entity of each sheet.
const (
	dw = sheets.SheetDwellings
	iv = sheets.SheetInterventions
	av = sheets.SheetAvailability
	op = sheets.SheetOperation
	tr = sheets.SheetTrades
)

// Broken is the corpus: each case breaks the template of the example problem in
// one way (the last one in several at once).
func Broken() []Case {
	return []Case{
		{Name: "floor-not-a-number", Edits: []Edit{Set(dw, "D3", "trois")}},
		{Name: "vacant-not-yes-no", Edits: []Edit{Set(dw, "G3", "peut-être")}},
		{Name: "dwelling-unknown-building", Edits: []Edit{Set(dw, "B3", "B9")}},
		{Name: "dwelling-duplicate-id", Edits: []Edit{Set(dw, "A4", "B1-A-01")}},
		{Name: "dwelling-unknown-column", Edits: []Edit{Set(dw, "D1", "Niveau")}},
		{Name: "duration-in-words", Edits: []Edit{Set(iv, "D3", "deux jours")}},
		{Name: "duration-missing", Edits: []Edit{Set(iv, "D3", "")}},
		{Name: "access-unknown", Edits: []Edit{Set(iv, "G3", "porte")}},
		{Name: "status-unknown", Edits: []Edit{Set(iv, "N3", "finie")}},
		{Name: "release-impossible-date", Edits: []Edit{Set(iv, "H3", "31/02/2027")}},
		{Name: "intervention-unknown-dwelling", Edits: []Edit{Set(iv, "B4", "X-99")}},
		{Name: "intervention-after-unknown", Edits: []Edit{Set(iv, "L3", "nope")}},
		{Name: "days-unreadable", Edits: []Edit{Set(av, "C5", "lundi-vendrediX")}},
		{Name: "time-of-day-25h", Edits: []Edit{Set(av, "D5", "25:00")}},
		{Name: "days-and-rrule", Edits: []Edit{Set(av, "I5", "FREQ=DAILY")}},
		{Name: "nature-unknown", Edits: []Edit{Set(av, "A5", "vacances")}},
		{Name: "owner-unknown", Edits: []Edit{Set(av, "B5", "H999")}},
		{Name: "rrule-invalid", Edits: []Edit{Set(av, "C5", ""), Set(av, "I5", "FREQ=SOMETIMES"), Set(av, "J5", "10 h")}},
		{Name: "start-not-a-date", Edits: []Edit{Set(op, "B6", "demain")}},
		{Name: "time-zone-unknown", Edits: []Edit{Set(op, "B5", "Europe/Lutece")}},
		{Name: "parameter-unknown", Edits: []Edit{Set(op, "A41", "Couleur")}},
		{Name: "lag-in-days", Edits: []Edit{Set(tr, "S3", "2 j")}},
		{Name: "trade-notice-in-words", Edits: []Edit{Set(tr, "N3", "une semaine")}},
		{Name: "session-two-dates", Edits: []Edit{Set(av, "G33", "05/01/2027")}},
		{Name: "session-no-end", Edits: []Edit{Set(av, "E33", "")}},
		{Name: "session-dates-excluded", Edits: []Edit{Set(av, "C33", "sam"), Set(av, "G33", ""), Set(av, "H33", "09/01/2027")}},
		{Name: "favour-no-household", Edits: []Edit{Set(av, "L34", "")}},
		{Name: "favour-unknown-household", Edits: []Edit{Set(av, "L34", "H999")}},
		{Name: "favour-owner-not-a-pilot", Edits: []Edit{Set(av, "B34", "H001")}},
		{Name: "trade-access-unknown", Edits: []Edit{Set(tr, "I3", "parfois")}},
		{Name: "crew-size-in-words", Edits: []Edit{Set(sheets.SheetCrews, "D3", "deux")}},
		{Name: "profile-time-unreadable", Edits: []Edit{Set(sheets.SheetProfiles, "C3", "9h75")}},
		{Name: "household-unknown-profile", Edits: []Edit{Set(sheets.SheetHouseholds, "C3", "vieux")}},
		{Name: "relocation-reversed", Edits: []Edit{Set(sheets.SheetRelocations, "C3", "20/05/2027")}},
		{Name: "operation-sheet-missing", Edits: []Edit{DeleteSheet(op)}},
		{Name: "not-a-workbook", Raw: []byte("Logement;Bâtiment\nB1-A-01;B1\n")},
		{Name: "several-at-once", Edits: []Edit{Set(dw, "D3", "trois"), Set(iv, "D3", "deux jours"), Set(op, "B6", "demain"),
			Set(av, "D5", "25:00"), Set(iv, "B4", "X-99")}},
	}
}
