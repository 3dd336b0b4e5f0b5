package httpapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPlanningPage drives headless Chromium, in UTC, against the real binary: log
// in, solve from the page, find every intervention by scrolling the (virtualised)
// chart, read an 08:00 Paris appointment at 08:00, move with the keyboard, search,
// slip a delivery and check that the moved appointments, the notices and the
// details panel are those of the new version, then open a partial plan and find
// its red banner, its count and its reasons in French. axe-core checks the chart,
// the details panel and the banner. Screenshots of each view are saved (see
// shotsDir).
//
// One long function: the steps share one server, one browser and the plan the
// first step solves, in order (the replan step needs the solved plan, the partial
// step the page left by the replan); the checks that stand alone are helpers
// (pageWords, eightOClock, agendaAndNotice, partialPlan).
func TestPlanningPage(t *testing.T) {
	chrome := chromium(t)
	shots := shotsDir(t, "60")
	s := serve(t, t.TempDir())
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))

	p := pager{t: t, ctx: openPage(t, chrome, s.base+"/app/", "UTC", 240*time.Second), shots: shots}
	require.Equal(t, "UTC", evalAs[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`))
	// a bad token first: a clear message
	require.NoError(t, chromedp.Do(p.ctx,
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "not-a-valid-token-at-all"),
		chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.ID("message")),
	))
	msg, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.ID("message")))
	require.NoError(t, err)
	p.shot("1-bad-token")
	require.Contains(t, msg, "Jeton invalide ou expiré")

	// log in, solve from the page
	p.login(writeTok)
	p.shot("2-logged-in")
	p.eval(`document.getElementById("time-limit").value = "2s"`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.ID("solve"))))
	p.poll(`document.querySelector("#job").textContent.includes("terminé")`, 90*time.Second)
	p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)
	plan := latestPlan(t, s, "op-les-tilleuls")
	require.Equal(t, "complete", plan.Status)
	require.Equal(t, "complete", evalAs[string](p, `document.getElementById("outcome").dataset.status`))
	require.Contains(t, evalAs[string](p, `document.getElementById("message").className`), "ok", "a complete plan is said in green")

	// only the rows in view are drawn, and every intervention is there to scroll to
	p.set("zoom", "all")
	drawn := evalAs[int](p, `new Set([...document.querySelectorAll("#gantt .bar")].map(b => b.dataset.iv)).size`)
	seen := p.scrollThrough(drawnIDs)
	require.Len(t, seen, len(plan.Assignments), "every intervention of the plan (the example's, its moves to a relocation unit) is drawn somewhere")
	require.Less(t, drawn, len(plan.Assignments), "only the visible rows are drawn")
	// rows in natural order: buildings, stairwells, then dwellings
	rowsShown := p.scrollThrough(`() => [...document.querySelectorAll("#gantt [role=rowheader]")].map(h => h.firstChild.nodeValue)`)
	require.Equal(t, wantRows(t), rowsShown)
	// the axis shows the year
	require.True(t, evalAs[bool](p, `[...document.querySelectorAll("#gantt text.year")].some(e => e.textContent.includes("2027"))`))
	// row labels and axis stay in view while the chart scrolls
	p.set("zoom", "month")
	stuck := evalAs[map[string]float64](p, `(async () => { const w = document.getElementById("gantt-wrap"); w.scrollLeft = 900; w.scrollTop = 300;
	  w.dispatchEvent(new Event("scroll")); await `+frames+`;
	  const box = w.getBoundingClientRect(), h = document.querySelector("#gantt [role=rowheader]").getBoundingClientRect(),
	    y = document.querySelector("#gantt text.year").getBoundingClientRect();
	  return {label: h.left - box.left, axis: y.top - box.top}; })()`)
	require.Less(t, stuck["label"], 10.0, "the row labels stay at the left")
	require.Less(t, stuck["axis"], 20.0, "the axis stays at the top")
	// a today line, at the time of day (the page's clock set to a day of the plan)
	x := evalAs[map[string]float64](p, `(async () => { const now = Date.parse("2027-01-05T10:00:00+01:00"); window.realNow = Date.now; Date.now = () => now;
	  const w = document.getElementById("gantt-wrap"); w.scrollLeft = 0; w.scrollTop = 0;
	  const z = document.getElementById("zoom"); z.value = "day"; z.dispatchEvent(new Event("change")); await `+frames+`;
	  const l = document.querySelector("#gantt line.today"), ts = [...document.querySelectorAll("#gantt line.hour[data-hour='10']")];
	  return {today: l ? +l.getAttribute("x1") : -1, dx: l ? Math.min(...ts.map(t => Math.abs(+t.getAttribute("x1") - +l.getAttribute("x1")))) : -1}; })()`)
	require.Greater(t, x["today"], 0.0, "a today line")
	require.InDelta(t, 0, x["dx"], 0.5, "the today line stands at 10 h on the axis")
	p.eval(`Date.now = window.realNow`)
	// a legend in French
	legend := evalAs[string](p, `document.getElementById("legend").textContent`)
	require.Contains(t, legend, "Plomberie")
	require.Contains(t, legend, "jour férié")
	require.NotContains(t, legend, "plumbing")
	for _, g := range []string{"dwelling", "crew", "pilot"} {
		for _, z := range []string{"day", "week", "month"} {
			p.set("group", g)
			p.set("zoom", z)
			p.eval(frames)
			p.shot("3-chart-" + g + "-" + z)
		}
	}
	p.set("group", "dwelling")
	p.set("zoom", "week")

	// the page's French words, table-driven
	pageWords(t, p)

	// an appointment at 08:00 Paris time reads 08:00 in a browser in UTC
	eightOClock(t, p, plan)

	// the pilot's agenda and the stairwell notice
	agendaAndNotice(t, p, plan)

	// the keyboard: one tab stop for the whole chart, arrows between rows and bars
	require.Zero(t, evalAs[int](p, `document.querySelectorAll("#gantt [tabindex]").length`), "no bar is a tab stop")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Focus(chromedp.ID("gantt-wrap"))))
	first := evalAs[string](p, `document.getElementById("gantt-wrap").getAttribute("aria-activedescendant") || ""`)
	require.NotEmpty(t, first)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.ArrowRight)))
	right := evalAs[string](p, `document.querySelector("#gantt .bar.active").dataset.iv`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown)))
	down := evalAs[string](p, `document.getElementById(document.getElementById("gantt-wrap").getAttribute("aria-activedescendant")).dataset.iv || ""`)
	require.NotEqual(t, right, down)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Enter)))
	p.poll(`document.getElementById("details").dataset.iv === `+strconv.Quote(down), 10*time.Second)

	// search: a crew, then a dwelling
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("search"), "b1-b-1")))
	opts := evalAs[[]string](p, `[...document.querySelectorAll("#search-list [role=option]")].map(o => o.textContent)`)
	require.NotEmpty(t, opts)
	require.True(t, strings.HasPrefix(opts[0], "Logement B1-B-10"), "%v", opts)
	p.shot("4-search")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
	require.Equal(t, "B1-B-10", evalAs[string](p, activeRow))

	// the missed appointment: a search-as-you-type field, not a list of every appointment
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("missed-iv"), "B1-A-01 plomb")))
	missed := evalAs[[]string](p, `[...document.querySelectorAll("#missed-list [role=option]")].map(o => o.textContent)`)
	require.NotEmpty(t, missed)
	for _, m := range missed {
		require.Contains(t, m, "B1-A-01 · Plomberie")
	}
	require.Less(t, evalAs[int](p, `document.querySelectorAll("#missed-list [role=option]").length`), 20)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
	require.Equal(t, "B1-A-01/plumbing", evalAs[string](p, `document.getElementById("missed-iv").dataset.value`))
	p.eval(`document.getElementById("missed-iv").value = ""; delete document.getElementById("missed-iv").dataset.value`)

	// the details panel follows a replan: choose a window fitting placed before the
	// delivery, slip the delivery, and the panel shows its new time
	var before model.Assignment
	for _, a := range plan.Assignments {
		if strings.HasSuffix(a.Intervention, "/windows") && a.Start < "2027-03-09" && (before.Intervention == "" || a.Start < before.Start) {
			before = a
		}
	}
	require.NotEmpty(t, before.Intervention, "a window fitting before the new delivery date")
	p.eval(`location.hash = "#iv=` + url.QueryEscape(before.Intervention) + `"`)
	p.poll(`document.getElementById("details").dataset.start === `+strconv.Quote(before.Start), 10*time.Second)
	p.eval(`document.getElementById("slip-delivery").value = "L-windows-1"; document.getElementById("slip-date").value = "2027-03-09"`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#slip button"))))
	p.poll(`!document.querySelector("#changes").hidden`, 90*time.Second)
	p.shot("5-replanned")
	v := latestVersion(t, s, "op-les-tilleuls")
	require.Equal(t, "replanned", v.Kind)
	after := assignmentOf(v.Plan, before.Intervention)
	require.NotNil(t, after)
	require.NotEqual(t, before.Start, after.Start, "the slipped delivery moves the window fitting")
	p.poll(`document.getElementById("details").dataset.start === `+strconv.Quote(after.Start), 10*time.Second)
	when := evalAs[string](p, `document.querySelector("#details .when").textContent`)
	require.Contains(t, when, parisClock(t, after.Start), "the panel shows the new time")

	p.set("zoom", "all")
	shownMoved := p.scrollThrough(`() => [...document.querySelectorAll("#gantt .bar.moved")].map(b => b.dataset.iv)`)
	notices := evalAs[[]map[string]string](p, `[...document.querySelectorAll("#notices .notice")].map(n => ({kind: n.dataset.kind, id: n.dataset.id}))`)
	placed := map[string]bool{}
	for _, a := range v.Plan.Assignments {
		placed[a.Intervention] = true
	}
	var wantMoved []string
	for _, c := range v.Diff.Changes {
		if (c.Kind == model.ChangeMoved || c.Kind == model.ChangeAdded) && placed[c.Intervention] {
			wantMoved = append(wantMoved, c.Intervention)
		}
	}
	sort.Strings(wantMoved)
	sort.Strings(shownMoved)
	require.NotEmpty(t, wantMoved)
	require.Equal(t, wantMoved, shownMoved, "the page highlights exactly the moved appointments")
	require.Len(t, notices, len(v.Diff.Recipients))
	for i, r := range v.Diff.Recipients {
		require.Equal(t, r.Kind, notices[i]["kind"])
		require.Equal(t, r.ID, notices[i]["id"])
	}
	summary := evalAs[string](p, `document.getElementById("changes-summary").textContent`)
	require.NotContains(t, summary, "shift")
	require.Regexp(t, `décalés en moyenne de \d`, summary)

	// an intervention's explanation, in French, with the rules' French names
	p.set("zoom", "week")
	p.click("#gantt .bar.moved")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.WaitVisible(chromedp.CSS("#reasons li"))))
	reasons := evalAs[string](p, `document.getElementById("reasons").textContent`)
	shown := evalAs[string](p, `document.getElementById("details").dataset.iv`)
	p.shot("6-explanation")
	ex := explanation(t, s, "op-les-tilleuls", shown)
	require.NotEmpty(t, ex)
	for _, r := range ex {
		require.Contains(t, reasons, r.Message)
	}
	p.axe("#gantt-wrap", "#details", "#outcome", "#legend", "#actions", "#search")

	// a partial plan: the same operation with too short a horizon
	partialPlan(t, p, s)

	// a picture of the chart for the README, when asked for
	if dir := os.Getenv("REHABPLAN_README_PICTURES"); dir != "" {
		p.set("operation", "op-les-tilleuls")
		p.poll(`document.getElementById("outcome").dataset.status === "complete"`, 20*time.Second)
		p.set("zoom", "week")
		p.eval(`location.hash = "#iv=` + url.QueryEscape(before.Intervention) + `"`)
		p.poll(`!!document.querySelector("#reasons li")`, 10*time.Second)
		p.shotOf(".layout", filepath.Join(dir, "chart.png"))
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`#views button[data-view=agenda]`))))
		p.shotOf("#agenda", filepath.Join(dir, "agenda.png"))
	}
}

// agendaAndNotice opens the pilot's agenda on the week of the pilot's first
// appointment and the stairwell notice of cage B1-A that week, and checks them
// against the plan, in Paris time.
func agendaAndNotice(t *testing.T, p pager, plan *model.Plan) {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := func(s string) time.Time {
		x, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return x.In(paris)
	}
	first := time.Time{}
	for _, a := range plan.Assignments {
		if a.Pilot == "pilot-1" && (first.IsZero() || at(a.Start).Before(first)) {
			first = at(a.Start)
		}
	}
	require.False(t, first.IsZero())
	mon := time.Date(first.Year(), first.Month(), first.Day()-(int(first.Weekday())+6)%7, 0, 0, 0, 0, paris)
	sun := mon.AddDate(0, 0, 7)
	want := map[string]string{}
	for _, a := range plan.Assignments {
		if s := at(a.Start); a.Pilot == "pilot-1" && !s.Before(mon) && s.Before(sun) && s.YearDay() == at(a.End).YearDay() {
			want[a.Intervention] = s.Format("15:04") + " – " + at(a.End).Format("15:04")
		}
	}
	require.NotEmpty(t, want)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`#views button[data-view=agenda]`))))
	p.eval(`document.getElementById("agenda-span").value = "week"; const d = document.getElementById("agenda-date"); d.value = "` + first.Format("2006-01-02") + `"; d.dispatchEvent(new Event("change"))`)
	got := evalAs[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#agenda-days tbody tr")].map(r => [r.dataset.iv, r.querySelector("th").textContent]))`)
	for iv, hours := range want {
		require.Equal(t, hours, got[iv], "the agenda's hours of %s, in Paris time", iv)
	}
	require.Contains(t, evalAs[string](p, `document.getElementById("agenda-title").textContent`), "semaine du lundi")
	p.shot("10-agenda-week")
	p.axe("#agenda", "#views")

	// the stairwell notice: one line per day and trade at work in the stairwell
	dws := map[string]bool{}
	var prob model.Problem
	require.NoError(t, json.Unmarshal(exampleJSON(t), &prob))
	for _, d := range prob.Dwellings {
		dws[d.ID] = d.Stairwell == "B1-A"
	}
	trade := map[string]string{}
	for _, iv := range prob.Interventions {
		if dws[iv.Dwelling] {
			trade[iv.ID] = iv.Trade
		}
	}
	lines := map[string]bool{}
	for _, a := range plan.Assignments {
		tr, ok := trade[a.Intervention]
		if !ok {
			continue
		}
		for d := mon; d.Before(sun); d = d.AddDate(0, 0, 1) {
			if at(a.Start).Before(d.AddDate(0, 0, 1)) && at(a.End).After(d) {
				lines[d.Format("2006-01-02")+" "+tr] = true
			}
		}
	}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`#views button[data-view=stairwell]`))))
	p.eval(`document.getElementById("sw-cage").value = "B1-A"; const w = document.getElementById("sw-date"); w.value = "` + mon.Format("2006-01-02") + `"; w.dispatchEvent(new Event("change"))`)
	shown := evalAs[[]string](p, `[...document.querySelectorAll("#sw-body li")].map(li => li.closest("section").dataset.day + " " + li.dataset.trade)`)
	require.Len(t, shown, len(lines))
	for _, l := range shown {
		require.True(t, lines[l], "%s is a day and a trade at work in B1-A", l)
	}
	// the households reach the pilots through the operation's contact, as on
	// their letters
	require.NotNil(t, prob.Operation.Contact)
	require.Contains(t, evalAs[string](p, `document.querySelector("#sw-body .sw-contact").textContent`), prob.Operation.Contact.Phone)
	require.Contains(t, evalAs[string](p, `document.querySelector("#sw-body .sw-contact").textContent`), prob.Operation.Contact.Hours)
	p.shot("11-stairwell-notice")
	p.axe("#stairwell")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`#views button[data-view=chart]`))))
}

// activeRow is the label of the chart's row that holds the active cell.
const activeRow = `(() => { const a = document.getElementById(document.getElementById("gantt-wrap").getAttribute("aria-activedescendant"));
  return a.closest("[role=row]").querySelector("[role=rowheader]").firstChild.nodeValue; })()`

// partialPlan solves the example with one household away from the day after its
// last fixed appointment to the end (its appointments that need the tenant cannot
// be placed, nor what follows them),
// opens it in the page and checks the red banner, its count, each unplaced
// intervention with its French reason and a link to its details; a replan of that
// plan is not announced in green.
func partialPlan(t *testing.T, p pager, s *served) {
	t.Helper()
	var prob model.Problem
	require.NoError(t, json.Unmarshal(exampleJSON(t), &prob))
	prob.Operation.ID = "op-partiel"
	// the first occupied dwelling's household goes away the day after its last
	// fixed appointment, until the end
	away, dw := "", ""
	for _, d := range prob.Dwellings {
		if d.Household != "" {
			away, dw = d.Household, d.ID
			break
		}
	}
	require.NotEmpty(t, away)
	from := prob.Operation.Start
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	for _, iv := range prob.Interventions {
		if iv.Dwelling == dw && iv.End != "" {
			end, err := time.Parse(time.RFC3339, iv.End)
			require.NoError(t, err)
			if d := end.In(paris).AddDate(0, 0, 1).Format("2006-01-02"); d > from {
				from = d
			}
		}
	}
	for i := range prob.Households {
		if prob.Households[i].ID == away {
			prob.Households[i].Absences = []model.Period{{From: from, To: prob.Operation.End, Reason: "hospitalisé"}}
		}
	}
	b, err := json.Marshal(prob)
	require.NoError(t, err)
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, b)
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	solveByAPI(t, s, "op-partiel", "time_limit=2s")
	plan := latestPlan(t, s, "op-partiel")
	require.Equal(t, "partial", plan.Status)
	require.NotEmpty(t, plan.Unplaced)

	p.eval(`document.getElementById("operation").innerHTML += '<option value="op-partiel">op-partiel</option>'`)
	p.set("operation", "op-partiel")
	p.poll(`document.getElementById("outcome").dataset.status === "partial"`, 20*time.Second)
	require.Equal(t, strconv.Itoa(len(plan.Unplaced)), evalAs[string](p, `document.getElementById("outcome").dataset.unplaced`))
	require.Contains(t, evalAs[string](p, `document.getElementById("outcome").className`), "bad")
	title := evalAs[string](p, `document.getElementById("outcome-title").textContent`)
	require.Contains(t, strings.ReplaceAll(title, " ", " "), fmt.Sprintf("%d interventions non placées", len(plan.Unplaced)))
	require.Equal(t, len(plan.Unplaced), evalAs[int](p, `document.querySelectorAll("#unplaced li a[data-iv]").length`))
	p.poll(`![...document.querySelectorAll("#unplaced .why")].some(w => w.textContent.includes("en cours"))`, 60*time.Second)
	first := plan.Unplaced[0].Intervention
	why := evalAs[string](p, `document.querySelector("#unplaced li .why").textContent`)
	for _, r := range explanation(t, s, "op-partiel", first) {
		require.Contains(t, why, r.Message, "the reason is the French one")
	}
	p.shot("7-partial")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#unplaced li a"))))
	p.poll(`document.getElementById("details").dataset.iv === `+strconv.Quote(first), 10*time.Second)
	p.poll(`!!document.querySelector("#reasons li")`, 10*time.Second)
	p.axe("#outcome", "#details")
	p.shot("8-partial-details")

	// a replan of a partial plan: never a green message
	crew := ""
	for _, a := range plan.Assignments {
		if a.Crew != "" && a.Start < "2027-01-07" {
			crew = a.Crew
			break
		}
	}
	require.NotEmpty(t, crew, "a crew at work in the first days")
	p.eval(`document.getElementById("absent-crew").value = ` + strconv.Quote(crew) + `; document.getElementById("absent-from").value = "2027-01-05"; document.getElementById("absent-to").value = "2027-01-06"`)
	p.eval(`document.getElementById("message").textContent = ""`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#absent button"))))
	p.poll(`document.getElementById("message").textContent !== ""`, 90*time.Second)
	require.Contains(t, evalAs[string](p, `document.getElementById("message").textContent`), "Nouveau planning")
	v := latestVersion(t, s, "op-partiel")
	require.NotEqual(t, "complete", v.Plan.Status)
	require.NotContains(t, evalAs[string](p, `document.getElementById("message").className`), "ok", "a partial plan is never said in green")
	require.Contains(t, evalAs[string](p, `document.getElementById("message").textContent`), "PARTIEL")
	require.Equal(t, strconv.Itoa(len(v.Plan.Unplaced)), evalAs[string](p, `document.getElementById("outcome").dataset.unplaced`))
}

// eightOClock finds an appointment at 08:00 Paris time in the plan and checks that
// the page shows it at 08:00: in the details panel, in the bar's label, and on the
// time axis at the scale of a day, whatever the browser's zone.
func eightOClock(t *testing.T, p pager, plan *model.Plan) {
	t.Helper()
	iv := ""
	for _, a := range plan.Assignments {
		if parisClock(t, a.Start) == "08:00" && (iv == "" || a.Intervention < iv) {
			iv = a.Intervention
		}
	}
	require.NotEmpty(t, iv, "an appointment at 08:00 Paris time")
	p.set("zoom", "day")
	p.eval(`location.hash = ""; location.hash = "#iv=` + url.QueryEscape(iv) + `"`)
	p.poll(`document.getElementById("details").dataset.iv === `+strconv.Quote(iv), 10*time.Second)
	when := evalAs[string](p, `document.querySelector("#details .when").textContent`)
	zone := evalAs[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`)
	require.Regexp(t, `^(Le .*, de|Du .* à) 08:00 (à|au) `, when, "the details panel, in %s", zone)
	label := evalAs[string](p, `document.querySelector("#gantt .bar.active").getAttribute("aria-label")`)
	require.Regexp(t, `, (de|du .* à) 08:00 (à|au) `, label, "the bar, in %s", zone)
	// the bar starts on the axis's 8 h tick
	dx := evalAs[float64](p, `(() => { const b = document.querySelector("#gantt .bar.active"), x = +b.getAttribute("x");
	  return Math.min(...[...document.querySelectorAll("#gantt line.hour[data-hour='8']")].map(l => Math.abs(+l.getAttribute("x1") - x))); })()`)
	require.Less(t, dx, 0.5, "the bar stands on the 8 h tick")
	p.shot("9-eight-oclock-" + strings.ReplaceAll(evalAs[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`), "/", "-"))
	p.set("zoom", "week")
}

// TestPlanningPageTimeZones opens the page in browsers in UTC and in New York: an
// appointment at 08:00 Paris time reads 08:00 in both.
func TestPlanningPageTimeZones(t *testing.T) {
	chrome := chromium(t)
	shots := shotsDir(t, "zones")
	s := serve(t, t.TempDir())
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	plan := solveByAPI(t, s, "op-les-tilleuls", "time_limit=1s&seed=1")
	for _, tz := range []string{"UTC", "America/New_York"} {
		t.Run(strings.ReplaceAll(tz, "/", "-"), func(t *testing.T) {
			p := pager{t: t, ctx: openPage(t, chrome, s.base+"/app/", tz, 90*time.Second), shots: shots}
			require.Equal(t, tz, evalAs[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`))
			p.login(readTok)
			p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)
			eightOClock(t, p, plan)
		})
	}
}

// pageWords checks the page's helpers: availability rules in words, durations,
// labels, time in the operation's zone, calendars, natural order.
func pageWords(t *testing.T, p pager) {
	t.Helper()
	for _, c := range []struct{ expr, want string }{
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;BYDAY=TU,TH", start: "13:00", duration: "5h"})`, "mardi et jeudi, de 13 h à 18 h"},
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "08:30", duration: "3h30m"})`, "du lundi au vendredi, de 8 h 30 à 12 h"},
		{`RPFr.recurrence({rrule: "FREQ=DAILY", start: "08:00", duration: "10h"})`, "tous les jours, de 8 h à 18 h"},
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;BYDAY=SA", start: "09:00", duration: "3h"})`, "le samedi, de 9 h à 12 h"},
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9,14", start: "00:00", duration: "2h"})`, "lundi et mercredi, de 9 h à 11 h et de 14 h à 16 h"},
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", start: "22:00", duration: "8h"})`, "une semaine sur deux, le vendredi, de 22 h à 6 h le lendemain"},
		{`RPFr.recurrence({rrule: "FREQ=MONTHLY;BYMONTHDAY=1", start: "09:00", duration: "1h"})`, "selon la règle FREQ=MONTHLY;BYMONTHDAY=1 à 09:00 pendant 1h"},
		{`RPFr.work(RPCal.parseDuration("0.5d", 480), 480)`, "4 h"},
		{`RPFr.work(RPCal.parseDuration("1.5d", 480), 480)`, "1 jour de travail et 4 h"},
		{`RPFr.work(RPCal.parseDuration("1h30m", 480), 480)`, "1 h 30"},
		{`RPFr.span(382296.2 / 1000)`, "2 semaines et 1 jour"},
		{`RPFr.span(5.5)`, "5 h 30"},
		{`RPFr.labeller({trades: [{id: "plumbing", name: "plumbing works"}, {id: "roof", name: "Toiture"}, {id: "x", label: "Menuiserie intérieure", name: "carpentry"}]}).trade("plumbing")`, "Plomberie"},
		{`RPFr.labeller({trades: [{id: "roof", name: "Toiture"}]}).trade("roof")`, "Toiture"},
		{`RPFr.labeller({trades: [{id: "plumbing", label: "Plomberie et chauffage"}]}).trade("plumbing")`, "Plomberie et chauffage"},
		{`RPFr.labeller({profiles: [{id: "reduced-mobility"}]}).profile("reduced-mobility")`, "mobilité réduite"},
		{`RPFr.rule("tenant-availability")`, "présence du locataire"},
		// dates: "1er" for the first of a month, in every formatter of the page
		{`RPFr.date({y: 2027, mo: 3, d: 1, wd: 1})`, "lundi 1er mars 2027"},
		{`RPFr.date({y: 2027, mo: 3, d: 2, wd: 2})`, "mardi 2 mars 2027"},
		{`RPFr.date({y: 2027, mo: 3, d: 1, wd: 1}, true)`, "lun. 1er mars 2027"},
		{`RPFr.date({y: 2027, mo: 12, d: 11})`, "11 décembre 2027"},
		{`RPFr.longDate("2027-02-01")`, "1er février 2027"},
		{`RPFr.recurrence({rrule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270401T000000Z", start: "09:00", duration: "1h", from: "2027-03-01"})`, "le lundi, de 9 h à 10 h, à partir du 1er mars 2027, jusqu'au 1er avril 2027"},
		{`RPPage.longDay(Date.parse("2027-02-28T23:30:00Z"))`, "lundi 1er mars 2027"}, // Paris time
		{`RPPage.when(Date.parse("2027-03-01T07:00:00Z"))`, "lun. 1er mars 2027, 08:00"},
		{`RPPage.fromTo(Date.parse("2027-03-01T07:00:00Z"), Date.parse("2027-03-01T11:00:00Z"))`, "lundi 1er mars 2027, de 08:00 à 12:00"},
		{`RPPage.longDay(Date.parse("2027-03-21T12:00:00Z"))`, "dimanche 21 mars 2027"},
		// wall times and instants in the operation's zone, across the clock changes
		{`JSON.stringify(RPCal.Zone("Europe/Paris").wall(Date.parse("2027-03-28T01:30:00Z")))`, `{"y":2027,"mo":3,"d":28,"h":3,"mi":30,"wd":0}`},
		{`JSON.stringify(RPCal.Zone("Europe/Paris").wall(Date.parse("2027-01-04T23:30:00Z")))`, `{"y":2027,"mo":1,"d":5,"h":0,"mi":30,"wd":2}`},
		{`new Date(RPCal.Zone("Europe/Paris").at(2027, 3, 29, 8, 0)).toISOString()`, "2027-03-29T06:00:00.000Z"},
		{`new Date(RPCal.Zone("Europe/Paris").at(2027, 10, 31, 2, 30)).toISOString()`, "2027-10-31T00:30:00.000Z"},
		{`new Date(RPCal.Zone("America/New_York").at(2027, 1, 4, 8, 0)).toISOString()`, "2027-01-04T13:00:00.000Z"},
		{`(() => { const z = RPCal.Zone("Europe/Paris"); return (z.at(2027, 3, 29) - z.at(2027, 3, 28)) / 3600000 + " h"; })()`, "23 h"},
		// calendars: the office hours of a week, in the zone
		{`RPCal.expand({rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "09:00", duration: "3h"}, RPCal.Zone("Europe/Paris"), "2027-01-01", Date.parse("2027-01-04T00:00:00+01:00"), Date.parse("2027-01-11T00:00:00+01:00")).map(s => new Date(s[0]).toISOString().slice(0, 16)).join(" ")`,
			"2027-01-04T08:00 2027-01-05T08:00 2027-01-06T08:00 2027-01-07T08:00 2027-01-08T08:00"},
		{`RPCal.expand({rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", start: "13:00", duration: "1h", exdates: ["2027-01-19"]}, RPCal.Zone("Europe/Paris"), "2027-01-04", Date.parse("2027-01-04T00:00:00Z"), Date.parse("2027-02-10T00:00:00Z")).map(s => new Date(s[0]).toISOString().slice(0, 10)).join(" ")`,
			"2027-01-05 2027-02-02"},
		{`String(RPCal.expand({rrule: "FREQ=MONTHLY;BYMONTHDAY=1", start: "09:00", duration: "1h"}, RPCal.Zone("UTC"), "2027-01-04", 0, 1))`, "null"},
		{`["B10", "B2", "B1", "B1-A-10", "B1-A-9"].sort(new Intl.Collator("fr", {numeric: true}).compare).join(" ")`, "B1 B1-A-9 B1-A-10 B2 B10"},
	} {
		require.Equal(t, c.want, evalAs[string](p, c.expr), c.expr)
	}
}

// wantRows is the chart's row labels of the example grouped by dwelling: each
// building, its stairwells, their dwellings, in natural order.
func wantRows(t *testing.T) []string {
	var prob model.Problem
	require.NoError(t, json.Unmarshal(exampleJSON(t), &prob))
	ds := prob.Dwellings
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Building != b.Building {
			return naturalLess(a.Building, b.Building)
		}
		if a.Stairwell != b.Stairwell {
			return naturalLess(a.Stairwell, b.Stairwell)
		}
		return naturalLess(a.ID, b.ID)
	})
	var out []string
	b, s := "", ""
	for _, d := range ds {
		if d.Building != b {
			b, s = d.Building, ""
			out = append(out, "Bâtiment "+b)
		}
		if d.Stairwell != s {
			s = d.Stairwell
			out = append(out, "Cage "+s)
		}
		l := d.ID
		if d.Vacant {
			l += " (vacant)"
		}
		out = append(out, l)
	}
	return out
}

var digits = regexp.MustCompile(`\d+|\D+`)

// naturalLess compares strings with their runs of digits as numbers (B2 < B10).
func naturalLess(a, b string) bool {
	x, y := digits.FindAllString(a, -1), digits.FindAllString(b, -1)
	for i := 0; i < len(x) && i < len(y); i++ {
		if x[i] == y[i] {
			continue
		}
		n, e1 := strconv.Atoi(x[i])
		m, e2 := strconv.Atoi(y[i])
		if e1 == nil && e2 == nil && n != m {
			return n < m
		}
		return strings.ToLower(x[i]) < strings.ToLower(y[i])
	}
	return len(x) < len(y)
}

// parisClock is the Paris wall time "HH:MM" of an RFC 3339 time.
func parisClock(t *testing.T, s string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	return at.In(loc).Format("15:04")
}

// solveByAPI solves an operation through the API and returns the stored plan.
func solveByAPI(t *testing.T, s *served, op, query string) *model.Plan {
	t.Helper()
	code, body, err := s.do(t, "POST", "/v1/operations/"+op+"/solve?"+query, writeTok, nil)
	require.NoError(t, err)
	require.Equal(t, 202, code, string(body))
	var job JobStatus
	require.NoError(t, json.Unmarshal(body, &job))
	for deadline := time.Now().Add(90 * time.Second); job.State != "done"; time.Sleep(200 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "the solve did not end")
		_, body, err = s.do(t, "GET", "/v1/jobs/"+job.ID, readTok, nil)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(body, &job))
		require.NotEqual(t, "failed", job.State, job.Error)
	}
	return latestPlan(t, s, op)
}

func latestVersion(t *testing.T, s *served, op string) Version {
	t.Helper()
	_, body, err := s.do(t, "GET", "/v1/operations/"+op+"/versions", readTok, nil)
	require.NoError(t, err)
	var vs struct{ Versions []VersionInfo }
	require.NoError(t, json.Unmarshal(body, &vs))
	last := vs.Versions[len(vs.Versions)-1]
	_, body, err = s.do(t, "GET", "/v1/operations/"+op+"/versions/"+itoa(last.Number), readTok, nil)
	require.NoError(t, err)
	var v Version
	require.NoError(t, json.Unmarshal(body, &v))
	require.NotNil(t, v.Plan, "version %d has a plan", last.Number)
	return v
}

func latestPlan(t *testing.T, s *served, op string) *model.Plan {
	t.Helper()
	v := latestVersion(t, s, op)
	return v.Plan
}

func assignmentOf(p *model.Plan, iv string) *model.Assignment {
	for i := range p.Assignments {
		if p.Assignments[i].Intervention == iv {
			return &p.Assignments[i]
		}
	}
	return nil
}

// explanation is the French explanation the API gives of an intervention.
func explanation(t *testing.T, s *served, op, iv string) []model.Reason {
	t.Helper()
	code, body, err := s.do(t, "GET", "/v1/operations/"+op+"/interventions/"+url.PathEscape(iv)+"/explanation?lang=fr", readTok, nil)
	require.NoError(t, err)
	require.Equal(t, 200, code, "%s", body)
	var ex struct {
		Reasons []model.Reason `json:"reasons"`
	}
	require.NoError(t, json.Unmarshal(body, &ex))
	return ex.Reasons
}

func itoa(n int) string { return strconv.Itoa(n) }
