package sheets

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// MaxWorkbookBytes bounds the size of a workbook Import reads.
const MaxWorkbookBytes = model.MaxDocumentBytes

// maxRows bounds the rows of one sheet.
const maxRows = model.MaxInterventions + 2

// grid is one sheet as read: its rows of cell texts (raw values: a date cell reads
// as its serial number).
type grid struct {
	name string
	rows [][]string
}

// Import reads a workbook written by Template (and filled in) into a problem, and
// validates it. On error it returns a *Error listing every error at once, each
// naming the sheet, the row, the column, the value found and what was expected, in
// French (lang "" or scheduler.French) or English (scheduler.English); the errors
// model.Validate finds are mapped back to their cells where the path allows.
func Import(r io.Reader, lang scheduler.Lang) (*model.Problem, error) {
	french := isFrench(lang)
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkbookBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxWorkbookBytes {
		return nil, &Error{french: french, Errors: []*CellError{{french: french, Expected: fmt.Sprintf(msgNotBook.in(french), fmt.Sprintf("> %d MiB", MaxWorkbookBytes>>20))}}}
	}
	grids, err := readWorkbook(data)
	if err != nil {
		return nil, &Error{french: french, Errors: []*CellError{{french: french, Expected: fmt.Sprintf(msgNotBook.in(french), err)}}}
	}
	return fromGrids(grids, french)
}

// readWorkbook reads every sheet of an .xlsx file. excelize is trusted with the zip
// and XML only under limits; a panic inside it on a malformed file is an error.
func readWorkbook(data []byte) (grids map[string]*grid, err error) {
	defer func() {
		if r := recover(); r != nil {
			grids, err = nil, fmt.Errorf("malformed workbook (%v)", r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: 16 * MaxWorkbookBytes, UnzipXMLSizeLimit: 4 * MaxWorkbookBytes,
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	grids = map[string]*grid{}
	for _, name := range f.GetSheetList() {
		if !wanted(name) {
			continue
		}
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		g := &grid{name: name}
		for rows.Next() {
			if len(g.rows) > maxRows {
				break
			}
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, err
			}
			g.rows = append(g.rows, cols)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		grids[fold(name)] = g
	}
	return grids, nil
}

// wanted says whether a sheet is one Import reads.
func wanted(name string) bool {
	if fold(name) == fold(SheetOperation) {
		return true
	}
	for _, d := range tableDefs {
		if fold(name) == fold(d.name) {
			return true
		}
	}
	return false
}

// importer builds a problem from the sheets and remembers where each entity came
// from, to map validation errors back to cells.
type importer struct {
	french bool
	errs   []*CellError
	p      *model.Problem
	locs   map[string]*loc
	// tainted cells ("sheet\x00row\x00column") hold a value read from a cell in
	// error: validation errors on them follow from that error and are dropped.
	tainted map[string]bool
	// skip lists path prefixes whose validation errors follow from a sheet in error.
	skip []string
}

func cellKey(sheet string, row int, column string) string {
	return sheet + "\x00" + strconv.Itoa(row) + "\x00" + column
}

// loc is where an entity (a JSON path such as "interventions[3]") was read: its
// row, and the column of each of its fields.
type loc struct {
	sheet  string
	row    int
	def    *sheetDef
	vals   []string          // the row's cells, by column of def
	cols   []int             // the sheet's column of each column of def
	fields map[string]string // JSON field -> column key; "" key is the whole entity's column
}

func fromGrids(grids map[string]*grid, french bool) (*model.Problem, error) {
	im := &importer{french: french, p: &model.Problem{Format: model.Format}, locs: map[string]*loc{}, tainted: map[string]bool{}}
	im.operation(grids[fold(SheetOperation)])
	tabs := map[string][]*rec{}
	for _, d := range tableDefs {
		tabs[d.name] = im.table(d, grids[fold(d.name)])
	}
	im.buildings(tabs[SheetBuildings])
	im.dwellings(tabs[SheetDwellings])
	im.households(tabs[SheetHouseholds])
	im.profiles(tabs[SheetProfiles])
	im.crews(tabs[SheetCrews])
	im.pilots(tabs[SheetPilots])
	defaults := im.trades(tabs[SheetTrades])
	im.deliveries(tabs[SheetDeliveries])
	im.units(tabs[SheetUnits])
	im.relocations(tabs[SheetRelocations])
	im.availability(tabs[SheetAvailability])
	im.interventions(tabs[SheetInterventions], defaults)
	if err := model.Validate(im.p); err != nil {
		im.mapValidation(err)
	}
	if len(im.errs) > 0 {
		return nil, im.result()
	}
	return im.p, nil
}

// result sorts the errors by sheet order, row, column and caps their number.
func (im *importer) result() *Error {
	order := map[string]int{"": -1, SheetOperation: 0}
	for i, d := range tableDefs {
		order[d.name] = i + 1
	}
	sort.SliceStable(im.errs, func(a, b int) bool {
		x, y := im.errs[a], im.errs[b]
		if order[x.Sheet] != order[y.Sheet] {
			return order[x.Sheet] < order[y.Sheet]
		}
		return x.Row < y.Row
	})
	errs := im.errs
	if len(errs) > maxCellErrors {
		n := len(errs) - (maxCellErrors - 1)
		errs = append(errs[:maxCellErrors-1:maxCellErrors-1], &CellError{french: im.french, Expected: fmt.Sprintf(msgTooMany.in(im.french), n)})
	}
	return &Error{Errors: errs, french: im.french}
}

func (im *importer) add(e *CellError) {
	e.french = im.french
	im.errs = append(im.errs, e)
}

// rec is one data row of a table sheet.
type rec struct {
	im   *importer
	def  *sheetDef
	row  int
	vals []string // by column of def
	cols []int    // the sheet's column (from 0) of each column of def; nil: the same
	bad  map[string]bool
}

// cell is the name of the cell of column i of def in r's row.
func (r *rec) cell(i int) string { return cellName(sheetCol(r.cols, i), r.row) }

func sheetCol(cols []int, i int) int {
	if i < len(cols) && cols[i] >= 0 {
		return cols[i] + 1
	}
	return i + 1
}

func (r *rec) s(key string) string {
	i := r.def.colIndex(key)
	if i < 0 || i >= len(r.vals) {
		return ""
	}
	return strings.TrimSpace(r.vals[i])
}

// fail records an error on the cell of column key.
func (r *rec) fail(key string, msg string) {
	i := r.def.colIndex(key)
	if r.bad == nil {
		r.bad = map[string]bool{}
	}
	r.bad[key] = true
	r.im.add(&CellError{Sheet: r.def.name, Row: r.row, Column: r.def.cols[i].title, Cell: r.cell(i), Value: display(r.def.cols[i].kind, r.s(key)), Expected: msg})
}

// taint marks the cell of column key as holding a value that follows from a cell in
// error (a duration computed from a wrong start time).
func (r *rec) taint(key string) {
	r.im.tainted[cellKey(r.def.name, r.row, r.def.cols[r.def.colIndex(key)].title)] = true
}

func (r *rec) failKind(key string) {
	r.fail(key, expected[r.def.cols[r.def.colIndex(key)].kind].in(r.im.french))
}

func (r *rec) int(key string) int {
	s := r.s(key)
	if s == "" {
		return 0
	}
	n, ok := intFromSheet(s)
	if !ok {
		r.failKind(key)
	}
	return n
}

func (r *rec) bool(key string) bool {
	b, ok := boolFromSheet(r.s(key))
	if !ok {
		r.failKind(key)
	}
	return b
}

// optBool is empty for nil.
func (r *rec) optBool(key string) *bool {
	if r.s(key) == "" {
		return nil
	}
	b := r.bool(key)
	return &b
}

func (r *rec) enum(key string) string {
	c := r.def.cols[r.def.colIndex(key)]
	v, ok := c.enum.value(r.s(key))
	if !ok {
		msg := text{"attendu une valeur de la liste : ", "expected a value from the list: "}.in(r.im.french)
		r.fail(key, msg+quoteList(c.enum.labels, r.im.french))
	}
	return v
}

func (r *rec) moment(key string) string {
	s := r.s(key)
	if s == "" {
		return ""
	}
	m, ok := momentFromSheet(s)
	if !ok {
		r.failKind(key)
	}
	return m
}

func (r *rec) clock(key string) string {
	s := r.s(key)
	if s == "" {
		return ""
	}
	c, ok := clockFromSheet(s)
	if !ok {
		r.failKind(key)
	}
	return c
}

// duration reads a duration (kDuration: days allowed; kLag: hours only).
func (r *rec) duration(key string) string {
	s := r.s(key)
	if s == "" {
		return ""
	}
	days := r.def.cols[r.def.colIndex(key)].kind == kDuration
	d, ok, dayErr := durationFromSheet(s, days)
	switch {
	case dayErr:
		r.fail(key, msgLagDays.in(r.im.french))
	case !ok:
		r.failKind(key)
	}
	return d
}

func (r *rec) list(key string) []string { return listFromSheet(r.s(key)) }

func (r *rec) dates(key string) []string {
	var out []string
	for _, it := range r.list(key) {
		d, ok := dateFromSheet(it)
		if !ok {
			r.fail(key, msgDateList.in(r.im.french))
			return nil
		}
		out = append(out, d)
	}
	return out
}

// at registers where the entity at path was read.
func (im *importer) at(path string, r *rec, fields map[string]string) {
	im.locs[path] = &loc{sheet: r.def.name, row: r.row, def: r.def, vals: r.vals, cols: r.cols, fields: fields}
}

// table reads a table sheet: maps its titles to the known columns (in any order),
// skips the explanation row, and returns the non-empty rows.
func (im *importer) table(d *sheetDef, g *grid) []*rec {
	if g == nil || len(g.rows) == 0 {
		return nil
	}
	idx := make([]int, len(d.cols)) // sheet column of each known column
	for i := range idx {
		idx[i] = -1
	}
	known := map[string]int{}
	var titles []string
	for i, c := range d.cols {
		if c.title != "" {
			known[fold(c.title)] = i
			titles = append(titles, c.title)
		}
	}
	for j, h := range g.rows[0] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		i, ok := known[fold(h)]
		if !ok || idx[i] >= 0 {
			im.add(&CellError{Sheet: d.name, Row: 1, Column: h, Cell: cellName(j+1, 1), Value: h,
				Expected: fmt.Sprintf(msgUnknownCol.in(im.french), quoteList(titles, im.french))})
			continue
		}
		idx[i] = j
	}
	if idx[0] < 0 {
		im.add(&CellError{Sheet: d.name, Row: 1, Expected: fmt.Sprintf(msgMissingCol.in(im.french), d.cols[0].title)})
	}
	start := 1
	if len(g.rows) > 1 && isHelpRow(d, idx, g.rows[1]) {
		start = 2
	}
	var out []*rec
	for n := start; n < len(g.rows); n++ {
		vals := make([]string, len(d.cols))
		empty := true
		for i, j := range idx {
			if j >= 0 && j < len(g.rows[n]) {
				vals[i] = g.rows[n][j]
				if strings.TrimSpace(vals[i]) != "" {
					empty = false
				}
			}
		}
		if !empty {
			out = append(out, &rec{im: im, def: d, row: n + 1, vals: vals, cols: idx})
		}
	}
	if len(out) > maxRows-2 {
		im.add(&CellError{Sheet: d.name, Expected: fmt.Sprintf(msgTooBig.in(im.french), maxRows-2)})
		return nil
	}
	return out
}

// isHelpRow says whether row is the explanation row of the template (its cells
// start like the explanations).
func isHelpRow(d *sheetDef, idx []int, row []string) bool {
	for i, j := range idx {
		if j < 0 || j >= len(row) || d.cols[i].help == "" {
			continue
		}
		return strings.TrimSpace(row[j]) == d.cols[i].help
	}
	return false
}

func (im *importer) operation(g *grid) {
	o := &im.p.Operation
	if g == nil {
		im.add(&CellError{Sheet: SheetOperation, Expected: fmt.Sprintf(msgNoSheet.in(im.french), SheetOperation)})
		im.skip = append(im.skip, "operation")
		return
	}
	byLabel := map[string]param{}
	var labels []string
	for _, pr := range operationParams {
		byLabel[fold(pr.label)] = pr
		labels = append(labels, pr.label)
	}
	for n, row := range g.rows {
		if n == 0 || len(row) == 0 || strings.TrimSpace(row[0]) == "" || n == 1 && strings.TrimSpace(row[0]) == opCols[0].help {
			continue
		}
		pr, ok := byLabel[fold(row[0])]
		if !ok {
			im.add(&CellError{Sheet: SheetOperation, Row: n + 1, Column: opCols[0].title, Cell: cellName(1, n+1), Value: row[0],
				Expected: fmt.Sprintf(msgUnknownPar.in(im.french), quoteList(labels, im.french))})
			continue
		}
		val := ""
		if len(row) > 1 {
			val = row[1]
		}
		// a two-column table: the parameter, then its value (column B)
		def := &sheetDef{SheetOperation, []column{{key: "param", title: opCols[0].title}, {key: "v", title: opCols[1].title, kind: pr.kind, enum: pr.enum}}}
		r := &rec{im: im, def: def, row: n + 1, vals: []string{row[0], val}}
		im.locs[pr.key] = &loc{sheet: SheetOperation, row: n + 1, def: def, vals: r.vals, fields: map[string]string{"": "v"}}
		switch pr.key {
		case "operation.id":
			o.ID = r.s("v")
		case "operation.name":
			o.Name = r.s("v")
		case "operation.time_zone":
			o.TimeZone = r.s("v")
		case "operation.start", "operation.end":
			v := ""
			if s := r.s("v"); s != "" {
				var ok bool
				if v, ok = dateFromSheet(s); !ok {
					r.failKind("v")
				}
			}
			if pr.key == "operation.start" {
				o.Start = v
			} else {
				o.End = v
			}
		case "operation.holidays":
			o.Holidays = r.enum("v")
		case "operation.extra_holidays":
			o.ExtraHolidays = r.dates("v")
		case "operation.working_day":
			o.WorkingDay = r.duration("v")
		case "operation.notice_days":
			if r.s("v") != "" {
				n := r.int("v")
				o.NoticeDays = &n
			}
		case "operation.now":
			o.Now = r.moment("v")
		case "operation.contact.name", "operation.contact.phone", "operation.contact.email", "operation.contact.hours", "operation.contact.address":
			setContact(o, pr.key, r.s("v"))
		case "operation.policy.heating_season.from", "operation.policy.heating_season.to", "operation.policy.max_heating_cut_hours",
			"operation.policy.survey_weeks", "operation.policy.snag_deadline_days", "operation.policy.burden_days":
			practicePolicy(&o.Policy, pr.key, r)
		case "operation.rehousing", "operation.rehousing.removal_trade", "operation.rehousing.cleaning_days":
			im.rehousing(o, pr.key, r)
		default: // the policy's weights
			var w *float64
			if s := r.s("v"); s != "" {
				v, ok := floatFromSheet(s)
				if !ok {
					r.failKind("v")
				}
				w = &v
			}
			switch pr.key {
			case "operation.policy.makespan":
				o.Policy.Makespan = w
			case "operation.policy.dwelling_end":
				o.Policy.DwellingEnd = w
			case "operation.policy.disturbed_days":
				o.Policy.DisturbedDays = w
			case "operation.policy.preferred":
				o.Policy.Preferred = w
			case "operation.policy.soft_deadline":
				o.Policy.SoftDeadline = w
			case "operation.policy.burden":
				o.Policy.Burden = w
			case "operation.policy.same_pilot":
				o.Policy.SamePilot = w
			}
		}
	}
}

// practicePolicy reads one of the policy's parameters of the pilots' practices
// (heating season, survey, snags, burden) other than a weight.
func practicePolicy(pol *model.Policy, key string, r *rec) {
	if r.s("v") == "" {
		return
	}
	switch key {
	case "operation.policy.heating_season.from", "operation.policy.heating_season.to":
		if pol.HeatingSeason == nil {
			pol.HeatingSeason = &model.Season{}
		}
		if key == "operation.policy.heating_season.from" {
			pol.HeatingSeason.From = r.s("v")
		} else {
			pol.HeatingSeason.To = r.s("v")
		}
		return
	}
	n := r.int("v")
	switch key {
	case "operation.policy.max_heating_cut_hours":
		pol.MaxHeatingCutHours = &n
	case "operation.policy.survey_weeks":
		pol.SurveyWeeks = &n
	case "operation.policy.snag_deadline_days":
		pol.SnagDeadlineDays = &n
	case "operation.policy.burden_days":
		pol.BurdenDays = &n
	}
}

// rehousing reads the rows of operation.rehousing: "oui" or a removal trade or
// cleaning days switch it on.
func (im *importer) rehousing(o *model.Operation, key string, r *rec) {
	on := func() *model.Rehousing {
		if o.Rehousing == nil {
			o.Rehousing = &model.Rehousing{}
		}
		return o.Rehousing
	}
	switch key {
	case "operation.rehousing":
		if r.bool("v") {
			on()
		}
	case "operation.rehousing.removal_trade":
		if s := r.s("v"); s != "" {
			on().RemovalTrade = s
		}
	case "operation.rehousing.cleaning_days":
		if r.s("v") != "" {
			n := r.int("v")
			on().CleaningDays = &n
		}
	}
}

func (im *importer) buildings(rs []*rec) {
	index := map[string]int{}
	firstRow := map[string]*rec{}
	for _, r := range rs {
		id := r.s("id")
		i, ok := index[id]
		if !ok {
			i = len(im.p.Buildings)
			index[id] = i
			firstRow[id] = r
			im.p.Buildings = append(im.p.Buildings, model.Building{ID: id, Name: r.s("name"), Stairwells: []model.Stairwell{}})
			im.at(fmt.Sprintf("buildings[%d]", i), r, map[string]string{"id": "id", "name": "name", "stairwells": "stairwell"})
		} else if name := r.s("name"); name != "" && name != im.p.Buildings[i].Name {
			if im.p.Buildings[i].Name == "" {
				im.p.Buildings[i].Name = name
			} else {
				r.fail("name", fmt.Sprintf(msgBuildName.in(im.french), firstRow[id].row, im.p.Buildings[i].Name))
			}
		}
		if sw := r.s("stairwell"); sw != "" {
			b := &im.p.Buildings[i]
			im.at(fmt.Sprintf("buildings[%d].stairwells[%d]", i, len(b.Stairwells)), r, map[string]string{"": "stairwell", "id": "stairwell"})
			b.Stairwells = append(b.Stairwells, model.Stairwell{ID: sw})
		}
	}
}

func identity(keys ...string) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		m[k] = k
	}
	return m
}

func (im *importer) dwellings(rs []*rec) {
	for i, r := range rs {
		im.p.Dwellings = append(im.p.Dwellings, model.Dwelling{ID: r.s("id"), Building: r.s("building"), Stairwell: r.s("stairwell"),
			Floor: r.int("floor"), Rooms: r.int("rooms"), Household: r.s("household"), Vacant: r.bool("vacant"), MaxCrews: r.int("max_crews")})
		im.at(fmt.Sprintf("dwellings[%d]", i), r, identity("id", "building", "stairwell", "floor", "rooms", "household", "vacant", "max_crews"))
	}
}

func (im *importer) households(rs []*rec) {
	for i, r := range rs {
		h := model.Household{ID: r.s("id"), KeysWithPilot: r.bool("keys_with_pilot"), Profiles: r.list("profiles"), Pilot: r.s("pilot")}
		if s := r.s("furniture_m3"); s != "" {
			v, ok := floatFromSheet(s)
			if !ok {
				r.failKind("furniture_m3")
			}
			h.FurnitureM3 = v
		}
		im.p.Households = append(im.p.Households, h)
		im.at(fmt.Sprintf("households[%d]", i), r, identity("id", "keys_with_pilot", "profiles", "furniture_m3", "pilot"))
	}
}

func (im *importer) profiles(rs []*rec) {
	for i, r := range rs {
		im.p.Profiles = append(im.p.Profiles, model.Profile{ID: r.s("id"), MaxInterventionsPerDay: r.int("max_interventions_per_day"),
			NoWorkBefore: r.clock("no_work_before"), NoWorkAfter: r.clock("no_work_after"), NoisyDusty: r.enum("noisy_dusty"),
			PowerCutWithPilot: r.bool("power_cut_with_pilot"), MaxWaterOutDays: r.int("max_water_out_days"),
			MaxBathroomOutDays:      r.int("max_bathroom_out_days"),
			MaxDisturbedDaysPerWeek: r.int("max_disturbed_days_per_week"), NeedsCarer: r.bool("needs_carer")})
		im.at(fmt.Sprintf("profiles[%d]", i), r, identity("id", "max_interventions_per_day", "no_work_before", "no_work_after",
			"noisy_dusty", "power_cut_with_pilot", "max_water_out_days", "max_bathroom_out_days", "max_disturbed_days_per_week", "needs_carer"))
	}
}

func (im *importer) crews(rs []*rec) {
	for i, r := range rs {
		im.p.Crews = append(im.p.Crews, model.Crew{ID: r.s("id"), Contractor: r.s("contractor"), Trades: r.list("trades"), Size: r.int("size")})
		if im.p.Crews[i].Trades == nil {
			im.p.Crews[i].Trades = []string{}
		}
		im.at(fmt.Sprintf("crews[%d]", i), r, identity("id", "contractor", "trades", "size"))
	}
}

func (im *importer) pilots(rs []*rec) {
	for i, r := range rs {
		im.p.Pilots = append(im.p.Pilots, model.Pilot{ID: r.s("id"), Saturday: r.bool("saturday"), Contact: r.s("contact")})
		im.at(fmt.Sprintf("pilots[%d]", i), r, identity("id", "saturday", "contact"))
	}
}

// trades reads both tables of the trades sheet; it returns the default duration of
// each trade that has one, in the trades' order.
func (im *importer) trades(rs []*rec) []tradeDefault {
	var defaults []tradeDefault
	for _, r := range rs {
		if r.s("id") != "" || r.s("name") != "" {
			i := len(im.p.Trades)
			im.p.Trades = append(im.p.Trades, model.Trade{ID: r.s("id"), Name: r.s("name"), Noisy: r.bool("noisy"), Dusty: r.bool("dusty"),
				CutsWater: r.bool("cuts_water"), CutsPower: r.bool("cuts_power"), CutsHeating: r.bool("cuts_heating"), Stage: r.enum("stage"),
				Access: r.enum("access"), NeedsPilot: r.bool("needs_pilot"), PilotOnly: r.bool("pilot_only"), Preparation: r.s("preparation"), CutsBathroom: r.bool("cuts_bathroom")})
			if r.s("notice_days") != "" {
				n := r.int("notice_days")
				im.p.Trades[i].NoticeDays = &n
			}
			im.at(fmt.Sprintf("trades[%d]", i), r, identity("id", "name", "noisy", "dusty", "cuts_water", "cuts_power", "cuts_heating", "stage",
				"access", "needs_pilot", "pilot_only", "preparation", "notice_days", "cuts_bathroom"))
			if d := r.duration("default_duration"); d != "" {
				defaults = append(defaults, tradeDefault{r.s("id"), d, r})
			}
		}
		seq := false
		for _, c := range tradesDef.cols[seqFrom:] {
			if r.s(c.key) != "" {
				seq = true
			}
		}
		if seq {
			i := len(im.p.Sequences)
			im.p.Sequences = append(im.p.Sequences, model.Sequence{Before: r.s("before"), After: r.s("after"), MinLag: r.duration("min_lag"),
				MinLagWorkingDays: r.int("min_lag_working_days"), MaxLag: r.duration("max_lag"), Scope: r.enum("scope"), Dwellings: r.list("dwellings")})
			im.at(fmt.Sprintf("sequences[%d]", i), r, map[string]string{"": "before", "before": "before", "after": "after", "min_lag": "min_lag",
				"min_lag_working_days": "min_lag_working_days", "max_lag": "max_lag", "scope": "scope", "dwellings": "dwellings"})
		}
	}
	return defaults
}

type tradeDefault struct {
	trade, duration string
	r               *rec
}

func (im *importer) deliveries(rs []*rec) {
	for i, r := range rs {
		im.p.Deliveries = append(im.p.Deliveries, model.Delivery{ID: r.s("id"), Materials: r.s("materials"), Expected: r.moment("expected")})
		im.at(fmt.Sprintf("deliveries[%d]", i), r, identity("id", "materials", "expected"))
	}
}

func (im *importer) units(rs []*rec) {
	for i, r := range rs {
		u := model.RelocationUnit{ID: r.s("id"), Building: r.s("building")}
		for _, f := range []struct {
			key string
			to  *string
		}{{"available_from", &u.AvailableFrom}, {"available_to", &u.AvailableTo}} {
			if s := r.s(f.key); s != "" {
				v, ok := dateFromSheet(s)
				if !ok {
					r.failKind(f.key)
				}
				*f.to = v
			}
		}
		im.p.RelocationUnits = append(im.p.RelocationUnits, u)
		im.at(fmt.Sprintf("relocation_units[%d]", i), r, identity("id", "building", "available_from", "available_to"))
	}
}

func (im *importer) relocations(rs []*rec) {
	for i, r := range rs {
		im.p.Relocations = append(im.p.Relocations, model.Relocation{Household: r.s("household"), Unit: r.s("unit"), From: r.moment("from"), To: r.moment("to")})
		f := identity("household", "unit", "from", "to")
		f[""] = "household"
		im.at(fmt.Sprintf("relocations[%d]", i), r, f)
	}
}

func (im *importer) interventions(rs []*rec, defaults []tradeDefault) {
	if len(rs) == 0 {
		// one intervention per dwelling and trade with a default duration
		for _, d := range im.p.Dwellings {
			for _, td := range defaults {
				i := len(im.p.Interventions)
				im.p.Interventions = append(im.p.Interventions, model.Intervention{ID: d.ID + "/" + td.trade, Dwelling: d.ID, Trade: td.trade, Duration: td.duration})
				im.at(fmt.Sprintf("interventions[%d]", i), td.r, map[string]string{"": "id", "duration": "default_duration", "trade": "id"})
			}
		}
		return
	}
	for i, r := range rs {
		id := r.s("id")
		if id == "" && r.s("dwelling") != "" && r.s("trade") != "" {
			id = r.s("dwelling") + "/" + r.s("trade")
		}
		im.p.Interventions = append(im.p.Interventions, model.Intervention{ID: id, Dwelling: r.s("dwelling"), Trade: r.s("trade"),
			Duration: r.duration("duration"), CrewSize: r.int("crew_size"), NeedsPilot: r.optBool("needs_pilot"), Access: r.enum("access"),
			Release: r.moment("release"), Deadline: r.moment("deadline"), SoftDeadline: r.moment("soft_deadline"),
			Deliveries: r.list("deliveries"), After: r.list("after"), Relocation: r.enum("relocation"), Status: r.enum("status"),
			Pinned: r.bool("pinned"), Crew: r.s("crew"), Pilot: r.s("pilot"), Start: r.moment("start"), End: r.moment("end"),
			SnagOf: r.s("snag_of"), CheckOf: r.s("check_of")})
		im.at(fmt.Sprintf("interventions[%d]", i), r, identity("id", "dwelling", "trade", "duration", "crew_size", "needs_pilot", "access",
			"release", "deadline", "soft_deadline", "deliveries", "after", "relocation", "status", "pinned", "crew", "pilot", "start", "end",
			"snag_of", "check_of"))
	}
}

// availability reads Disponibilités: each row adds a recurring window or a period
// to its owner's list, in row order.
func (im *importer) availability(rs []*rec) {
	p := im.p
	byNature := map[string]nature{}
	for _, n := range natures {
		byNature[fold(n.label)] = n
		byNature[fold(n.key)] = n
	}
	idx := func(n int, id func(int) string) map[string]int {
		m := map[string]int{}
		for i := n - 1; i >= 0; i-- { // the first of duplicates wins
			m[id(i)] = i
		}
		return m
	}
	owners := map[string]map[string]int{
		"household": idx(len(p.Households), func(i int) string { return p.Households[i].ID }),
		"crew":      idx(len(p.Crews), func(i int) string { return p.Crews[i].ID }),
		"pilot":     idx(len(p.Pilots), func(i int) string { return p.Pilots[i].ID }),
		"profile":   idx(len(p.Profiles), func(i int) string { return p.Profiles[i].ID }),
	}
	for _, r := range rs {
		nat, ok := byNature[fold(r.s("nature"))]
		if !ok {
			r.fail("nature", fmt.Sprintf(msgNature.in(im.french), quoteList(natureLabels(), im.french)))
			continue
		}
		owner := -1
		if nat.owner != "operation" {
			k := ownerKinds[nat.owner]
			name := k.en
			if im.french {
				name = k.fr
			}
			id := r.s("owner")
			i, ok := owners[nat.owner][id]
			switch {
			case id == "":
				r.fail("owner", fmt.Sprintf(msgOwnerEmpty.in(im.french), name))
				continue
			case !ok:
				r.fail("owner", fmt.Sprintf(msgOwner.in(im.french), name, k.sheet))
				continue
			}
			owner = i
		}
		if nat.period {
			pr, fields := im.period(r)
			switch nat.key {
			case "absences":
				h := &p.Households[owner]
				im.at(fmt.Sprintf("households[%d].absences[%d]", owner, len(h.Absences)), r, fields)
				h.Absences = append(h.Absences, pr)
			case "unavailable":
				c := &p.Crews[owner]
				im.at(fmt.Sprintf("crews[%d].unavailable[%d]", owner, len(c.Unavailable)), r, fields)
				c.Unavailable = append(c.Unavailable, pr)
			case "pilot_absences":
				pl := &p.Pilots[owner]
				im.at(fmt.Sprintf("pilots[%d].absences[%d]", owner, len(pl.Absences)), r, fields)
				pl.Absences = append(pl.Absences, pr)
			}
			continue
		}
		if nat.key == "sessions" || nat.key == "favours" {
			im.pilotHours(nat.key, owner, r)
			continue
		}
		rc, fields := im.recurrence(r)
		var list *[]model.Recurrence
		var path string
		switch nat.key {
		case "availability":
			list, path = &p.Households[owner].Availability, fmt.Sprintf("households[%d].availability", owner)
		case "preferred":
			list, path = &p.Households[owner].Preferred, fmt.Sprintf("households[%d].preferred", owner)
		case "carer_availability":
			list, path = &p.Households[owner].CarerAvailability, fmt.Sprintf("households[%d].carer_availability", owner)
		case "site_hours":
			list, path = &p.Operation.SiteHours, "operation.site_hours"
		case "calendar":
			list, path = &p.Crews[owner].Calendar, fmt.Sprintf("crews[%d].calendar", owner)
		case "office_hours":
			list, path = &p.Pilots[owner].OfficeHours, fmt.Sprintf("pilots[%d].office_hours", owner)
		case "noisy_hours":
			list, path = &p.Profiles[owner].NoisyHours, fmt.Sprintf("profiles[%d].noisy_hours", owner)
		}
		im.at(path+"["+strconv.Itoa(len(*list))+"]", r, fields)
		*list = append(*list, rc)
	}
	for i := range p.Households {
		if p.Households[i].Availability == nil {
			p.Households[i].Availability = []model.Recurrence{}
		}
	}
}

// recurrence reads a row of Disponibilités as a recurring window: the structured
// columns (Jours, De, À, Du, Au, Sauf les), or RRULE with De and Durée (or À).
func (im *importer) recurrence(r *rec) (model.Recurrence, map[string]string) {
	fields := map[string]string{"": "nature", "start": "from_time", "from": "from_date", "exdates": "exdates", "duration": "to_time", "rrule": "days"}
	rc := model.Recurrence{Start: r.clock("from_time"), ExDates: r.dates("exdates")}
	if s := r.s("from_date"); s != "" {
		d, ok := dateFromSheet(s)
		if !ok {
			r.fail("from_date", expected[kDate].in(im.french))
		}
		rc.From = d
	}
	days, raw := r.s("days"), r.s("rrule")
	switch {
	case raw != "" && days != "":
		r.fail("rrule", msgDaysAndRR.in(im.french))
		r.taint("days")
	case raw != "":
		rc.RRule = raw
		fields["rrule"] = "rrule"
	case days == "":
		r.fail("days", msgNoDays.in(im.french))
	default:
		rule, ok := ruleFromDays(days)
		if !ok {
			r.failKind("days")
		}
		rc.RRule = rule
		if s := r.s("to_date"); s != "" {
			d, ok := dateFromSheet(s)
			if !ok {
				r.fail("to_date", expected[kDate].in(im.french))
			} else {
				rc.RRule += ";UNTIL=" + strings.ReplaceAll(d, "-", "") + untilSuffix
			}
			fields["rrule"] = "to_date"
		}
	}
	if r.s("from_time") == "" {
		r.fail("from_time", msgNoStart.in(im.french))
	}
	if r.bad["from_time"] {
		r.taint("to_time")
	}
	if r.s("duration") != "" {
		rc.Duration = r.duration("duration")
		fields["duration"] = "duration"
	} else if end := r.clock("to_time"); end != "" && rc.Start != "" {
		a, _ := model.ParseClock(rc.Start)
		b, _ := model.ParseClock(end)
		if b <= a {
			b += 1440 // across midnight
		}
		rc.Duration = minutesText(b - a)
	} else if r.s("to_time") == "" && !r.bad["from_time"] {
		r.fail("to_time", msgNoEnd.in(im.french))
	}
	return rc, fields
}

// pilotHours reads a row of Disponibilités that gives pilot owner a session
// (recurring like a recurrence; on one day when Jours and RRULE are empty and Du
// and Au name the same date) or a favour (a recurrence for the household of Pour
// le ménage). Neither has dates excluded.
func (im *importer) pilotHours(key string, owner int, r *rec) {
	pl := &im.p.Pilots[owner]
	if r.s("exdates") != "" {
		r.fail("exdates", msgNoExDates.in(im.french))
	}
	if key == "sessions" && r.s("days") == "" && r.s("rrule") == "" && r.s("from_date") != "" {
		fields := map[string]string{"": "nature", "start": "from_time", "date": "from_date", "duration": "to_time"}
		s := model.Session{Start: r.clock("from_time")}
		if d, ok := dateFromSheet(r.s("from_date")); ok {
			s.Date = d
		} else {
			r.fail("from_date", expected[kDate].in(im.french))
		}
		if to := r.s("to_date"); to != "" {
			if d, ok := dateFromSheet(to); !ok || d != s.Date {
				r.fail("to_date", msgOneDay.in(im.french))
			}
		}
		if r.s("from_time") == "" {
			r.fail("from_time", msgNoStart.in(im.french))
		}
		switch end := r.clock("to_time"); {
		case r.s("duration") != "":
			s.Duration, fields["duration"] = r.duration("duration"), "duration"
		case end != "" && s.Start != "":
			a, _ := model.ParseClock(s.Start)
			b, _ := model.ParseClock(end)
			if b <= a {
				b += 1440
			}
			s.Duration = minutesText(b - a)
		case r.s("to_time") == "" && !r.bad["from_time"]:
			r.fail("to_time", msgNoEnd.in(im.french))
		}
		im.at(fmt.Sprintf("pilots[%d].sessions[%d]", owner, len(pl.Sessions)), r, fields)
		pl.Sessions = append(pl.Sessions, s)
		return
	}
	rc, fields := im.recurrence(r)
	if key == "sessions" {
		im.at(fmt.Sprintf("pilots[%d].sessions[%d]", owner, len(pl.Sessions)), r, fields)
		pl.Sessions = append(pl.Sessions, model.Session{RRule: rc.RRule, Start: rc.Start, Duration: rc.Duration, From: rc.From})
		return
	}
	fields["household"] = "household"
	if r.s("household") == "" {
		r.fail("household", fmt.Sprintf(msgOwnerEmpty.in(im.french), ownerKinds["household"].in(im.french)))
	}
	im.at(fmt.Sprintf("pilots[%d].favours[%d]", owner, len(pl.Favours)), r, fields)
	pl.Favours = append(pl.Favours, model.Favour{Household: r.s("household"), RRule: rc.RRule, Start: rc.Start, Duration: rc.Duration, From: rc.From})
}

// period reads a row of Disponibilités as a period: Du (and De) to Au (and À).
func (im *importer) period(r *rec) (model.Period, map[string]string) {
	fields := map[string]string{"": "nature", "from": "from_date", "to": "to_date", "reason": "reason"}
	part := func(dateKey, clockKey string) string {
		s := r.s(dateKey)
		if s == "" {
			r.fail(dateKey, msgPeriodDate.in(im.french))
			return ""
		}
		m := r.moment(dateKey)
		if c := r.clock(clockKey); c != "" && m != "" {
			if len(m) != 10 {
				r.fail(clockKey, expected[kDate].in(im.french))
				return m
			}
			return m + "T" + c
		}
		return m
	}
	return model.Period{From: part("from_date", "from_time"), To: part("to_date", "to_time"), Reason: r.s("reason")}, fields
}

// mapValidation turns model.Validate's errors into cell errors: each path is
// matched with the longest path an entity was read at; the rest names the field,
// hence the column. An error on a cell that already has one is dropped (it follows
// from the first).
func (im *importer) mapValidation(err error) {
	ve, ok := err.(*model.ValidationError)
	if !ok {
		im.add(&CellError{Expected: err.Error()})
		return
	}
	seen := im.tainted
	for _, e := range im.errs {
		seen[cellKey(e.Sheet, e.Row, e.Column)] = true
	}
next:
	for _, fe := range ve.Errors {
		for _, s := range im.skip {
			if fe.Field == s || strings.HasPrefix(fe.Field, s+".") || strings.HasPrefix(fe.Field, s+"[") {
				continue next
			}
		}
		ce := im.locate(fe)
		if seen[cellKey(ce.Sheet, ce.Row, ce.Column)] && ce.Sheet != "" {
			continue
		}
		im.add(ce)
	}
}

func (im *importer) locate(fe *model.FieldError) *CellError {
	msg := im.ruleMessage(fe.Msg)
	path := fe.Field
	for p := path; p != ""; p = parentPath(p) {
		l, ok := im.locs[p]
		if !ok {
			continue
		}
		rest := strings.TrimPrefix(path[len(p):], ".")
		field := rest
		if i := strings.IndexAny(rest, ".["); i >= 0 {
			field = rest[:i]
		}
		key, ok := l.fields[field]
		if !ok {
			key = l.fields[""]
		}
		if key == "" && field == "" {
			key = "id"
		}
		i := l.def.colIndex(key)
		if i < 0 {
			return &CellError{Sheet: l.sheet, Row: l.row, Expected: msg}
		}
		return &CellError{Sheet: l.sheet, Row: l.row, Column: l.def.cols[i].title, Cell: cellName(sheetCol(l.cols, i), l.row), Value: display(l.def.cols[i].kind, strings.TrimSpace(l.vals[i])), Expected: msg}
	}
	if fe.Field == "(document)" || fe.Field == "" {
		return &CellError{Expected: msg}
	}
	return &CellError{Expected: fmt.Sprintf("%s: %s", fe.Field, msg)}
}

// parentPath is path without its last segment ("a[1].b" -> "a[1]" -> "a").
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// setContact sets the field of the operation's contact that key names
// ("operation.contact.phone", ...); an empty value sets nothing.
func setContact(o *model.Operation, key, v string) {
	if v == "" {
		return
	}
	if o.Contact == nil {
		o.Contact = &model.Contact{}
	}
	switch key {
	case "operation.contact.name":
		o.Contact.Name = v
	case "operation.contact.phone":
		o.Contact.Phone = v
	case "operation.contact.email":
		o.Contact.Email = v
	case "operation.contact.hours":
		o.Contact.Hours = v
	default:
		o.Contact.Address = v
	}
}
