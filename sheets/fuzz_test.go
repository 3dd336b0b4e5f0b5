package sheets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// FuzzImport feeds Import arbitrary files: it never panics, and gives either a
// problem model.Validate accepts or a *Error whose every entry says what was
// expected.
func FuzzImport(f *testing.F) {
	var empty, small bytes.Buffer
	if err := Template(&empty, nil); err != nil {
		f.Fatal(err)
	}
	if err := Template(&small, smallProblem()); err != nil {
		f.Fatal(err)
	}
	f.Add(empty.Bytes())
	f.Add(small.Bytes())
	f.Add(small.Bytes()[:len(small.Bytes())/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Import(bytes.NewReader(data), scheduler.English)
		checkImported(t, p, err)
	})
}

// FuzzImportCSV does the same with one CSV file taken for each sheet in turn.
func FuzzImportCSV(f *testing.F) {
	f.Add("Logement;Bâtiment;Cage;Étage\nB1-A-01;B1;B1-A;trois\n", 3)
	f.Add("Nature,Qui,Jours,De,À\nprésence du ménage,H1,lun-ven,08:00,12:00\n", 5)
	f.Add("Paramètre,Valeur\nDébut,04/01/2027\n\"Fin,\"\"x\n", 0)
	f.Fuzz(func(t *testing.T, text string, sheet int) {
		names := append([]string{SheetOperation}, sheetNames()...)
		name := names[(sheet%len(names)+len(names))%len(names)]
		fsys := fstest.MapFS{name + ".csv": {Data: []byte(text)}}
		p, err := ImportDir(fsys, scheduler.French)
		checkImported(t, p, err)
	})
}

func checkImported(t *testing.T, p *model.Problem, err error) {
	t.Helper()
	if err == nil {
		if verr := model.Validate(p); verr != nil {
			t.Fatalf("imported a problem Validate refuses: %v", verr)
		}
		return
	}
	var se *Error
	if !errors.As(err, &se) {
		return // an I/O error of the reader
	}
	if len(se.Errors) == 0 {
		t.Fatal("a *sheets.Error without errors")
	}
	for _, ce := range se.Errors {
		if strings.TrimSpace(ce.Expected) == "" {
			t.Fatalf("an error that says nothing: %+v", ce)
		}
	}
}

// FuzzDuration: a duration read from a cell is one the model reads, and writing
// it back to a cell and reading it again gives it unchanged.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"1 j", "0,5 j", "2 h 30", "24 h", "45 min", "1h30m", "2h30", "1 jour 2 heures", "3", "j", "1,5,5 j"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok, _ := durationFromSheet(s, true)
		if !ok {
			return
		}
		if _, err := model.ParseDuration(out, 480); err != nil && !strings.Contains(err.Error(), "ten years") {
			t.Fatalf("%q read as %q, which the model refuses: %v", s, out, err)
		}
		again, ok, _ := durationFromSheet(durationToSheet(out), true)
		if !ok || again != out {
			t.Fatalf("%q -> %q -> %q -> %q", s, out, durationToSheet(out), again)
		}
	})
}

// smallProblem is a valid operation of one dwelling.
func smallProblem() *model.Problem {
	return &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op", TimeZone: "Europe/Paris", Start: "2027-01-04", End: "2027-03-31"},
		Trades:    []model.Trade{{ID: "paint", Access: model.AccessNone}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Dwellings: []model.Dwelling{{ID: "D1", Building: "B1", Stairwell: "B1-A", Floor: 2, Household: "H1"}},
		Households: []model.Household{{ID: "H1", Availability: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO,TU", Start: "08:00", Duration: "4h"}},
			Absences: []model.Period{{From: "2027-02-01T10:00", To: "2027-02-03", Reason: "hôpital"}}}},
		Crews:         []model.Crew{{ID: "C1", Trades: []string{"paint"}}},
		Interventions: []model.Intervention{{ID: "D1/paint", Dwelling: "D1", Trade: "paint", Duration: "0.5d"}},
	}
}
