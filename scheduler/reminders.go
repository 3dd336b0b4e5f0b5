package scheduler

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
)

// ReminderList is who to call or text on Day about the appointments of the days it
// covers: the next day, through the next working day when weekends or public
// holidays come between (a Friday covers Saturday to Monday).
type ReminderList struct {
	Operation string `json:"operation"`
	// Day is the day the reminders go out; From and To bound the appointments
	// they are about, [From, To).
	Day  string `json:"day"`
	From string `json:"from"`
	To   string `json:"to"`
	// Reminders: households first (by id), then crews, then pilots.
	Reminders []Reminder `json:"reminders"`
}

// Reminder is one person to call or text and their appointments.
type Reminder struct {
	Kind         string                `json:"kind"` // household, crew or pilot
	ID           string                `json:"id"`
	Appointments []ReminderAppointment `json:"appointments"`
	// Text is the message to a household, in French (for crews and pilots,
	// WriteReminders writes it in the chosen language).
	Text string `json:"text,omitempty"`
}

// ReminderAppointment is one appointment of a reminder.
type ReminderAppointment struct {
	Intervention string `json:"intervention"`
	Dwelling     string `json:"dwelling"`
	Household    string `json:"household,omitempty"`
	Trade        string `json:"trade"`
	Start        string `json:"start"`
	End          string `json:"end"`
	// Segments are the stretches worked, for a job over several windows.
	Segments []model.Segment `json:"segments,omitempty"`
	Crew     string          `json:"crew,omitempty"`
	Pilot    string          `json:"pilot,omitempty"`
	// Keys: the household left its keys with the pilot, who lets the crew in.
	Keys bool `json:"keys,omitempty"`
	// Status is the intervention's status in the problem.
	Status string `json:"status"`
}

// Reminders lists the reminders to send on day (its local date counts) for the
// appointments of plan. Households hear of the appointments in their dwelling,
// crews of theirs, pilots of those they attend and of those whose keys they hold.
func Reminders(p *model.Problem, plan *model.Plan, day time.Time) (*ReminderList, error) {
	p, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("operation.time_zone: %w", err)
	}
	if _, err := planSlots(p, plan, loc); err != nil {
		return nil, err
	}
	d := day.In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if err := checkUntil(p, d, loc); err != nil {
		err.(*model.ValidationError).Errors[0].Field = "date"
		return nil, err
	}
	holidays := map[string]bool{}
	for _, h := range p.HolidayDates() {
		holidays[h] = true
	}
	from := d.AddDate(0, 0, 1)
	to := from
	for {
		wd := to.Weekday()
		working := wd != time.Saturday && wd != time.Sunday && !holidays[to.Format("2006-01-02")]
		to = to.AddDate(0, 0, 1)
		if working || to.Sub(from) > 10*24*time.Hour {
			break
		}
	}
	x := model.NewIndex(p)
	pilots := make([]string, 0, len(p.Pilots))
	for _, pl := range p.Pilots {
		pilots = append(pilots, pl.ID)
	}
	type key struct{ kind, id string }
	by := map[key][]ReminderAppointment{}
	put := func(k key, a ReminderAppointment) {
		if k.id != "" {
			by[k] = append(by[k], a)
		}
	}
	for _, a := range plan.Assignments {
		st, err := model.ParseMoment(a.Start, loc)
		if err != nil || st.Before(from) || !st.Before(to) {
			continue
		}
		iv := x.Interventions[a.Intervention]
		ra := ReminderAppointment{Intervention: iv.ID, Dwelling: iv.Dwelling, Trade: iv.Trade, Start: a.Start, End: a.End,
			Segments: a.Segments, Crew: a.Crew, Pilot: a.Pilot, Status: iv.StatusOf()}
		if dw := x.Dwellings[iv.Dwelling]; dw != nil && dw.Occupied() {
			ra.Household = dw.Household
			h := x.Households[dw.Household]
			ra.Keys = h != nil && h.KeysWithPilot && x.AccessOf(iv) == model.AccessKeys
			put(key{model.RecipientHousehold, dw.Household}, ra)
		}
		put(key{model.RecipientCrew, a.Crew}, ra)
		switch {
		case a.Pilot != "":
			put(key{model.RecipientPilot, a.Pilot}, ra)
		case ra.Keys:
			for _, pl := range pilots {
				put(key{model.RecipientPilot, pl}, ra)
			}
		}
	}
	keys := make([]key, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	rank := map[string]int{model.RecipientHousehold: 0, model.RecipientCrew: 1, model.RecipientPilot: 2}
	sort.Slice(keys, func(i, j int) bool {
		if rank[keys[i].kind] != rank[keys[j].kind] {
			return rank[keys[i].kind] < rank[keys[j].kind]
		}
		return keys[i].id < keys[j].id
	})
	out := &ReminderList{Operation: p.Operation.ID, Day: d.Format("2006-01-02"), From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), Reminders: []Reminder{}}
	for _, k := range keys {
		as := by[k]
		sort.SliceStable(as, func(i, j int) bool {
			if as[i].Start != as[j].Start {
				a, _ := model.ParseMoment(as[i].Start, loc)
				b, _ := model.ParseMoment(as[j].Start, loc)
				return a.Before(b)
			}
			return as[i].Intervention < as[j].Intervention
		})
		r := Reminder{Kind: k.kind, ID: k.id, Appointments: as}
		if k.kind == model.RecipientHousehold {
			r.Text = householdReminder(p, x, from, as, loc)
		}
		out.Reminders = append(out.Reminders, r)
	}
	return out, nil
}

// householdReminder is the text (SMS or call) to a household, in French.
func householdReminder(p *model.Problem, x *model.Index, tomorrow time.Time, as []ReminderAppointment, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("Bonjour, rappel de vos rendez-vous de travaux, logement " + as[0].Dwelling + " :\n")
	for _, a := range as {
		st, _ := model.ParseMoment(a.Start, loc)
		when := frWhen(&model.Assignment{Start: a.Start, End: a.End, Segments: a.Segments}, loc)
		if st.In(loc).Format("2006-01-02") == tomorrow.Format("2006-01-02") {
			when = "demain, " + when
		}
		t := x.Trades[a.Trade]
		fmt.Fprintf(&b, "- %s : %s.", when, workInWords(t, a.Trade))
		if a.Keys {
			b.WriteString(" Vos clés sont chez le pilote social.")
		}
		if prep := model.PreparationOf(t); prep != "" && !a.Keys {
			b.WriteString(" " + prep)
		}
		b.WriteString("\n")
	}
	if c := p.Operation.Contact; c != nil && (c.Phone != "" || c.Email != "") {
		b.WriteString("Un empêchement ? Appelez votre pilote social")
		if c.Phone != "" {
			b.WriteString(" au " + c.Phone)
		} else {
			b.WriteString(" : " + c.Email)
		}
		b.WriteString(".\n")
	} else if pc := firstPilotContact(p); pc != "" {
		b.WriteString("Un empêchement ? Contactez votre pilote social : " + pc + ".\n")
	}
	return b.String()
}

func firstPilotContact(p *model.Problem) string {
	for _, pl := range p.Pilots {
		if pl.Contact != "" {
			return pl.Contact
		}
	}
	return ""
}

// WriteReminders writes the reminders for people: households in French always
// (the tenants' language), crews and pilots in lang.
func WriteReminders(w io.Writer, r *ReminderList, p *model.Problem, lang Lang) error {
	if err := lang.Check(); err != nil {
		return err
	}
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return err
	}
	fr := lang == French
	names := tradeNames(p)
	var b strings.Builder
	count := map[string]int{}
	for _, x := range r.Reminders {
		count[x.Kind]++
	}
	if fr {
		fmt.Fprintf(&b, "Rappels du %s pour les rendez-vous du %s au %s (ménages : %d, équipes : %d, pilotes : %d)\n", r.Day, r.From, dayBefore(r.To), count[model.RecipientHousehold], count[model.RecipientCrew], count[model.RecipientPilot])
	} else {
		fmt.Fprintf(&b, "Reminders of %s for the appointments of %s to %s (households: %d, crews: %d, pilots: %d)\n", r.Day, r.From, dayBefore(r.To), count[model.RecipientHousehold], count[model.RecipientCrew], count[model.RecipientPilot])
	}
	span := func(a ReminderAppointment) string {
		st, _ := model.ParseMoment(a.Start, loc)
		en, _ := model.ParseMoment(a.End, loc)
		st, en = st.In(loc), en.In(loc)
		date := func(t time.Time) string {
			if fr {
				return calendar.FrenchDate(t)
			}
			return t.Format("Mon 2006-01-02")
		}
		if st.Format("2006-01-02") != en.Format("2006-01-02") {
			return fmt.Sprintf("%s %s – %s %s", date(st), st.Format("15:04"), date(en), en.Format("15:04"))
		}
		return fmt.Sprintf("%s %s-%s", date(st), st.Format("15:04"), en.Format("15:04"))
	}
	for _, x := range r.Reminders {
		b.WriteString("\n")
		switch x.Kind {
		case model.RecipientHousehold:
			fmt.Fprintf(&b, "Ménage %s\n%s", x.ID, x.Text)
			continue
		case model.RecipientCrew:
			if fr {
				fmt.Fprintf(&b, "Équipe %s\n", x.ID)
			} else {
				fmt.Fprintf(&b, "Crew %s\n", x.ID)
			}
		default:
			if fr {
				fmt.Fprintf(&b, "Pilote %s\n", x.ID)
			} else {
				fmt.Fprintf(&b, "Pilot %s\n", x.ID)
			}
		}
		for _, a := range x.Appointments {
			var extra []string
			if x.Kind == model.RecipientCrew && a.Pilot != "" {
				extra = append(extra, map[bool]string{true: "avec le pilote " + a.Pilot, false: "with pilot " + a.Pilot}[fr])
			}
			if a.Keys {
				extra = append(extra, map[bool]string{true: "clés chez le pilote", false: "keys with the pilot"}[fr])
			}
			if x.Kind == model.RecipientPilot && a.Crew != "" {
				extra = append(extra, map[bool]string{true: "équipe " + a.Crew, false: "crew " + a.Crew}[fr])
			}
			who := a.Dwelling
			if a.Household != "" {
				who += map[bool]string{true: ", ménage ", false: ", household "}[fr] + a.Household
			}
			fmt.Fprintf(&b, "- %s: %s, %s (%s)", span(a), names[a.Trade], who, a.Intervention)
			if len(extra) > 0 {
				b.WriteString("; " + strings.Join(extra, "; "))
			}
			b.WriteString("\n")
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func dayBefore(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, -1).Format("2006-01-02")
}
