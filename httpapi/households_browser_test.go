package httpapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPageHouseholds drives the households' view in a browser in UTC against
// the real binary, on the bundled example (households rehoused by the planner):
// who moves when, with the moves in Paris time; each household's pilot; the
// tenants' requests for a pilot. A viewer sees the stays and the pilots, a note
// instead of the requests, and no profile's name. axe-core checks the view.
func TestPageHouseholds(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(tokens, []byte(sha(tokPilot)+" pilot * id=pilot-asso\n"), 0o600))
	e := servedExample(t, "households", "--tokens", tokens)
	chrome, shots, s, plan := e.chrome, e.shots, e.s, e.plan
	const op = "op-les-tilleuls"
	require.NotEmpty(t, plan.Stays, "the example rehouses households")
	v := latestVersion(t, s, op)

	// a tenant's complaint, written by the pilot
	req, err := json.Marshal(map[string]any{"date": "2027-01-11", "subject": "Bruit le samedi", "follow_up": "2027-01-18", "interventions": []string{plan.Stays[0].MoveOut}})
	require.NoError(t, err)
	code, body, err := s.do(t, "POST", "/v1/operations/"+op+"/households/"+plan.Stays[0].Household+"/requests", tokPilot, req, "Content-Type", "application/json")
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))

	p := pager{t: t, ctx: openPage(t, chrome, s.base+"/app/", "UTC", 240*time.Second), shots: shots}
	open := func(tok string) {
		p.login(tok)
		p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`#views button[data-view="households"]`))))
		p.poll(`!document.getElementById("households").hidden && document.getElementById("hh-requests-note").dataset.state !== undefined`, 30*time.Second)
	}
	open(tokPilot)
	p.shot("1-pilot")
	require.Contains(t, evalAs[string](p, `document.getElementById("hh-title").textContent`), "Europe/Paris")

	// who moves when: a row per stay, the moves at their Paris times
	rows := evalAs[[]map[string]string](p, `[...document.querySelectorAll("#hh-stays tbody tr")].map(r => ({h: r.dataset.household, u: r.dataset.unit, text: r.textContent}))`)
	require.Len(t, rows, len(plan.Stays))
	for _, st := range plan.Stays {
		found := false
		for _, r := range rows {
			if r["h"] != st.Household || r["u"] != st.Unit {
				continue
			}
			found = true
			out := assignmentOf(plan, st.MoveOut)
			require.NotNil(t, out, st.MoveOut)
			require.Contains(t, r["text"], "de "+parisClock(t, out.Start)+" à "+parisClock(t, out.End), "the move out in Paris time")
			require.Regexp(t, `du (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+(er)? \p{L}+ 20\d\d au`, r["text"])
		}
		require.True(t, found, "%+v", st)
	}

	// each household's pilot: its own when the problem gives one
	pilots := evalAs[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#hh-pilots tbody tr")].map(r => [r.dataset.household, r.dataset.pilot]))`)
	occupied := 0
	for _, d := range v.Problem.Dwellings {
		if d.Household != "" {
			occupied++
		}
	}
	require.Len(t, pilots, occupied, "every household has its interlocutor")
	for _, h := range v.Problem.Households {
		if h.Pilot != "" {
			require.Equal(t, h.Pilot, pilots[h.ID], h.ID)
		}
	}

	// the tenants' requests, in French
	reqs := evalAs[[]string](p, `[...document.querySelectorAll("#hh-requests tbody tr")].map(r => r.textContent)`)
	require.Len(t, reqs, 1)
	require.Contains(t, reqs[0], "Bruit le samedi")
	require.Contains(t, reqs[0], "ouverte")
	require.Contains(t, reqs[0], "lundi 18 janvier 2027")
	p.axe("#households", "#views")

	// a viewer: stays and pilots, no request, no profile's name
	open(readTok)
	p.shot("2-viewer")
	require.Equal(t, "forbidden", evalAs[string](p, `document.getElementById("hh-requests-note").dataset.state`))
	require.True(t, evalAs[bool](p, `document.getElementById("hh-requests").hidden`))
	require.Zero(t, evalAs[int](p, `document.querySelectorAll("#hh-requests tbody tr").length`))
	require.Equal(t, len(plan.Stays), evalAs[int](p, `document.querySelectorAll("#hh-stays tbody tr").length`))
	text := evalAs[string](p, `document.getElementById("households").textContent`)
	require.NotContains(t, text, "Bruit le samedi")
	for _, pr := range v.Problem.Profiles {
		require.NotContains(t, text, pr.ID, "a viewer sees profile %s", pr.ID)
	}
	require.NotContains(t, strings.ToLower(text), "undefined")
	p.axe("#households")
}
