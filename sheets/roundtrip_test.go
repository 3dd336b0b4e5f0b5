package sheets

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var examplePath = filepath.Join("..", "testdata", "operations", "example.json")

func readExample(t testing.TB) *model.Problem {
	t.Helper()
	f, err := os.Open(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := model.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func canonical(t testing.TB, p *model.Problem) string {
	t.Helper()
	b, err := model.MarshalProblemIndent(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return "line " + itoa(i+1) + ":\nwant: " + strings.Join(la[lo:i+1], "\n") + "\ngot:  " + strings.Join(lb[lo:i+1], "\n")
		}
	}
	return "lengths differ"
}

func TestRoundTripExample(t *testing.T) {
	p := readExample(t)
	var buf bytes.Buffer
	if err := Template(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := Import(bytes.NewReader(buf.Bytes()), scheduler.French)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := canonical(t, p), canonical(t, q); a != b {
		t.Fatalf("the problem read back differs: %s", firstDiff(a, b))
	}
}

// withPilotHoursAndNotices is the example with what the first workbooks dropped:
// trades' notice periods, a pilot's extra sessions (weekly, monthly by RRULE, on
// one day, one day past midnight) and hours for one household.
func withPilotHoursAndNotices(t testing.TB) *model.Problem {
	p := readExample(t)
	three, ten := 3, 10
	p.Trades[1].NoticeDays, p.Trades[3].NoticeDays = &three, &ten
	pl := &p.Pilots[0]
	pl.Sessions = []model.Session{
		{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "3h"},
		{RRule: "FREQ=MONTHLY;BYDAY=1TH", Start: "18:00", Duration: "2h", From: "2027-02-01"},
		{Date: "2027-03-13", Start: "09:30", Duration: "2h30m"},
		{Date: "2027-03-20", Start: "22:00", Duration: "3h"},
	}
	pl.Favours = []model.Favour{
		{Household: "H002", RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"},
		{Household: "H005", RRule: "FREQ=WEEKLY;BYDAY=MO,TH", Start: "07:30", Duration: "1h", From: "2027-03-01"},
	}
	if err := model.Validate(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The pilot's sessions and favours and the trades' notice periods survive a
// template --from and import round trip, in their own rows and columns with
// French titles, and the household of a favour has its drop-down list.
func TestRoundTripPilotHoursAndNotices(t *testing.T) {
	p := withPilotHoursAndNotices(t)
	var buf bytes.Buffer
	if err := Template(&buf, p); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []scheduler.Lang{scheduler.French, scheduler.English} {
		q, err := Import(bytes.NewReader(buf.Bytes()), lang)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := canonical(t, p), canonical(t, q); a != b {
			t.Fatalf("the problem read back differs: %s", firstDiff(a, b))
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetAvailability)
	if err != nil {
		t.Fatal(err)
	}
	var sessions, favours []string
	for _, r := range rows[2:] {
		switch r[0] {
		case "permanence supplémentaire du pilote":
			sessions = append(sessions, strings.Join(r, "|"))
		case "heures du pilote pour un ménage":
			favours = append(favours, strings.Join(r, "|"))
		}
	}
	want := []string{
		"permanence supplémentaire du pilote|pilot-1|sam|09:00|12:00",
		"permanence supplémentaire du pilote|pilot-1||18:00||01/02/2027|||FREQ=MONTHLY;BYDAY=1TH|2 h",
		"permanence supplémentaire du pilote|pilot-1||09:30|12:00|13/03/2027|13/03/2027",
		"permanence supplémentaire du pilote|pilot-1||22:00|01:00|20/03/2027|20/03/2027",
	}
	if strings.Join(sessions, "\n") != strings.Join(want, "\n") {
		t.Errorf("sessions:\n%s\nwant:\n%s", strings.Join(sessions, "\n"), strings.Join(want, "\n"))
	}
	wantF := []string{
		"heures du pilote pour un ménage|pilot-1|mar|17:30|19:00|||||||H002",
		"heures du pilote pour un ménage|pilot-1|lun, jeu|07:30|08:30|01/03/2027||||||H005",
	}
	if strings.Join(favours, "\n") != strings.Join(wantF, "\n") {
		t.Errorf("favours:\n%s\nwant:\n%s", strings.Join(favours, "\n"), strings.Join(wantF, "\n"))
	}
	if rows[0][len(rows[0])-1] != "Pour le ménage" {
		t.Errorf("the last title of %s is %q", SheetAvailability, rows[0][len(rows[0])-1])
	}
	trades, err := f.GetRows(SheetTrades)
	if err != nil {
		t.Fatal(err)
	}
	nc := slices.IndexFunc(tradesDef.cols, func(c column) bool { return c.key == "notice_days" })
	if trades[0][nc] != "Délai de prévenance (jours)" || trades[3][nc] != "3" || trades[5][nc] != "10" || trades[4][nc] != "" {
		t.Errorf("the trades' notice periods: %q, %q %q %q", trades[0][nc], trades[3][nc], trades[4][nc], trades[5][nc])
	}
	dvs, err := f.GetDataValidations(SheetAvailability)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, dv := range dvs {
		if strings.HasPrefix(dv.Sqref, "L3") && strings.Contains(dv.Formula1, "Ménages") {
			found = true
		}
	}
	if !found {
		t.Errorf("no drop-down of households on the column Pour le ménage")
	}
}
