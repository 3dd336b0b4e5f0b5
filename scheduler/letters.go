package scheduler

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
)

// Letter is the notice a household receives when its appointments are announced,
// in French (the tenants' language): its appointments, what to prepare, and how to
// reach the pilot.
type Letter struct {
	Household string `json:"household"`
	Dwelling  string `json:"dwelling"`
	// Where is the dwelling in words: "bâtiment B1, escalier B1-A, 2e étage".
	Where string `json:"where"`
	// Operation is the operation's name (its id when it has none).
	Operation string `json:"operation"`
	// Date is the letter's date in words ("lundi 4 janvier 2027").
	Date         string              `json:"date"`
	Appointments []LetterAppointment `json:"appointments"`
	// Contact is the operation's pilot contact (nil when the problem gives none;
	// the letter then names the pilot's own contact, if any, in PilotContact).
	Contact      *model.Contact `json:"contact,omitempty"`
	PilotContact string         `json:"pilot_contact,omitempty"`
	// Text is the letter as plain text.
	Text string `json:"text"`
}

// LetterAppointment is one appointment of a letter.
type LetterAppointment struct {
	Intervention string `json:"intervention"`
	Trade        string `json:"trade"`
	// Work is the trade in words, with what it does to the home.
	Work string `json:"work"`
	// When is the date and time window in words, day by day for a job over
	// several days ("le mardi 2 mars 2027 de 8 h à 12 h et de 13 h à 17 h").
	When  string `json:"when"`
	Start string `json:"start"`
	End   string `json:"end"`
	// Presence says whether someone must be at home, and whether the pilot comes.
	Presence string `json:"presence"`
	// Preparation is what to do before the visit (the trade's, or its default).
	Preparation string `json:"preparation,omitempty"`
}

// letters writes one letter per household of the announced interventions of q.
func letters(q *model.Problem, plan *model.Plan, announced []string, now time.Time, loc *time.Location) []Letter {
	x := model.NewIndex(q)
	byIv := map[string]*model.Assignment{}
	for i := range plan.Assignments {
		byIv[plan.Assignments[i].Intervention] = &plan.Assignments[i]
	}
	op := q.Operation.Name
	if op == "" {
		op = q.Operation.ID
	}
	pilotContact := ""
	for _, pl := range q.Pilots {
		if pl.Contact != "" {
			pilotContact = pl.Contact
			break
		}
	}
	by := map[string]*Letter{}
	var order []string
	for _, id := range announced {
		iv := x.Interventions[id]
		d := x.Dwellings[iv.Dwelling]
		if d == nil || !d.Occupied() {
			continue
		}
		l := by[d.Household]
		if l == nil {
			l = &Letter{Household: d.Household, Dwelling: d.ID, Where: where(d), Operation: op,
				Date: calendar.FrenchDate(now.In(loc)), Contact: q.Operation.Contact}
			if l.Contact == nil {
				l.PilotContact = pilotContact
			}
			by[d.Household] = l
			order = append(order, d.Household)
		}
		a := byIv[id]
		h := x.Households[d.Household]
		l.Appointments = append(l.Appointments, LetterAppointment{Intervention: id, Trade: iv.Trade,
			Work: workInWords(x.Trades[iv.Trade], iv.Trade), When: frWhen(a, loc), Start: a.Start, End: a.End,
			Presence: presence(x, iv, h, a), Preparation: model.PreparationOf(x.Trades[iv.Trade])})
	}
	sort.Strings(order)
	out := make([]Letter, 0, len(order))
	for _, h := range order {
		l := by[h]
		l.Text = letterText(l)
		out = append(out, *l)
	}
	return out
}

// where is the dwelling's place in words.
func where(d *model.Dwelling) string {
	floor := "rez-de-chaussée"
	switch {
	case d.Floor == 1:
		floor = "1er étage"
	case d.Floor > 1:
		floor = fmt.Sprintf("%de étage", d.Floor)
	case d.Floor < 0:
		floor = fmt.Sprintf("sous-sol %d", -d.Floor)
	}
	return fmt.Sprintf("bâtiment %s, escalier %s, %s", d.Building, d.Stairwell, floor)
}

// workInWords is the trade's name with what its work does to the home.
func workInWords(t *model.Trade, id string) string {
	if t == nil {
		return id
	}
	name := t.Name
	if name == "" {
		name = t.ID
	}
	var what []string
	if t.Noisy && t.Dusty {
		what = append(what, "travaux bruyants et poussiéreux")
	} else if t.Noisy {
		what = append(what, "travaux bruyants")
	} else if t.Dusty {
		what = append(what, "travaux poussiéreux")
	}
	if t.CutsWater {
		what = append(what, "eau coupée")
	}
	if t.CutsPower {
		what = append(what, "électricité coupée")
	}
	if len(what) == 0 {
		return name
	}
	return name + " (" + strings.Join(what, ", ") + ")"
}

// presence says who must be at home for the appointment.
func presence(x *model.Index, iv *model.Intervention, h *model.Household, a *model.Assignment) string {
	var s string
	switch access := x.AccessOf(iv); {
	case access == model.AccessNone:
		s = "Votre présence n'est pas nécessaire."
	case access == model.AccessKeys && h != nil && h.KeysWithPilot:
		s = "Vos clés sont confiées au pilote social : votre présence n'est pas nécessaire."
	case access == model.AccessKeys:
		s = "Merci d'être présent(e), ou de confier vos clés au pilote social avant le rendez-vous."
	default:
		s = "Votre présence est nécessaire."
	}
	if a.Pilot != "" {
		s += " Votre pilote social sera présent."
	}
	return s
}

// frClock writes a time of day the French way: "8 h", "13 h 30".
func frClock(t time.Time) string {
	if t.Minute() == 0 {
		return fmt.Sprintf("%d h", t.Hour())
	}
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}

// frWhen writes the appointment's days and time windows in French, from its
// segments when it has some.
func frWhen(a *model.Assignment, loc *time.Location) string {
	segs := a.Segments
	if len(segs) == 0 {
		segs = []model.Segment{{Start: a.Start, End: a.End}}
	}
	type day struct {
		date    time.Time
		windows []string
	}
	var days []*day
	for _, s := range segs {
		st, err1 := model.ParseMoment(s.Start, loc)
		en, err2 := model.ParseMoment(s.End, loc)
		if err1 != nil || err2 != nil {
			return a.Start + " – " + a.End
		}
		st, en = st.In(loc), en.In(loc)
		w := fmt.Sprintf("de %s à %s", frClock(st), frClock(en))
		if st.YearDay() != en.YearDay() || st.Year() != en.Year() {
			w = fmt.Sprintf("de %s au %s à %s", frClock(st), calendar.FrenchDate(en), frClock(en))
		}
		if n := len(days); n > 0 && days[n-1].date.YearDay() == st.YearDay() && days[n-1].date.Year() == st.Year() {
			days[n-1].windows = append(days[n-1].windows, w)
			continue
		}
		days = append(days, &day{date: st, windows: []string{w}})
	}
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = "le " + calendar.FrenchDate(d.date) + " " + strings.Join(d.windows, " et ")
	}
	return strings.Join(parts, ", puis ")
}

// contactLines are the contact's lines, "Téléphone : ...", in the letter's order.
func contactLines(l *Letter) []string {
	if l.Contact == nil {
		if l.PilotContact != "" {
			return []string{"Contact : " + l.PilotContact}
		}
		return nil
	}
	c := l.Contact
	var out []string
	for _, f := range []struct{ label, v string }{{"", c.Name}, {"Téléphone : ", c.Phone}, {"Courriel : ", c.Email},
		{"Permanence : ", c.Hours}, {"Adresse : ", c.Address}} {
		if f.v != "" {
			out = append(out, f.label+f.v)
		}
	}
	return out
}

const letterIntro = "Dans le cadre de la réhabilitation de votre résidence, des entreprises vont intervenir dans votre logement. Voici vos rendez-vous :"

const letterChange = "Si un rendez-vous ne vous convient pas, prévenez votre pilote social au plus tôt : il en fixera un autre avec vous."

// letterText is the letter as plain text.
func letterText(l *Letter) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nLe %s\n\nMénage %s, logement %s (%s)\n\nMadame, Monsieur,\n\n%s\n\n", l.Operation, l.Date, l.Household, l.Dwelling, l.Where, letterIntro)
	for i, a := range l.Appointments {
		fmt.Fprintf(&b, "%d. %s\n   %s.\n   %s\n", i+1, a.Work, capitalize(a.When), a.Presence)
		if a.Preparation != "" {
			fmt.Fprintf(&b, "   À préparer : %s\n", a.Preparation)
		}
		b.WriteString("\n")
	}
	b.WriteString(letterChange + "\n")
	if lines := contactLines(l); len(lines) > 0 {
		b.WriteString("\nVotre pilote social :\n")
		for _, s := range lines {
			b.WriteString("  " + s + "\n")
		}
	}
	b.WriteString("\nNous vous remercions de votre compréhension.\n")
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// WriteLettersText writes the letters as plain text, separated by form feeds (a
// printer starts a new page at each).
func WriteLettersText(w io.Writer, ls []Letter) error {
	var b strings.Builder
	for i := range ls {
		if i > 0 {
			b.WriteString("\f\n")
		}
		b.WriteString(ls[i].Text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var lettersHTML = template.Must(template.New("letters").Funcs(template.FuncMap{"capitalize": capitalize, "contact": contactLines}).Parse(`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Courriers aux ménages</title>
<style>
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #000; margin: 0; }
.letter { width: 170mm; min-height: 250mm; margin: 0 auto; padding: 10mm 0; box-sizing: border-box; }
.letter + .letter { break-before: page; page-break-before: always; }
.head { display: flex; justify-content: space-between; margin-bottom: 12mm; }
.to { font-weight: bold; }
ol { padding-left: 6mm; }
li { margin-bottom: 4mm; break-inside: avoid; page-break-inside: avoid; }
.work { font-weight: bold; }
.prep { font-style: italic; }
.contact { border: 1px solid #000; padding: 3mm 5mm; margin-top: 8mm; break-inside: avoid; }
@media screen { body { background: #eee; } .letter { background: #fff; padding: 20mm; margin: 10mm auto; width: 210mm; } }
</style>
</head>
<body>
{{- range .}}
<section class="letter">
<div class="head"><div>{{.Operation}}</div><div>Le {{.Date}}</div></div>
<p class="to">Ménage {{.Household}}<br>Logement {{.Dwelling}} ({{.Where}})</p>
<p>Madame, Monsieur,</p>
<p>` + letterIntro + `</p>
<ol>
{{- range .Appointments}}
<li><span class="work">{{.Work}}</span><br>{{capitalize .When}}.<br>{{.Presence}}{{if .Preparation}}<br><span class="prep">À préparer : {{.Preparation}}</span>{{end}}</li>
{{- end}}
</ol>
<p>` + letterChange + `</p>
{{- with contact .}}
<div class="contact"><strong>Votre pilote social</strong>{{range .}}<br>{{.}}{{end}}</div>
{{- end}}
<p>Nous vous remercions de votre compréhension.</p>
</section>
{{- end}}
</body>
</html>
`))

// WriteLettersHTML writes the letters as one printable HTML page: A4, one
// household a page.
func WriteLettersHTML(w io.Writer, ls []Letter) error {
	ptrs := make([]*Letter, len(ls))
	for i := range ls {
		ptrs[i] = &ls[i]
	}
	return lettersHTML.Execute(w, ptrs)
}
