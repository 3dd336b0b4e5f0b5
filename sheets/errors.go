package sheets

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// maxCellErrors bounds the errors an Error lists; the last one counts the others.
const maxCellErrors = 200

// CellError is one thing wrong in a workbook: where (sheet, row, column, cell), the
// value found and what was expected, in the language Import was asked for. Row is 0
// for a sheet missing or wrong as a whole, Column "" for a whole row; Sheet "" for
// the workbook.
type CellError struct {
	Sheet    string
	Row      int    // the spreadsheet's row number, from 1
	Column   string // the column's title (row 1), as the workbook writes it
	Cell     string // "D12", when known
	Value    string // the value found, as read
	Expected string // what was expected, or what is wrong with the value
	french   bool
}

func (e *CellError) Error() string {
	var b strings.Builder
	fr := e.french
	switch {
	case e.Sheet == "" && fr:
		b.WriteString("classeur")
	case e.Sheet == "":
		b.WriteString("workbook")
	default:
		b.WriteString(e.Sheet)
	}
	if e.Row > 0 {
		if fr {
			fmt.Fprintf(&b, ", ligne %d", e.Row)
		} else {
			fmt.Fprintf(&b, ", row %d", e.Row)
		}
	}
	if e.Column != "" {
		if fr {
			fmt.Fprintf(&b, ", colonne « %s »", e.Column)
		} else {
			fmt.Fprintf(&b, ", column %q", e.Column)
		}
		if e.Cell != "" {
			fmt.Fprintf(&b, " (%s)", e.Cell)
		}
	}
	if fr {
		b.WriteString(" : ")
	} else {
		b.WriteString(": ")
	}
	if e.Column != "" {
		switch {
		case e.Value == "" && fr:
			b.WriteString("cellule vide, ")
		case e.Value == "":
			b.WriteString("empty cell, ")
		case fr:
			fmt.Fprintf(&b, "trouvé « %s », ", shorten(e.Value))
		default:
			fmt.Fprintf(&b, "found %q, ", shorten(e.Value))
		}
	}
	b.WriteString(e.Expected)
	return b.String()
}

func shorten(s string) string {
	if len(s) <= 60 {
		return s
	}
	return model.ShortID(s[:60]) + "..."
}

// Error is what Import returns when a workbook cannot give a valid problem: every
// error found, in sheet and row order (those of the cells first, then those
// model.Validate finds in what the cells said, mapped back to their cells).
// errors.As(err, &e) with e *sheets.Error reads them; errors.Is(err,
// model.ErrInvalid) holds.
type Error struct {
	Errors []*CellError
	french bool
}

func (e *Error) Error() string {
	head := fmt.Sprintf("invalid workbook: %d errors", len(e.Errors))
	if e.french {
		head = fmt.Sprintf("classeur invalide : %d erreurs", len(e.Errors))
	}
	if len(e.Errors) == 1 {
		if e.french {
			return "classeur invalide : " + e.Errors[0].Error()
		}
		return "invalid workbook: " + e.Errors[0].Error()
	}
	var b strings.Builder
	b.WriteString(head)
	for _, ce := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(ce.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, model.ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == model.ErrInvalid }

// text is a message in both languages.
type text struct{ fr, en string }

func (t text) in(french bool) string {
	if french {
		return t.fr
	}
	return t.en
}

func isFrench(lang scheduler.Lang) bool { return lang != scheduler.English }

// What each kind of column expects.
var expected = map[kind]text{
	kInt:      {"attendu un nombre entier", "expected a whole number"},
	kFloat:    {"attendu un nombre (par exemple 2,5)", "expected a number (such as 2.5)"},
	kBool:     {"attendu oui ou non", "expected oui or non (yes or no)"},
	kDate:     {"attendu une date JJ/MM/AAAA", "expected a date DD/MM/YYYY"},
	kMoment:   {"attendu une date JJ/MM/AAAA ou une date et une heure JJ/MM/AAAA HH:MM", "expected a date DD/MM/YYYY or a date and time DD/MM/YYYY HH:MM"},
	kClock:    {"attendu une heure HH:MM", "expected a time of day HH:MM"},
	kDuration: {"attendu une durée comme « 1 j », « 0,5 j », « 2 h 30 » ou « 45 min »", "expected a duration such as \"1 j\" (working days), \"0,5 j\", \"2 h 30\" or \"45 min\""},
	kLag:      {"attendu une durée en heures et minutes comme « 24 h » ou « 2 h 30 »", "expected a duration in hours and minutes such as \"24 h\" or \"2 h 30\""},
	kDays:     {"attendu des jours comme « lun-ven », « mar, jeu » ou « tous les jours »", "expected days such as \"lun-ven\", \"mar, jeu\" or \"tous les jours\" (every day)"},
}

var (
	msgLagDays    = text{"attendu des heures : un délai ne s'écrit pas en jours (« 48 h »), ou en jours ouvrés dans sa colonne", "expected hours: a lag is not written in days (\"48 h\"), or in working days in its own column"}
	msgDateList   = text{"attendu des dates JJ/MM/AAAA séparées par des virgules", "expected dates DD/MM/YYYY separated by commas"}
	msgUnknownCol = text{"colonne inconnue : attendu l'une des colonnes %s", "unknown column: expected one of the columns %s"}
	msgMissingCol = text{"colonne absente : attendu une colonne « %s »", "missing column: expected a column \"%s\""}
	msgUnknownPar = text{"paramètre inconnu : attendu l'un de %s", "unknown parameter: expected one of %s"}
	msgNoSheet    = text{"feuille absente : attendu une feuille « %s »", "missing sheet: expected a sheet \"%s\""}
	msgNature     = text{"attendu une nature de la liste : %s", "expected a nature from the list: %s"}
	msgOwner      = text{"identifiant inconnu : attendu un %s de la feuille « %s »", "unknown id: expected a %s of the sheet \"%s\""}
	msgOwnerEmpty = text{"cellule à remplir : attendu l'identifiant du %s", "to be filled in: expected the id of the %s"}
	msgDaysAndRR  = text{"remplir Jours ou RRULE, pas les deux", "fill in Jours or RRULE, not both"}
	msgNoDays     = text{"attendu les jours (« lun-ven ») ou une RRULE", "expected the days (\"lun-ven\") or an RRULE"}
	msgNoEnd      = text{"attendu l'heure de fin (À) ou une Durée", "expected the end time (À) or a Durée"}
	msgNoStart    = text{"attendu l'heure de début (HH:MM)", "expected the start time (HH:MM)"}
	msgPeriodDate = text{"attendu la date de l'absence (JJ/MM/AAAA)", "expected the date of the absence (DD/MM/YYYY)"}
	msgBuildName  = text{"nom différent de celui de la ligne %d (« %s ») pour le même bâtiment", "another name than on row %d (\"%s\") for the same building"}
	msgTooMany    = text{"%d erreurs de plus, non listées", "%d more errors, not listed"}
	msgTooBig     = text{"plus de %d lignes : ce n'est pas une opération plausible", "more than %d rows: not a plausible operation"}
	msgNotBook    = text{"fichier illisible : attendu un classeur .xlsx (%v)", "unreadable file: expected an .xlsx workbook (%v)"}
	msgRule       = text{"refusé : %s", "refused: %s"}
	msgNoExDates  = text{"pas de dates exclues pour une permanence supplémentaire ou des heures du pilote pour un ménage : une ligne par plage", "no dates excluded for a pilot's extra session or hours for a household: one row per stretch"}
	msgOneDay     = text{"une permanence d'un seul jour (Jours vide) : attendu la même date que Du", "a session of one day (Jours empty): expected the same date as Du"}
	msgHelpRow    = text{"ligne d'explication attendue en ligne 2", "expected the explanation row on row 2"}
)

type ownerKind struct{ fr, en, sheet string }

func (k ownerKind) in(french bool) string {
	if french {
		return k.fr
	}
	return k.en
}

var ownerKinds = map[string]ownerKind{
	"household": {"ménage", "household", SheetHouseholds},
	"crew":      {"équipe", "crew", SheetCrews},
	"pilot":     {"pilote", "pilot", SheetPilots},
	"profile":   {"profil", "profile", SheetProfiles},
}

func quoteList(items []string, french bool) string {
	q := make([]string, len(items))
	for i, s := range items {
		if french {
			q[i] = "« " + s + " »"
		} else {
			q[i] = "\"" + s + "\""
		}
	}
	return strings.Join(q, ", ")
}

// display is a cell's raw value as the spreadsheet shows it: a date or time cell
// reads as its serial number, shown as JJ/MM/AAAA or HH:MM.
func display(k kind, raw string) string {
	if _, ok := number(raw); !ok {
		return raw
	}
	switch k {
	case kDate, kMoment:
		if m, ok := momentFromSheet(raw); ok {
			if t, err := time.Parse("2006-01-02T15:04", m); err == nil {
				return t.Format("02/01/2006 15:04")
			}
			if t, err := time.Parse("2006-01-02", m); err == nil {
				return t.Format("02/01/2006")
			}
		}
	case kClock:
		if c, ok := clockFromSheet(raw); ok {
			return c
		}
	}
	return raw
}

// Frequent validation messages, said in French; the others are given as the model
// writes them (in English) after "refusé".
var (
	reUnknown   = regexp.MustCompile(`^unknown ([a-z ]+) "(.*)"$`)
	reDuplicate = regexp.MustCompile(`^duplicate id, already used by ([a-z_]+)\[(\d+)\]$`)
	reMissing   = regexp.MustCompile(`^missing ?([a-z ]*)`)
	refsFR      = map[string]string{"building": "un bâtiment de la feuille « Bâtiments et cages »", "dwelling": "un logement de la feuille « Logements »",
		"household": "un ménage de la feuille « Ménages »", "profile": "un profil de la feuille « Profils »",
		"trade": "un corps d'état de la feuille « Corps d'état et enchaînements »", "crew": "une équipe de la feuille « Équipes »",
		"pilot": "un pilote de la feuille « Pilotes »", "delivery": "une livraison de la feuille « Livraisons »",
		"intervention": "une intervention de la feuille « Interventions »", "stairwell": "une cage de la feuille « Bâtiments et cages »",
		"relocation unit": "un logement tiroir de la feuille « Logements tiroirs »"}
	kindsFR = map[string]string{"building": "bâtiment", "dwelling": "logement", "household": "ménage", "profile": "profil",
		"trade": "corps d'état", "crew": "équipe", "pilot": "pilote", "delivery": "livraison", "intervention": "intervention",
		"stairwell": "cage", "relocation unit": "logement tiroir", "time zone": "fuseau horaire", "date": "date",
		"duration": "durée", "rrule": "règle", "time of day": "heure", "id": "identifiant"}
)

// translations are other frequent messages of model.Validate, in French.
var translations = []struct {
	re *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`ends \((.*)\) before it starts \((.*)\)$`), "refusé : finit (%s) avant de commencer (%s)"},
	{regexp.MustCompile(`^unknown time zone "([^"]*)"`), "refusé : fuseau horaire « %s » inconnu, attendu un nom IANA comme « Europe/Paris »"},
	{regexp.MustCompile(`^missing household \(an empty dwelling is "vacant": true\)$`), "refusé : à remplir (le ménage occupant), ou « oui » dans la colonne Vacant"},
	{regexp.MustCompile(`^duration "(.*)" is not positive$`), "refusé : la durée « %s » n'est pas positive"},
}

// ruleMessage is a message of model.Validate as the workbook's reader is told it.
func (im *importer) ruleMessage(msg string) string {
	if !im.french {
		return fmt.Sprintf(msgRule.en, msg)
	}
	for _, tr := range translations {
		if m := tr.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i := range args {
				args[i] = m[i+1]
			}
			return fmt.Sprintf(tr.fr, args...)
		}
	}
	if m := reUnknown.FindStringSubmatch(msg); m != nil && refsFR[m[1]] != "" {
		return "identifiant inconnu : attendu " + refsFR[m[1]]
	}
	if m := reDuplicate.FindStringSubmatch(msg); m != nil {
		if l := im.locs[m[1]+"["+m[2]+"]"]; l != nil {
			return fmt.Sprintf("refusé : identifiant en double, déjà pris en ligne %d", l.row)
		}
		return "refusé : identifiant en double"
	}
	if m := reMissing.FindStringSubmatch(msg); m != nil {
		what := strings.TrimSpace(m[1])
		if fr, ok := kindsFR[what]; ok {
			return "refusé : à remplir (" + fr + ")"
		}
		if what == "" {
			return "refusé : à remplir"
		}
	}
	return fmt.Sprintf(msgRule.fr, msg)
}
