package httpapi

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPageLifecycle drives the appointment lifecycle from the page, in a browser
// in UTC against the real binary: announce a period (the counts and the letters
// are the API's), record a household's confirmation by typing its appointment,
// then reschedule an appointment with the tenant on the phone by choosing among
// the offered slots, and find its new time, in Paris time, in the details panel
// and on the chart's bar, which stands on the axis where the slot starts. axe-core
// checks the lifecycle's controls and the slots offered.
func TestPageLifecycle(t *testing.T) {
	e := servedExample(t, "lifecycle")
	chrome, shots, s, plan := e.chrome, e.shots, e.s, e.plan
	const op = "op-les-tilleuls"

	p := pager{t: t, ctx: openPage(t, chrome, s.base+"/app/", "UTC", 240*time.Second), shots: shots}
	p.login(writeTok)
	p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)

	// announce the appointments before 15 February 2027
	p.eval(`document.getElementById("announce-until").value = "2027-02-15"`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#announce button"))))
	p.poll(`!document.getElementById("announced").hidden && document.getElementById("message").textContent.includes("Annonce enregistrée")`, 30*time.Second)
	p.shot("1-announced")
	v := latestVersion(t, s, op)
	require.Equal(t, "announced", v.Kind)
	require.NotNil(t, v.Announcement)
	require.NotEmpty(t, v.Announcement.Announced)
	require.Equal(t, strconv.Itoa(len(v.Announcement.Announced)), evalAs[string](p, `document.getElementById("announce-result").dataset.announced`))
	require.Equal(t, strconv.Itoa(len(v.Announcement.Letters)), evalAs[string](p, `document.getElementById("announce-result").dataset.letters`))
	require.Contains(t, evalAs[string](p, `document.getElementById("announce-result").textContent`), "rendez-vous annoncés")
	letters := evalAs[string](p, `RPLife.letters.html`)
	require.Equal(t, len(v.Announcement.Letters), strings.Count(letters, "Madame, Monsieur"), "one letter a household, to print")
	require.Contains(t, letters, "A4")
	require.True(t, strings.HasPrefix(evalAs[string](p, `document.getElementById("letters-html").href`), "blob:"), "the letters download from the page")
	text := evalAs[string](p, `RPLife.letters.text`)
	require.Contains(t, text, "Ménage "+v.Announcement.Letters[0].Household)

	// a household confirms one of its announced appointments: typed, chosen, saved
	conf := v.Announcement.Announced[len(v.Announcement.Announced)-1]
	var dwelling, trade string
	for _, iv := range v.Problem.Interventions {
		if iv.ID == conf {
			dwelling, trade = iv.Dwelling, iv.Trade
		}
	}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("confirm-iv"), dwelling+" "+trade)))
	opts := evalAs[[]string](p, `[...document.querySelectorAll("#confirm-list [role=option]")].map(o => o.textContent)`)
	require.NotEmpty(t, opts, "announced appointments of %s", dwelling)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
	require.Equal(t, []string{conf}, evalAs[[]string](p, `[...document.querySelectorAll("#confirm-chosen li")].map(li => li.dataset.iv)`))
	p.axe("#lifecycle")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#confirm > button"))))
	p.poll(`document.getElementById("message").textContent.includes("rendez-vous confirmé")`, 30*time.Second)
	v = latestVersion(t, s, op)
	require.Equal(t, "confirmed", v.Kind)
	for _, iv := range v.Problem.Interventions {
		if iv.ID == conf {
			require.Equal(t, model.StatusConfirmed, iv.StatusOf())
		}
	}

	// the tenant on the phone: a planned appointment in March, its slots, the
	// second one chosen
	var pick model.Assignment
	for _, a := range plan.Assignments {
		if a.Crew != "" && a.Start > "2027-03-01" && a.Start < "2027-04-01" && (pick.Intervention == "" || a.Intervention < pick.Intervention) {
			pick = a
		}
	}
	require.NotEmpty(t, pick.Intervention)
	p.set("zoom", "day")
	p.eval(`location.hash = ""; location.hash = "#iv=` + url.QueryEscape(pick.Intervention) + `"`)
	p.poll(`document.getElementById("details").dataset.iv === `+strconv.Quote(pick.Intervention)+` && !!document.getElementById("reschedule")`, 10*time.Second)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.ID("reschedule"))))
	p.poll(`document.querySelectorAll("#slot-list button").length > 1`, 30*time.Second)
	p.shot("2-slots")
	p.axe("#details")
	slot := evalAs[map[string]string](p, `(() => { const b = document.querySelectorAll("#slot-list button")[1]; return {start: b.dataset.start, text: b.textContent}; })()`)
	require.NotEqual(t, pick.Start, slot["start"])
	require.Contains(t, slot["text"], parisClock(t, slot["start"]), "the slot in Paris time")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#slot-list li:nth-child(2) button"))))
	p.poll(`document.getElementById("message").textContent.includes("Rendez-vous déplacé")`, 60*time.Second)
	v = latestVersion(t, s, op)
	require.Equal(t, "replanned", v.Kind)
	after := assignmentOf(v.Plan, pick.Intervention)
	require.NotNil(t, after)
	want, err := time.Parse(time.RFC3339, slot["start"])
	require.NoError(t, err)
	got, err := time.Parse(time.RFC3339, after.Start)
	require.NoError(t, err)
	require.True(t, want.Equal(got), "the plan has the appointment at the slot chosen: %s, not %s", slot["start"], after.Start)
	for _, iv := range v.Problem.Interventions {
		if iv.ID == pick.Intervention {
			require.Equal(t, model.StatusConfirmed, iv.StatusOf(), "a slot taken on the phone is confirmed")
		}
	}

	// the new time on the chart and in the panel, in Paris time
	p.poll(`document.getElementById("details").dataset.start === `+strconv.Quote(after.Start), 20*time.Second)
	clock := parisClock(t, after.Start)
	require.Contains(t, evalAs[string](p, `document.querySelector("#details .when").textContent`), clock)
	p.poll(`(() => { const b = document.querySelector("#gantt .bar.active"); return !!b && b.dataset.iv === `+strconv.Quote(pick.Intervention)+`; })()`, 20*time.Second)
	label := evalAs[string](p, `document.querySelector("#gantt .bar.active").getAttribute("aria-label")`)
	require.Contains(t, label, clock, "the bar's label")
	var day struct{ Day, Month string }
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	local := got.In(loc)
	day.Day, day.Month = strconv.Itoa(local.Day()), []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}[local.Month()-1]
	require.Contains(t, label, " "+day.Day+" "+day.Month+" ", "the bar's label has the new day")
	// the axis has a tick every two hours: the bar starts where the slot's time
	// falls between the ticks of its day
	h0, frac := local.Hour()-local.Hour()%2, float64(local.Hour()%2*60+local.Minute())/120
	dx := evalAs[float64](p, `(() => { const x = +document.querySelector("#gantt .bar.active").getAttribute("x"), ls = [...document.querySelectorAll("#gantt line.hour")];
	  let px2 = 0;
	  for (let i = 1; i < ls.length && !px2; i++) if (+ls[i].dataset.hour === +ls[i - 1].dataset.hour + 2) px2 = +ls[i].getAttribute("x1") - +ls[i - 1].getAttribute("x1");
	  return Math.min(...ls.filter(l => +l.dataset.hour === `+strconv.Itoa(h0)+`).map(l => Math.abs(+l.getAttribute("x1") + `+strconv.FormatFloat(frac, 'f', 4, 64)+` * px2 - x))); })()`)
	require.Less(t, dx, 1.0, "the bar stands where the slot starts on the axis")
	p.shot("3-rescheduled")
	var diff model.Diff
	data, err := json.Marshal(v.Diff)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &diff))
	require.Equal(t, strconv.Itoa(len(diff.Recipients)), strconv.Itoa(evalAs[int](p, `document.querySelectorAll("#notices .notice").length`)), "the notices of the move")
}
