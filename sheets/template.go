package sheets

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
)

// validationRows is how many rows below the headers get the drop-down lists in an
// empty template (a filled one gets at least its rows).
const validationRows = 2000

// firstDataRow is the first row holding an entity (row 1 titles, row 2 explanations).
const firstDataRow = 3

// Template writes the French workbook to fill in: Mode d'emploi, Opération, then one
// sheet per kind of entity, each with a title row, an explanation row, drop-down
// lists for ids and enumerations, dates and times as date cells. With a problem, the
// sheets hold it, and Import reads the workbook back into the same problem; with nil
// they are empty.
func Template(w io.Writer, p *model.Problem) error {
	if p == nil {
		p = &model.Problem{}
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetHelp); err != nil {
		return err
	}
	// every sheet first, in order: hiding Listes once the others are streamed would
	// read them all back
	for _, name := range append(append([]string{SheetOperation}, sheetNames()...), sheetLists) {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := f.SetSheetVisible(sheetLists, false); err != nil {
		return err
	}
	if err := writeHelp(f, st); err != nil {
		return err
	}
	if err := writeOperation(f, st, p); err != nil {
		return err
	}
	rows := tableRows(p)
	for _, d := range tableDefs {
		if err := writeTable(f, st, d, rows[d.name]); err != nil {
			return fmt.Errorf("sheet %s: %w", d.name, err)
		}
	}
	if err := writeLists(f, p); err != nil {
		return err
	}
	_, err = f.WriteTo(w) // the first sheet, Mode d'emploi, is the active one
	return err
}

// styles are the cell styles of the workbook.
type styles struct {
	header, help, date, clock, stamp, text, title, weekend int
}

func newStyles(f *excelize.File) (*styles, error) {
	var st styles
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	dateFmt, clockFmt, stampFmt := "dd/mm/yyyy", "hh:mm", "dd/mm/yyyy hh:mm"
	st.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"305496"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	st.help = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959", Size: 9},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	st.date = mk(&excelize.Style{CustomNumFmt: &dateFmt})
	st.clock = mk(&excelize.Style{CustomNumFmt: &clockFmt})
	st.stamp = mk(&excelize.Style{CustomNumFmt: &stampFmt})
	st.text = mk(&excelize.Style{NumFmt: 49}) // "@": what is typed stays text
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.weekend = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}})
	return &st, err
}

// cell wraps a value in its style; an empty string is no cell at all (smaller
// files, faster to read).
func (st *styles) cell(v any) any {
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil
		}
	case dateV:
		return excelize.Cell{StyleID: st.date, Value: float64(v)}
	case clockV:
		return excelize.Cell{StyleID: st.clock, Value: float64(v)}
	case stampV:
		return excelize.Cell{StyleID: st.stamp, Value: float64(v)}
	}
	return v
}

var helpLines = []string{
	"Classeur d'une opération de réhabilitation en site occupé (rehabplan)",
	"",
	"Chaque feuille décrit une sorte d'élément : une ligne par élément, à partir de la ligne 3. La ligne 1 donne le nom des colonnes (ne pas le modifier), la ligne 2 explique chaque colonne.",
	"Les cellules à liste déroulante proposent les identifiants déjà saisis dans les autres feuilles, ou les valeurs permises (oui / non, locataire / clés / aucun...).",
	"Identifiants : courts, sans virgule ; ils relient les feuilles entre elles (un logement nomme son bâtiment, sa cage et son ménage).",
	"Dates : JJ/MM/AAAA ; heures : HH:MM ; date et heure : JJ/MM/AAAA HH:MM.",
	"Durées : « 1 j » (une journée de travail, voir Opération), « 0,5 j », « 2 h 30 », « 45 min ». Délais : en heures (« 24 h », « 48 h ») ou en jours ouvrés dans leur colonne.",
	"Listes dans une cellule : éléments séparés par des virgules (« peinture, plomberie »).",
	"",
	"Feuilles :",
	"  Opération : identifiant, fuseau horaire, horizon, jours fériés, journée de travail, délai de prévenance, poids des objectifs.",
	"  Bâtiments et cages : une ligne par cage d'escalier, avec son bâtiment.",
	"  Logements : bâtiment, cage, étage, ménage occupant (ou vacant).",
	"  Ménages : identifiant pseudonyme, clés laissées au pilote, profils de contraintes.",
	"  Disponibilités : présences et préférences des ménages, absences, calendriers des équipes, permanences du pilote, horaires du chantier. Une ligne par plage : Nature, Qui, Jours (« lun-ven »), De, À, Du, Au, Sauf les. La colonne RRULE sert aux cas rares.",
	"    Permanence supplémentaire du pilote (un samedi matin, une soirée) : Jours, De, À comme une permanence ; pour un seul jour, Jours vide et la date dans Du et Au.",
	"    Heures du pilote pour un ménage (le mardi de 17 h 30 à 19 h pour un locataire rentré tard) : Qui est le pilote, Pour le ménage le ménage.",
	"  Profils : règles tirées du diagnostic social (jamais le diagnostic lui-même).",
	"  Équipes : entreprise, corps d'état, effectif.",
	"  Pilotes : pilotes sociaux, permanence du samedi, contact.",
	"  Corps d'état et enchaînements : à gauche les corps d'état (et le délai de prévenance de chacun, s'il diffère de celui de l'opération), à droite l'ordre entre eux dans chaque logement (ou cage) et les délais.",
	"  Livraisons : matériaux et date d'arrivée sur le chantier.",
	"  Logements tiroirs et Relogements : logements de relogement temporaire et séjours des ménages.",
	"  Interventions : une ligne par intervention. Si la feuille est vide, une intervention est créée par logement et par corps d'état ayant une « Durée par défaut ».",
	"",
	"Ensuite : rehabplan import classeur.xlsx -o operation.json ; chaque erreur nomme la feuille, la ligne, la colonne, la valeur trouvée et ce qui est attendu.",
}

func writeHelp(f *excelize.File, st *styles) error {
	sw, err := f.NewStreamWriter(SheetHelp)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 140); err != nil {
		return err
	}
	for i, l := range helpLines {
		var v any = l
		if i == 0 {
			v = excelize.Cell{StyleID: st.title, Value: l}
		}
		if err := sw.SetRow(cellName(1, i+1), []any{v}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func writeOperation(f *excelize.File, st *styles, p *model.Problem) error {
	// enumerations and the time zone get their drop-downs on their own row
	for i, pr := range operationParams {
		ref := cellName(2, firstDataRow+i)
		switch {
		case pr.kind == kEnum:
			if err := addDropList(f, SheetOperation, ref, pr.enum.labels); err != nil {
				return err
			}
		case pr.key == "operation.time_zone":
			if err := addDropList(f, SheetOperation, ref, []string{"Europe/Paris", "America/Guadeloupe", "America/Martinique", "America/Cayenne", "Indian/Reunion", "Indian/Mayotte"}); err != nil {
				return err
			}
		}
	}
	sw, err := f.NewStreamWriter(SheetOperation)
	if err != nil {
		return err
	}
	for i, w := range []float64{38, 30, 100} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := headerRows(sw, st, opCols); err != nil {
		return err
	}
	for i, r := range operationRows(p) {
		cells := []any{r[0], st.cell(r[1]), excelize.Cell{StyleID: st.help, Value: r[2]}}
		if err := sw.SetRow(cellName(1, firstDataRow+i), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func headerRows(sw *excelize.StreamWriter, st *styles, cols []column) error {
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	h := make([]any, len(cols))
	e := make([]any, len(cols))
	for i, c := range cols {
		h[i] = excelize.Cell{StyleID: st.header, Value: c.title}
		e[i] = excelize.Cell{StyleID: st.help, Value: c.help}
	}
	if err := sw.SetRow("A1", h, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	return sw.SetRow("A2", e, excelize.RowOpts{Height: 60})
}

// writeTable writes a table sheet: titles, explanations, rows, drop-down lists.
func writeTable(f *excelize.File, st *styles, d *sheetDef, rows [][]any) error {
	last := firstDataRow + max(len(rows), validationRows) - 1
	for i, c := range d.cols {
		sq := fmt.Sprintf("%s%d:%s%d", colName(i+1), firstDataRow, colName(i+1), last)
		var err error
		switch {
		case c.kind == kEnum || c.kind == kBool:
			err = addDropList(f, d.name, sq, c.enum.labels)
		case c.key == "nature" && d.name == SheetAvailability:
			// the natures' labels are too long together for a list written in the
			// validation itself (255 characters): they are listed in Listes
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sq
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$B$%d:$B$%d", sheetLists, firstDataRow, firstDataRow+len(natures)-1))
			dv.SetError(excelize.DataValidationErrorStyleStop, "Valeur non prévue", "Choisir une nature de la liste.")
			err = f.AddDataValidation(d.name, dv)
		case c.ref != nil:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sq
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$%d:$%s$%d", c.ref.sheet, c.ref.col, firstDataRow, c.ref.col, firstDataRow+20000))
			// an id may be typed before its row exists elsewhere: warn, do not block
			dv.SetError(excelize.DataValidationErrorStyleWarning, "Identifiant inconnu", "Cet identifiant n'est pas (encore) dans la liste.")
			err = f.AddDataValidation(d.name, dv)
		}
		if err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(d.name)
	if err != nil {
		return err
	}
	for i, c := range d.cols {
		w := 16.0
		switch {
		case c.title == "":
			w = 3
		case c.kind == kList || c.key == "name" || c.key == "materials" || c.key == "contact" || c.key == "contractor":
			w = 28
		case c.key == "id" && d.name == SheetInterventions:
			w = 24
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
		if c.kind == kText || c.kind == kList || c.kind == kDuration || c.kind == kLag {
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return err
			}
		}
	}
	if err := headerRows(sw, st, d.cols); err != nil {
		return err
	}
	cells := make([]any, len(d.cols))
	for r, row := range rows {
		for i, v := range row {
			cells[i] = st.cell(v)
		}
		if err := sw.SetRow(cellName(1, firstDataRow+r), cells[:len(row)]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func addDropList(f *excelize.File, sheet, sqref string, items []string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	if err := dv.SetDropList(items); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "Valeur non prévue", "Choisir dans la liste : "+strings.Join(items, ", "))
	return f.AddDataValidation(sheet, dv)
}

// writeLists writes the hidden sheet of what the Disponibilités drop-downs offer:
// the ids of column Qui (A), the natures (B).
func writeLists(f *excelize.File, p *model.Problem) error {
	sw, err := f.NewStreamWriter(sheetLists)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"Titulaires (ménages, équipes, pilotes, profils)", "Natures des lignes de Disponibilités"}); err != nil {
		return err
	}
	ids, labels := ownerIDs(p), natureLabels()
	for i := 0; i < max(len(ids), len(labels)); i++ {
		row := []any{"", ""}
		if i < len(ids) {
			row[0] = ids[i]
		}
		if i < len(labels) {
			row[1] = labels[i]
		}
		if err := sw.SetRow(cellName(1, firstDataRow+i), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// sheetNames is the table sheets' names, in order.
func sheetNames() []string {
	var out []string
	for _, d := range tableDefs {
		out = append(out, d.name)
	}
	return out
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}
