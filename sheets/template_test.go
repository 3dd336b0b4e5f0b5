package sheets

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The template holds every sheet in order, each with its titles and explanations,
// and drop-down lists on the enumerations and the id references.
func TestTemplateLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := append(append([]string{SheetHelp, SheetOperation}, sheetNames()...), sheetLists)
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if v, _ := f.GetSheetVisible(sheetLists); v {
		t.Error("the sheet of lists is visible")
	}
	for _, d := range tableDefs {
		rows, err := f.GetRows(d.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 {
			t.Fatalf("%s: %d rows, want titles and explanations", d.name, len(rows))
		}
		for i, c := range d.cols {
			if c.title == "" {
				continue
			}
			if i >= len(rows[0]) || rows[0][i] != c.title || rows[1][i] != c.help {
				t.Errorf("%s column %d: want title %q and its explanation", d.name, i+1, c.title)
			}
		}
		dvs, err := f.GetDataValidations(d.name)
		if err != nil {
			t.Fatal(err)
		}
		lists := map[string]string{} // column letter -> formula
		for _, dv := range dvs {
			lists[strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")] = dv.Formula1
		}
		for i, c := range d.cols {
			col := colName(i + 1)
			f1, ok := lists[col]
			switch {
			case c.kind == kEnum || c.kind == kBool:
				if !ok || !strings.Contains(f1, c.enum.labels[0]) {
					t.Errorf("%s %q: drop-down %q, want the list %q", d.name, c.title, f1, c.enum.labels)
				}
			case c.ref != nil:
				if !ok || !strings.Contains(f1, c.ref.sheet+"'!$"+c.ref.col) {
					t.Errorf("%s %q: drop-down %q, want the ids of %s column %s", d.name, c.title, f1, c.ref.sheet, c.ref.col)
				}
			}
		}
	}
	// the operation's enumerations and time zone have theirs too
	dvs, _ := f.GetDataValidations(SheetOperation)
	if len(dvs) != 2 {
		t.Errorf("Opération: %d drop-downs, want 2 (holidays, time zone)", len(dvs))
	}
}
