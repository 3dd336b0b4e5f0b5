package sheets

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Export writes a plan as a French workbook: Synthèse, one sheet per building
// (its dwellings by day, each day's cell coloured by trade), one per crew (its
// agenda), the pilots' agenda, the households' appointments, the unplaced
// interventions with their reasons, and the changes of the last replan when diff is
// not nil. Dates and times are in the operation's time zone, as date and time cells
// shown JJ/MM/AAAA and HH:MM. The problem must be valid and the plan its own.
func Export(w io.Writer, p *model.Problem, plan *model.Plan, diff *model.Diff) error {
	return ExportWith(w, p, plan, diff, ExportOptions{})
}

// ExportOptions choose what an export leaves out.
type ExportOptions struct {
	// NoHouseholds leaves every household out: the Ménage columns stay empty (a
	// dwelling is never called vacant) and there is no sheet of the households'
	// appointments. A contractor's workbook is made so.
	NoHouseholds bool
}

// ExportWith is Export with options.
func ExportWith(w io.Writer, p *model.Problem, plan *model.Plan, diff *model.Diff, opts ExportOptions) error {
	if p == nil || plan == nil {
		return errors.New("sheets.Export: no problem or no plan")
	}
	if plan.Operation != p.Operation.ID {
		return fmt.Errorf("sheets.Export: the plan is of operation %q, not of %q", plan.Operation, p.Operation.ID)
	}
	// the stays the planner chose, booked with their moves
	q, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return fmt.Errorf("sheets.Export: %w", err)
	}
	p = q
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return fmt.Errorf("sheets.Export: operation.time_zone: %v", err)
	}
	ex := &exporter{opts: opts, p: p, plan: plan, x: model.NewIndex(p), loc: loc, f: excelize.NewFile(), used: map[string]bool{}}
	defer ex.f.Close()
	if ex.st, err = newStyles(ex.f); err != nil {
		return err
	}
	if err := ex.read(); err != nil {
		return err
	}
	steps := []func() error{ex.summary, ex.buildings, ex.crews, ex.pilots, ex.households, ex.unplaced, func() error { return ex.changes(diff) }}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	_, err = ex.f.WriteTo(w)
	return err
}

type exporter struct {
	opts  ExportOptions
	p     *model.Problem
	plan  *model.Plan
	x     *model.Index
	loc   *time.Location
	f     *excelize.File
	st    *styles
	used  map[string]bool
	items []*placed // by start, then intervention id
	trade map[string]int
	fills []int // a fill style per trade, by trade index
}

// placed is one assignment read: its intervention, times and worked stretches.
type placed struct {
	a        *model.Assignment
	iv       *model.Intervention
	start    time.Time
	end      time.Time
	segments [][2]time.Time
}

func (ex *exporter) read() error {
	for i := range ex.plan.Assignments {
		a := &ex.plan.Assignments[i]
		iv := ex.x.Interventions[a.Intervention]
		if iv == nil {
			return fmt.Errorf("sheets.Export: assignments[%d]: intervention %q is not in the problem", i, a.Intervention)
		}
		s, err1 := model.ParseMoment(a.Start, ex.loc)
		e, err2 := model.ParseMoment(a.End, ex.loc)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("sheets.Export: assignments[%d] (%s): %v", i, a.Intervention, err)
		}
		it := &placed{a: a, iv: iv, start: s, end: e}
		for k, sg := range a.Segments {
			s, err1 := model.ParseMoment(sg.Start, ex.loc)
			e, err2 := model.ParseMoment(sg.End, ex.loc)
			if err := errors.Join(err1, err2); err != nil {
				return fmt.Errorf("sheets.Export: assignments[%d].segments[%d] (%s): %v", i, k, a.Intervention, err)
			}
			it.segments = append(it.segments, [2]time.Time{s, e})
		}
		if len(it.segments) == 0 {
			it.segments = [][2]time.Time{{s, e}}
		}
		ex.items = append(ex.items, it)
	}
	sort.SliceStable(ex.items, func(i, j int) bool {
		a, b := ex.items[i], ex.items[j]
		if !a.start.Equal(b.start) {
			return a.start.Before(b.start)
		}
		return a.a.Intervention < b.a.Intervention
	})
	ex.trade = map[string]int{}
	for i, t := range ex.p.Trades {
		ex.trade[t.ID] = i
		fill, err := ex.f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{palette[i%len(palette)]}},
			Alignment: &excelize.Alignment{Horizontal: "center", ShrinkToFit: true}})
		if err != nil {
			return err
		}
		ex.fills = append(ex.fills, fill)
	}
	return nil
}

// palette is the fill of each trade, in the trades' order (cycled).
var palette = []string{"F8CBAD", "C6E0B4", "BDD7EE", "FFE699", "D9D2E9", "F4B183", "A9D08E", "9DC3E6",
	"FFD966", "B4A7D6", "E2EFDA", "FCE4D6", "DDEBF7", "FFF2CC", "EAD1DC", "D0CECE"}

var frDays = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// sheetName makes a unique sheet name of at most 31 characters from prefix and id,
// without the characters a sheet name cannot hold.
func (ex *exporter) sheetName(prefix, id string) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]'`, r) {
			return '_'
		}
		return r
	}, id)
	base := []rune(prefix + clean)
	if len(base) > 31 {
		base = base[:31]
	}
	name := string(base)
	for n := 2; ex.used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf("~%d", n)
		r := base
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	ex.used[strings.ToLower(name)] = true
	return name
}

// sheet starts a stream-written sheet with a title row and column widths.
func (ex *exporter) sheet(name string, titles []string, widths []float64) (*excelize.StreamWriter, error) {
	if _, err := ex.f.NewSheet(name); err != nil {
		return nil, err
	}
	sw, err := ex.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	if titles != nil {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	// one call per run of equal widths: excelize's cost grows with the calls
	for i := 0; i < len(widths); {
		j := i
		for j+1 < len(widths) && widths[j+1] == widths[i] {
			j++
		}
		if err := sw.SetColWidth(i+1, j+1, widths[i]); err != nil {
			return nil, err
		}
		i = j + 1
	}
	if titles != nil {
		h := make([]any, len(titles))
		for i, t := range titles {
			h[i] = excelize.Cell{StyleID: ex.st.header, Value: t}
		}
		if err := sw.SetRow("A1", h, excelize.RowOpts{Height: 30}); err != nil {
			return nil, err
		}
	}
	return sw, nil
}

// local is t's date and time as spreadsheet cells (date, day name, time).
func (ex *exporter) dateCell(t time.Time) any {
	t = t.In(ex.loc)
	return excelize.Cell{StyleID: ex.st.date, Value: serialOf(t.Year(), t.Month(), t.Day(), 0)}
}

func (ex *exporter) clockCell(t time.Time) any {
	t = t.In(ex.loc)
	return excelize.Cell{StyleID: ex.st.clock, Value: float64(t.Hour()*60+t.Minute()) / 1440}
}

func (ex *exporter) stampCell(t time.Time) any {
	t = t.In(ex.loc)
	return excelize.Cell{StyleID: ex.st.stamp, Value: serialOf(t.Year(), t.Month(), t.Day(), t.Hour()*60+t.Minute())}
}

func (ex *exporter) tradeName(id string) string {
	if t := ex.x.Trades[id]; t != nil && t.Name != "" {
		return t.Name
	}
	return id
}

func (ex *exporter) summary() error {
	// the workbook's first sheet becomes Synthèse (deleting it would read every
	// streamed sheet back)
	if err := ex.f.SetSheetName("Sheet1", "Synthèse"); err != nil {
		return err
	}
	ex.used["synthèse"] = true
	sw, err := ex.f.NewStreamWriter("Synthèse")
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 36); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 60); err != nil {
		return err
	}
	o := &ex.p.Operation
	rows := [][]any{
		{excelize.Cell{StyleID: ex.st.title, Value: "Plan de l'opération " + o.ID}},
		{"Opération", o.Name},
		{"Fuseau horaire", o.TimeZone},
		{"Statut du plan", planStatus(ex.plan.Status)},
		{"Graine", ex.plan.Seed},
		{"Interventions placées", len(ex.plan.Assignments)},
		{"Interventions non placées", len(ex.plan.Unplaced)},
	}
	if len(ex.items) > 0 {
		first, last := ex.items[0].start, ex.items[0].end
		for _, it := range ex.items {
			if it.end.After(last) {
				last = it.end
			}
		}
		rows = append(rows, []any{"Première intervention", ex.stampCell(first)}, []any{"Fin des travaux", ex.stampCell(last)})
	}
	if s := ex.plan.Score; s != nil {
		rows = append(rows, []any{"Règles enfreintes", s.Hard}, []any{"Coût des objectifs", s.Soft})
	}
	rows = append(rows, []any{""}, []any{"Couleurs des corps d'état :"})
	for i, t := range ex.p.Trades {
		rows = append(rows, []any{excelize.Cell{StyleID: ex.fills[i], Value: t.ID}, ex.tradeName(t.ID)})
	}
	for i, r := range rows {
		if err := sw.SetRow(cellName(1, i+1), r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func planStatus(s string) string {
	switch scheduler.Status(s) {
	case scheduler.StatusComplete:
		return "complet"
	case scheduler.StatusPartial:
		return "partiel (des interventions ne sont pas placées)"
	case scheduler.StatusViolated:
		return "règles enfreintes (voir rehabplan verify)"
	}
	return s
}

// dayKey is a local civil date.
type dayKey struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) dayKey { y, m, d := t.Date(); return dayKey{y, m, d} }

func (k dayKey) time(loc *time.Location) time.Time { return time.Date(k.y, k.m, k.d, 0, 0, 0, 0, loc) }

// days lists the local days a stretch [a, b) touches.
func days(a, b time.Time, loc *time.Location) []dayKey {
	a, b = a.In(loc), b.In(loc)
	var out []dayKey
	for d := dayOf(a).time(loc); d.Before(b); d = d.AddDate(0, 0, 1) {
		out = append(out, dayOf(d))
	}
	return out
}

// buildings writes a sheet per building: a row per dwelling, a column per day from
// the building's first to its last day of work, each cell naming the trades at
// work that day, coloured by the first.
func (ex *exporter) buildings() error {
	byDwelling := map[string][]*placed{}
	for _, it := range ex.items {
		byDwelling[it.iv.Dwelling] = append(byDwelling[it.iv.Dwelling], it)
	}
	for _, b := range ex.p.Buildings {
		var dws []*model.Dwelling
		var lo, hi time.Time
		for i := range ex.p.Dwellings {
			d := &ex.p.Dwellings[i]
			if d.Building != b.ID {
				continue
			}
			dws = append(dws, d)
			for _, it := range byDwelling[d.ID] {
				if lo.IsZero() || it.start.Before(lo) {
					lo = it.start
				}
				if it.end.After(hi) {
					hi = it.end
				}
			}
		}
		if err := ex.building(b, dws, byDwelling, lo, hi); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) building(b model.Building, dws []*model.Dwelling, byDwelling map[string][]*placed, lo, hi time.Time) error {
	var cal []dayKey
	if !lo.IsZero() {
		cal = days(lo, hi, ex.loc)
	}
	col := map[dayKey]int{}
	titles := []string{"Logement", "Cage", "Étage", "Ménage"}
	for i, d := range cal {
		col[d] = i
		t := d.time(ex.loc)
		titles = append(titles, frDays[t.Weekday()][:3]+" "+t.Format("02/01"))
	}
	widths := []float64{14, 10, 7, 10}
	for range cal {
		widths = append(widths, 11)
	}
	sw, err := ex.sheet(ex.sheetName("Bât. ", b.ID), titles, widths)
	if err != nil {
		return err
	}
	cells := make([]any, len(titles))
	names := make([][]string, len(cal))
	first := make([]int, len(cal))
	for r, d := range dws {
		for i := range names {
			names[i] = names[i][:0]
			first[i] = -1
		}
		for _, it := range byDwelling[d.ID] {
			for _, sg := range it.segments {
				for _, k := range days(sg[0], sg[1], ex.loc) {
					i, ok := col[k]
					if !ok {
						continue
					}
					name := it.iv.Trade
					if len(names[i]) == 0 || names[i][len(names[i])-1] != name {
						names[i] = append(names[i], name)
					}
					if first[i] < 0 {
						first[i] = ex.trade[it.iv.Trade]
					}
				}
			}
		}
		hh := d.Household
		switch {
		case ex.opts.NoHouseholds:
			hh = ""
		case d.Vacant || hh == "":
			hh = "vacant"
		}
		cells[0], cells[1], cells[2], cells[3] = d.ID, d.Stairwell, d.Floor, hh
		for i, k := range cal {
			switch {
			case len(names[i]) > 0:
				cells[4+i] = excelize.Cell{StyleID: ex.fills[first[i]], Value: strings.Join(names[i], " + ")}
			case weekend(k, ex.loc):
				cells[4+i] = excelize.Cell{StyleID: ex.st.weekend}
			default:
				cells[4+i] = nil
			}
		}
		if err := sw.SetRow(cellName(1, r+2), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func weekend(k dayKey, loc *time.Location) bool {
	wd := k.time(loc).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

var agendaTitles = []string{"Date", "Jour", "De", "À", "Intervention", "Logement", "Bâtiment", "Cage", "Étage", "Ménage", "Corps d'état", "Accès", "Pilote"}
var agendaWidths = []float64{12, 10, 7, 7, 24, 12, 10, 10, 7, 10, 24, 10, 10}

// agendaRow is one worked stretch of an intervention.
func (ex *exporter) agendaRow(it *placed, sg [2]time.Time) []any {
	d := ex.x.Dwellings[it.iv.Dwelling]
	var bld, cage, hh string
	var floor any = ""
	if d != nil {
		bld, cage, floor = d.Building, d.Stairwell, d.Floor
		if d.Occupied() && !ex.opts.NoHouseholds {
			hh = d.Household
		}
	}
	return []any{ex.dateCell(sg[0]), frDays[sg[0].In(ex.loc).Weekday()], ex.clockCell(sg[0]), ex.clockCell(sg[1]), it.iv.ID, it.iv.Dwelling,
		bld, cage, floor, hh, ex.tradeName(it.iv.Trade), enumAccess.label(ex.x.AccessOf(it.iv)), it.a.Pilot}
}

func (ex *exporter) crews() error {
	byCrew := map[string][]*placed{}
	for _, it := range ex.items {
		if it.a.Crew != "" {
			byCrew[it.a.Crew] = append(byCrew[it.a.Crew], it)
		}
	}
	for _, c := range ex.p.Crews {
		sw, err := ex.sheet(ex.sheetName("Équipe ", c.ID), agendaTitles, agendaWidths)
		if err != nil {
			return err
		}
		n := 2
		for _, it := range byCrew[c.ID] {
			for _, sg := range it.segments {
				if err := sw.SetRow(cellName(1, n), ex.agendaRow(it, sg)); err != nil {
					return err
				}
				n++
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) pilots() error {
	titles := append([]string{"Pilote"}, agendaTitles[:len(agendaTitles)-1]...)
	titles = append(titles, "Équipe")
	sw, err := ex.sheet(ex.sheetName("Agenda des pilotes", ""), titles, append([]float64{10}, agendaWidths...))
	if err != nil {
		return err
	}
	var rows []*placed
	for _, it := range ex.items {
		if it.a.Pilot != "" {
			rows = append(rows, it)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].a.Pilot < rows[j].a.Pilot })
	n := 2
	for _, it := range rows {
		for _, sg := range it.segments {
			r := ex.agendaRow(it, sg)
			r = append([]any{it.a.Pilot}, r[:len(r)-1]...)
			if err := sw.SetRow(cellName(1, n), append(r, it.a.Crew)); err != nil {
				return err
			}
			n++
		}
	}
	return sw.Flush()
}

// households writes the appointments of the occupied dwellings, household by
// household: when, what, who must be at home, and what the work does.
func (ex *exporter) households() error {
	if ex.opts.NoHouseholds {
		return nil
	}
	titles := []string{"Ménage", "Logement", "Date", "Jour", "De", "Date de fin", "À", "Corps d'état", "Présence", "Nuisances", "Pilote", "Statut"}
	sw, err := ex.sheet(ex.sheetName("Rendez-vous des ménages", ""), titles, []float64{10, 12, 12, 10, 7, 12, 7, 24, 34, 34, 10, 10})
	if err != nil {
		return err
	}
	var rows []*placed
	for _, it := range ex.items {
		if d := ex.x.Dwellings[it.iv.Dwelling]; d != nil && d.Occupied() {
			rows = append(rows, it)
		}
	}
	hh := func(it *placed) string { return ex.x.Dwellings[it.iv.Dwelling].Household }
	sort.SliceStable(rows, func(i, j int) bool { return hh(rows[i]) < hh(rows[j]) })
	for n, it := range rows {
		h := ex.x.Households[hh(it)]
		presence := map[string]string{model.AccessTenant: "le locataire doit être présent", model.AccessKeys: "le locataire, ou les clés au pilote", model.AccessNone: "personne"}[ex.x.AccessOf(it.iv)]
		if ex.x.AccessOf(it.iv) == model.AccessKeys && h != nil && h.KeysWithPilot {
			presence = "clés laissées au pilote"
		}
		var nuis []string
		if t := ex.x.Trades[it.iv.Trade]; t != nil {
			for _, x := range []struct {
				on   bool
				what string
			}{{t.Noisy, "bruit"}, {t.Dusty, "poussière"}, {t.CutsWater, "coupure d'eau"}, {t.CutsPower, "coupure d'électricité"}} {
				if x.on {
					nuis = append(nuis, x.what)
				}
			}
		}
		status := enumStatus.label(it.iv.StatusOf())
		row := []any{hh(it), it.iv.Dwelling, ex.dateCell(it.start), frDays[it.start.In(ex.loc).Weekday()], ex.clockCell(it.start),
			ex.dateCell(it.end), ex.clockCell(it.end), ex.tradeName(it.iv.Trade), presence, strings.Join(nuis, ", "), it.a.Pilot, status}
		if err := sw.SetRow(cellName(1, n+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (ex *exporter) unplaced() error {
	sw, err := ex.sheet(ex.sheetName("Non placées", ""), []string{"Intervention", "Logement", "Ménage", "Corps d'état", "Règle", "Raison"}, []float64{24, 12, 10, 24, 20, 100})
	if err != nil {
		return err
	}
	n := 2
	for _, u := range ex.plan.Unplaced {
		var dw, hh, tr string
		if iv := ex.x.Interventions[u.Intervention]; iv != nil {
			dw, tr = iv.Dwelling, ex.tradeName(iv.Trade)
			if d := ex.x.Dwellings[iv.Dwelling]; d != nil && d.Occupied() && !ex.opts.NoHouseholds {
				hh = d.Household
			}
		}
		reasons := u.Reasons
		if len(reasons) == 0 {
			reasons = []model.Reason{{}}
		}
		for _, r := range reasons {
			if err := sw.SetRow(cellName(1, n), []any{u.Intervention, dw, hh, tr, r.Rule, r.Message}); err != nil {
				return err
			}
			n++
		}
	}
	return sw.Flush()
}

var changeKinds = map[string]string{
	model.ChangeMoved: "déplacée", model.ChangeCrewChanged: "équipe changée", model.ChangeAdded: "ajoutée",
	model.ChangeCancelled: "annulée", model.ChangeUnplaced: "non placée",
}

func (ex *exporter) changes(d *model.Diff) error {
	titles := []string{"Intervention", "Changement", "Logement", "Ménage", "Corps d'état", "Annoncée", "Ancien début", "Ancienne fin", "Ancienne équipe",
		"Nouveau début", "Nouvelle fin", "Nouvelle équipe", "Décalage (h)", "Cause"}
	sw, err := ex.sheet(ex.sheetName("Changements", ""), titles, []float64{24, 14, 12, 10, 24, 10, 17, 17, 14, 17, 17, 14, 10, 20})
	if err != nil {
		return err
	}
	if d == nil {
		if err := sw.SetRow("A2", []any{"Pas de replanification : aucun changement fourni."}); err != nil {
			return err
		}
		return sw.Flush()
	}
	slot := func(s *model.Slot) (start, end any, crew string) {
		if s == nil {
			return "", "", ""
		}
		start, end = s.Start, s.End
		if t, err := model.ParseMoment(s.Start, ex.loc); err == nil {
			start = ex.stampCell(t)
		}
		if t, err := model.ParseMoment(s.End, ex.loc); err == nil {
			end = ex.stampCell(t)
		}
		return start, end, s.Crew
	}
	for n, c := range d.Changes {
		os, oe, oc := slot(c.Old)
		ns, ne, nc := slot(c.New)
		kind := changeKinds[c.Kind]
		if kind == "" {
			kind = c.Kind
		}
		var shift any = ""
		if c.ShiftMinutes != 0 {
			shift = float64(c.ShiftMinutes) / 60
		}
		hh := c.Household
		if ex.opts.NoHouseholds {
			hh = ""
		}
		row := []any{c.Intervention, kind, c.Dwelling, hh, ex.tradeName(c.Trade), yesNo(c.Announced), os, oe, oc, ns, ne, nc, shift, c.Cause}
		if err := sw.SetRow(cellName(1, n+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}
