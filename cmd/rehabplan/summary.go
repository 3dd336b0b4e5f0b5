package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// reporter writes what people read after solve, replan and verify: the plan's
// summary, its end against the lower bound, the search, the changes of a replan
// and what is left unplaced, in English or, under --lang fr, in French: dates
// written out in the operation's time zone ("lundi 4 janvier 2027 à 08:00"),
// durations in days and hours, trades by their names.
type reporter struct {
	w   io.Writer
	fr  bool
	loc *time.Location
	p   *model.Problem
}

func newReporter(w io.Writer, lang scheduler.Lang, p *model.Problem) *reporter {
	loc := time.UTC
	if tv := p.Typed(); tv.LocErr == nil && tv.Loc != nil {
		loc = tv.Loc
	}
	return &reporter{w: w, fr: lang == scheduler.French, loc: loc, p: p}
}

var (
	frWeekdays = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths   = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	frStatus   = map[string]string{"complete": "complet", "partial": "partiel", "violated": "non conforme"}
	frStops    = map[scheduler.Stop]string{scheduler.StopDone: "terminée", scheduler.StopTimeLimit: "temps écoulé", scheduler.StopCancelled: "interrompue"}
	frRules    = map[string]string{
		"crew-calendar": "horaires des équipes", "tenant-availability": "présence du locataire",
		"pilot-office-hours": "horaires du pilote", "trade-sequence": "ordre des corps d'état",
		"release-delivery-deadline": "dates de démarrage, livraisons et échéances", "dwelling-capacity": "place dans le logement",
		"household-profile": "profil du ménage", "relocation": "relogement", "frozen-appointments": "rendez-vous confirmés",
		"local-time": "heure locale", "plan-structure": "cohérence du planning", "search": "recherche",
		"heating": "chauffage en saison de chauffe", "pilot-visits": "visites du pilote (diagnostic, enquête)",
		"snags": "réserves et leur levée", "removal-volume": "déménagement selon le cubage", "rehousing": "relogement en logement tiroir",
	}
)

// frDate is t's date in French: "lundi 4 janvier 2027" ("1er" for the first).
func frDate(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return frWeekdays[t.Weekday()] + " " + day + " " + frMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// frMoment is t's date and time in French in the operation's zone: "lundi 4
// janvier 2027 à 08:00".
func (r *reporter) frMoment(t time.Time) string {
	t = t.In(r.loc)
	return frDate(t) + " à " + t.Format("15:04")
}

// frNumber writes n with a (narrow no-break) space between thousands: 15 929.
func frNumber(n int) string {
	s := strconv.Itoa(max(n, -n))
	var b strings.Builder
	if n < 0 {
		b.WriteString("-")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// frDecimal writes v with d decimals and a decimal comma: 3,2.
func frDecimal(v float64, d int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', d, 64), ".", ",", 1)
}

// frDaysHours writes a length of time given in hours as days of 24 hours and
// hours, rounded to the hour: "3 j 4 h", "5 h", "12 j".
func frDaysHours(hours float64) string {
	h := int(math.Round(math.Abs(hours)))
	d, h := h/24, h%24
	switch {
	case d == 0:
		return strconv.Itoa(h) + " h"
	case h == 0:
		return frNumber(d) + " j"
	}
	return frNumber(d) + " j " + strconv.Itoa(h) + " h"
}

// frElapsed writes a search's time: "850 ms", "2,4 s", "1 min 05 s".
func frElapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.Itoa(int(d.Milliseconds())) + " ms"
	case d < time.Minute:
		return frDecimal(d.Seconds(), 1) + " s"
	}
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d min %02d s", s/60, s%60)
}

func (r *reporter) tradeName(id string) string {
	for _, t := range r.p.Trades {
		if t.ID == id && t.Name != "" {
			return t.Name
		}
	}
	return id
}

func plural(n int, one, many string) string {
	if n > 1 {
		return many
	}
	return one
}

// summary writes the plan's summary (scheduler.Summary).
func (r *reporter) summary(s *scheduler.Summary) {
	if !r.fr {
		s.WriteText(r.w)
		return
	}
	var b strings.Builder
	status := frStatus[s.Status]
	if status == "" {
		status = s.Status
	}
	fmt.Fprintf(&b, "opération %s : planning %s, %s %s, %s %s\n", s.Operation, status,
		frNumber(s.Placed), plural(s.Placed, "intervention placée", "interventions placées"), frNumber(s.Unplaced), plural(s.Unplaced, "non placée", "non placées"))
	if s.Placed > 0 {
		fmt.Fprintf(&b, "travaux du %s au %s\n", frDate(s.Start.In(r.loc)), frDate(s.End.In(r.loc)))
	}
	table := func(title string, spans []scheduler.Span, name func(string) string) {
		if len(spans) == 0 {
			return
		}
		width := len([]rune(title))
		for _, sp := range spans {
			width = max(width, len([]rune(name(sp.Key))))
		}
		pad := func(s string) string { return s + strings.Repeat(" ", width-len([]rune(s))) }
		fmt.Fprintf(&b, "%s  %6s  %-27s  %s\n", pad(title), "nombre", "première", "dernière")
		for _, sp := range spans {
			first, last := frDate(sp.First.In(r.loc)), frDate(sp.Last.In(r.loc))
			fmt.Fprintf(&b, "%s  %6s  %s%s  %s\n", pad(name(sp.Key)), frNumber(sp.Count), first, strings.Repeat(" ", max(0, 27-len([]rune(first)))), last)
		}
	}
	table("corps d'état", s.ByTrade, r.tradeName)
	table("bâtiment", s.ByBuilding, func(id string) string { return id })
	fmt.Fprintf(&b, "jours perturbés par logement occupé : %s en moyenne, %d au plus", frDecimal(s.DisturbedMean, 1), s.DisturbedMax)
	if s.DisturbedMaxAt != "" {
		fmt.Fprintf(&b, " (%s)", s.DisturbedMaxAt)
	}
	b.WriteString("\n")
	if len(s.Blocked) > 0 {
		rules := make([]string, 0, len(s.Blocked))
		for rl := range s.Blocked {
			rules = append(rules, rl)
		}
		sort.Strings(rules)
		b.WriteString("non placées, par règle qui les bloque :")
		for _, rl := range rules {
			fmt.Fprintf(&b, " %s %d ;", ruleName(rl), s.Blocked[rl])
		}
		b.WriteString("\n")
	}
	r.practices(&b, s)
	io.WriteString(r.w, b.String())
}

// practices writes, in French, what the summary says of the pilots' practices:
// the households over the burden threshold, the open snags, the quarter-hour
// starts, who moves when and the households that see another pilot.
func (r *reporter) practices(b *strings.Builder, s *scheduler.Summary) {
	r.burdenFr(b, s)
	if len(s.OpenSnags) > 0 {
		b.WriteString("réserves non levées, par entreprise :")
		for _, cs := range s.OpenSnags {
			who := cs.Contractor
			if who == "" {
				who = "(reprise non placée)"
			}
			fmt.Fprintf(b, " %s %d ;", who, cs.Open)
		}
		b.WriteString("\n")
	}
	if s.Placed > 0 {
		fmt.Fprintf(b, "rendez-vous au quart d'heure : %s sur %s (%s %%)\n", frNumber(s.OnQuarterHour), frNumber(s.Placed), frDecimal(s.QuarterHourShare(), 2))
	}
	if len(s.Moves) > 0 {
		b.WriteString("relogements (qui déménage quand) :\n")
		for _, l := range s.Moves {
			b.WriteString("  " + l + "\n")
		}
	}
	if hs := s.OtherPilotHouseholds(); len(hs) > 0 {
		fmt.Fprintf(b, "ménages reçus par un autre pilote que le leur : %d (", len(hs))
		for i, h := range hs {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s %d %s", h, s.OtherPilot[h], plural(s.OtherPilot[h], "visite", "visites"))
		}
		b.WriteString(" ; voir les interlocuteurs du planning)\n")
	}
}

// burdenFr writes the households disturbed beyond the burden threshold, for the
// landlord, in French (nothing when there are none).
func (r *reporter) burdenFr(b *strings.Builder, s *scheduler.Summary) {
	if len(s.Burdened) == 0 {
		return
	}
	fmt.Fprintf(b, "ménages dérangés plus de %d jours (pour le bailleur) : %d\n", s.BurdenDays, len(s.Burdened))
	for _, h := range s.Burdened {
		fmt.Fprintf(b, "  %s (logement %s) : %d jours\n", h.Household, h.Dwelling, h.Days)
	}
}

// burden writes the households over the burden threshold in the reporter's
// language (verify's output).
func (r *reporter) burden(s *scheduler.Summary) error {
	if !r.fr {
		return s.WriteBurden(r.w)
	}
	var b strings.Builder
	r.burdenFr(&b, s)
	_, err := io.WriteString(r.w, b.String())
	return err
}

func ruleName(id string) string {
	if n, ok := frRules[id]; ok {
		return n
	}
	return id
}

// bound writes the plan's end against the lower bound, what gives the bound and
// the disturbed days against theirs; binds and bindsFr say what gives the bound
// in English and in French.
func (r *reporter) bound(end, bound time.Time, gapPct float64, binds, bindsFr string, d *scheduler.Disturbance) {
	if !r.fr {
		fmt.Fprintf(r.w, "end %s, lower bound %s: gap %.1f%%\n", end.Format("2006-01-02 15:04"), bound.Format("2006-01-02 15:04"), gapPct)
		fmt.Fprintf(r.w, "the bound binds by %s\n", binds)
		if d != nil {
			fmt.Fprintln(r.w, d)
		}
		return
	}
	fmt.Fprintf(r.w, "fin des travaux %s ; au plus tôt possible %s : écart %s\u00a0%%\n", r.frMoment(end), r.frMoment(bound), frDecimal(gapPct, 1))
	fmt.Fprintf(r.w, "ce qui fixe ce plus tôt : %s\n", bindsFr)
	if d != nil {
		fmt.Fprintf(r.w, "jours perturbés rapportés à leur minimum : %s en moyenne, %s au pire (%s : %d jours pour un minimum de %d)\n",
			frDecimal(d.RatioMean, 2), frDecimal(d.RatioWorst, 2), d.WorstAt, d.Days[d.WorstAt], d.Bound[d.WorstAt])
	}
}

// search writes how the search ended; rounds < 0 for a solve.
func (r *reporter) search(stop scheduler.Stop, elapsed time.Duration, iterations, rounds int) {
	switch {
	case !r.fr && rounds < 0:
		fmt.Fprintf(r.w, "search: %s after %s, %d plans compared\n", stop, elapsed.Round(time.Millisecond), iterations)
	case !r.fr:
		fmt.Fprintf(r.w, "\nsearch: %s after %s (%d rounds to settle the pins), %d plans compared\n", stop, elapsed.Round(time.Millisecond), rounds, iterations)
	default:
		why := frStops[stop]
		if why == "" {
			why = string(stop)
		}
		if rounds >= 0 {
			fmt.Fprintf(r.w, "\nrecherche %s après %s (%d %s pour fixer les rendez-vous), %s plannings comparés\n", why, frElapsed(elapsed), rounds, plural(rounds, "tour", "tours"), frNumber(iterations))
			return
		}
		fmt.Fprintf(r.w, "recherche %s après %s, %s plannings comparés\n", why, frElapsed(elapsed), frNumber(iterations))
	}
}

// diff writes a replan's changes, then each recipient's notice.
func (r *reporter) diff(d *model.Diff) {
	if !r.fr {
		scheduler.WriteDiff(r.w, d)
		return
	}
	var b strings.Builder
	s := d.Summary
	fmt.Fprintf(&b, "changements : %d %s (dont %d déjà %s aux ménages), %d %s d'équipe, %d %s, %d %s, %d %s\n",
		s.Moved, plural(s.Moved, "rendez-vous déplacé", "rendez-vous déplacés"), s.AnnouncedMoved, plural(s.AnnouncedMoved, "annoncé", "annoncés"),
		s.CrewChanged, plural(s.CrewChanged, "changement", "changements"), s.Added, plural(s.Added, "ajouté", "ajoutés"),
		s.Cancelled, plural(s.Cancelled, "annulé", "annulés"), s.Unplaced, plural(s.Unplaced, "qui n'est plus placé", "qui ne sont plus placés"))
	if s.Moved > 0 {
		fmt.Fprintf(&b, "décalage : %s en moyenne par rendez-vous déplacé, %s en tout\n", frDaysHours(s.ShiftHours/float64(s.Moved)), frDaysHours(s.ShiftHours))
	}
	if s.OldEnd != "" || s.NewEnd != "" {
		fmt.Fprintf(&b, "fin des travaux : %s → %s\n", r.frEnd(s.OldEnd), r.frEnd(s.NewEnd))
	}
	counts := map[string]int{}
	for _, rc := range d.Recipients {
		counts[rc.Kind]++
	}
	h, c, p := counts[model.RecipientHousehold], counts[model.RecipientCrew], counts[model.RecipientPilot]
	fmt.Fprintf(&b, "à prévenir maintenant : %d %s, %d %s, %d %s\n", h, plural(h, "ménage", "ménages"), c, plural(c, "équipe", "équipes"), p, plural(p, "pilote", "pilotes"))
	for _, rc := range d.Recipients {
		b.WriteString("\n")
		b.WriteString(rc.Notice)
	}
	io.WriteString(r.w, b.String())
}

// frEnd writes an end of works of a diff's summary (RFC 3339) in French; "—" for
// none.
func (r *reporter) frEnd(s string) string {
	if s == "" {
		return "—"
	}
	t, err := model.ParseMoment(s, r.loc)
	if err != nil {
		return s
	}
	return r.frMoment(t)
}

// result writes the violations and the unplaced interventions of a result (their
// reasons are in the language the search was asked for) and returns the exit
// code.
func (r *reporter) result(res *scheduler.Result) int {
	for _, v := range res.Violations {
		if r.fr {
			fmt.Fprintf(r.w, "RÈGLE ENFREINTE %s\n", v)
		} else {
			fmt.Fprintf(r.w, "VIOLATION %s\n", v)
		}
	}
	switch {
	case len(res.Violations) > 0:
		return exitFail
	case res.Status != scheduler.StatusComplete:
		for _, u := range res.Plan.Unplaced {
			for _, rs := range u.Reasons {
				if r.fr {
					fmt.Fprintf(r.w, "non placée %s (%s) : %s\n", u.Intervention, ruleName(rs.Rule), rs.Message)
				} else {
					fmt.Fprintf(r.w, "unplaced %s: %s: %s\n", u.Intervention, rs.Rule, rs.Message)
				}
			}
		}
		return exitUnplaced
	}
	return exitOK
}

// verified writes verify's verdict on a plan with no hard rule broken.
func (r *reporter) verified(plan *model.Plan) {
	if !r.fr {
		fmt.Fprintf(r.w, "ok: %d interventions placed, %d unplaced, no hard rule broken\n", len(plan.Assignments), len(plan.Unplaced))
		return
	}
	n, u := len(plan.Assignments), len(plan.Unplaced)
	fmt.Fprintf(r.w, "conforme : %s %s, %s %s, aucune règle enfreinte\n", frNumber(n), plural(n, "intervention placée", "interventions placées"), frNumber(u), plural(u, "non placée", "non placées"))
}

// violations writes verify's count of broken rules.
func (r *reporter) violations(n int) {
	if r.fr {
		fmt.Fprintf(r.w, "%d %s\n", n, plural(n, "règle enfreinte", "règles enfreintes"))
		return
	}
	fmt.Fprintf(r.w, "%d violations\n", n)
}
