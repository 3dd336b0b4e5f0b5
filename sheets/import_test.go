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

// A folder of CSV files as a person writes them with a French spreadsheet:
// semicolons, columns in another order, no explanation row, durations and dates in
// French, no Interventions sheet (one per dwelling and trade with a default duration).
func TestImportDirByHand(t *testing.T) {
	fsys := fstest.MapFS{
		"Opération.csv":          {Data: []byte("Paramètre;Valeur\nIdentifiant;op-main\nFuseau horaire;Europe/Paris\nDébut;04/01/2027\nFin;30/06/2027\nJournée de travail;7 h 30\n")},
		"Bâtiments et cages.csv": {Data: []byte("Cage;Bâtiment;Nom du bâtiment\nA;B1;Les Acacias\nB;B1;\n")},
		"Logements.csv":          {Data: []byte("\xef\xbb\xbfÉtage;Logement;Bâtiment;Cage;Ménage;Vacant\n0;L1;B1;A;M1;\n1;L2;B1;B;;oui\n")},
		"Ménages.csv":            {Data: []byte("Ménage;Profils\nM1;âgé\n")},
		"Profils.csv":            {Data: []byte("Profil;Pas de travaux avant\nâgé;9h30\n")},
		"Disponibilités.csv": {Data: []byte("Nature;Qui;Jours;De;À;Du;Au;Sauf les\n" +
			"présence du ménage;M1;lun-ven;08:00;12:30;;;14/01/2027, 15/01/2027\n" +
			"absence du ménage;M1;;10:00;;01/02/2027;03/02/2027;\n" +
			"horaires du chantier;;lun-ven;08:00;16:00;;30/06/2027;\n")},
		"Équipes.csv": {Data: []byte("Équipe;Corps d'état;Effectif\nE1;peinture, plomberie;2\n")},
		"Corps d'état et enchaînements.csv": {Data: []byte("Corps d'état;Accès;Durée par défaut;;Avant;Après;Délai min\n" +
			"plomberie;locataire;0,5 j;;plomberie;peinture;24 h\npeinture;aucun;1 j 2 h;;;;\n")},
		"notes.txt": {Data: []byte("ignored")},
	}
	p, err := ImportDir(fsys, scheduler.French)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Intervention{
		{ID: "L1/plomberie", Dwelling: "L1", Trade: "plomberie", Duration: "0.5d"},
		{ID: "L1/peinture", Dwelling: "L1", Trade: "peinture", Duration: "1d2h"},
		{ID: "L2/plomberie", Dwelling: "L2", Trade: "plomberie", Duration: "0.5d"},
		{ID: "L2/peinture", Dwelling: "L2", Trade: "peinture", Duration: "1d2h"},
	}
	if len(p.Interventions) != len(want) {
		t.Fatalf("interventions %+v, want %+v", p.Interventions, want)
	}
	for i := range want {
		if got := p.Interventions[i]; got.ID != want[i].ID || got.Duration != want[i].Duration || got.Trade != want[i].Trade {
			t.Errorf("intervention %d: %+v, want %+v", i, got, want[i])
		}
	}
	h := p.Households[0]
	checks := []struct{ what, got, want string }{
		{"working day", p.Operation.WorkingDay, "7h30m"},
		{"building name", p.Buildings[0].Name, "Les Acacias"},
		{"stairwells", p.Buildings[0].Stairwells[1].ID, "B"},
		{"floor", itoa(p.Dwellings[1].Floor), "1"},
		{"availability", h.Availability[0].RRule + " " + h.Availability[0].Start + " " + h.Availability[0].Duration, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR 08:00 4h30m"},
		{"exdates", strings.Join(h.Availability[0].ExDates, ","), "2027-01-14,2027-01-15"},
		{"absence", h.Absences[0].From + " " + h.Absences[0].To, "2027-02-01T10:00 2027-02-03"},
		{"site hours", p.Operation.SiteHours[0].RRule, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270630T235959"},
		{"profile", p.Profiles[0].NoWorkBefore, "09:30"},
		{"crew trades", strings.Join(p.Crews[0].Trades, "|"), "peinture|plomberie"},
		{"lag", p.Sequences[0].MinLag, "24h"},
		{"access", p.Trades[0].Access, model.AccessTenant},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
}

// An empty template imports into errors that say what to fill in, never a panic.
func TestImportEmptyTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Import(&buf, scheduler.French)
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *sheets.Error", err)
	}
	text := err.Error()
	for _, want := range []string{"Opération, ligne 3, colonne « Valeur » (B3) : cellule vide", "Opération, ligne 5, colonne « Valeur » (B5) : cellule vide"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
}

// The small problem round-trips too, with a period starting at a time of day.
func TestRoundTripSmall(t *testing.T) {
	p := smallProblem()
	if err := model.Validate(p); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Template(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := Import(&buf, scheduler.English)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := canonical(t, p), canonical(t, q); a != b {
		t.Fatal(firstDiff(a, b))
	}
}
