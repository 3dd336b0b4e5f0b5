package httpapi

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// pageWriteControls are the page's controls that change something, by CSS
// selector: the solve and its cancel, the workbook upload, the replans' events,
// the announcements and confirmations, and (in an appointment's details) the
// rescheduling with the tenant.
var pageWriteControls = []string{"#solve", "#time-limit", "#cancel", "#upload", "#replan-settings", "#slip", "#missed", "#absent",
	"#announce", "#confirm", "#reschedule", "#decline"}

// TestPageShowsOnlyWhatTheRoleMayDo drives the planning page with a token of
// each role against the real binary: it asks GET /v1/me and shows only the
// actions the role may take, saying so in French. A viewer and a contractor
// see no control that changes anything (the contractor, who may not read the
// operation, is told where its appointments are); a pilot the households'
// events, announcements, confirmations and rescheduling, not the solve, the
// site's events or the upload; a manager everything but the cancel of a solve
// that is not running.
func TestPageShowsOnlyWhatTheRoleMayDo(t *testing.T) {
	chromium(t) // skips before the server starts when there is no browser
	crew := gen.Example().Crews[0].ID
	tokens := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(tokens, []byte(sha(tokPilot)+" pilot * id=pilot-asso\n"+
		sha(tokContractor)+" contractor op-les-tilleuls crews="+crew+" id=durand\n"+sha(tokViewer)+" viewer op-les-tilleuls id=board\n"), 0o600))
	e := servedExample(t, "rights", "--tokens", tokens)
	p := pager{t: t, ctx: openPage(t, e.chrome, e.s.base+"/app/", "UTC", 240*time.Second), shots: e.shots}
	iv := e.plan.Assignments[0].Intervention
	sels := "[" + strconv.Quote(pageWriteControls[0])
	for _, s := range pageWriteControls[1:] {
		sels += "," + strconv.Quote(s)
	}
	sels += "]"
	writes := func() []string {
		return evalAs[[]string](p, `(() => `+sels+`.filter(s => { const e = document.querySelector(s); return e && e.checkVisibility() && !e.disabled; }))()`)
	}

	cases := []struct {
		name, tok, role string
		plan            bool // the page shows the plan
		writes          []string
		says            string
	}{
		{"viewer", tokViewer, RoleViewer, true, []string{}, "Connecté : lecteur (board) : consultation seule ; les actions qui modifient le planning sont masquées."},
		{"old read token", readTok, RoleViewer, true, []string{}, "consultation seule"},
		{"contractor", tokContractor, RoleContractor, false, []string{}, "Connecté : entreprise (durand) : consultation seule"},
		{"pilot", tokPilot, RolePilot, true, []string{"#replan-settings", "#missed", "#announce", "#confirm", "#reschedule", "#decline"},
			"Connecté : pilote social (pilot-asso) : les actions réservées aux chargés d'opération sont masquées."},
		{"manager", writeTok, RoleManager, true, []string{"#solve", "#time-limit", "#upload", "#replan-settings", "#slip", "#missed", "#absent",
			"#announce", "#confirm", "#reschedule", "#decline"}, "Connecté : chargé d'opération ("},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p.t = t
			p.eval(`location.hash = ""`)
			p.login(tc.tok)
			require.Equal(t, tc.role, evalAs[string](p, `document.getElementById("rights").dataset.role`))
			require.Contains(t, evalAs[string](p, `document.getElementById("rights").textContent`), tc.says)
			if tc.plan {
				p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)
				// an appointment's details: the rescheduling only for who may send it
				p.eval(`location.hash = "#iv=` + url.QueryEscape(iv) + `"`)
				p.poll(`document.getElementById("details").dataset.iv === `+strconv.Quote(iv)+` && !!document.querySelector("#details .when")`, 10*time.Second)
				time.Sleep(200 * time.Millisecond) // the panel's rescheduling block is added on its next mutation
			} else {
				p.poll(`document.getElementById("message").textContent.includes("agenda de vos équipes")`, 10*time.Second)
				require.Zero(t, evalAs[int](p, `document.querySelectorAll("#gantt .bar").length`), "nothing left of the earlier token's plan")
				require.False(t, evalAs[bool](p, `document.getElementById("gantt-wrap").checkVisibility()`))
				require.Empty(t, evalAs[string](p, `document.getElementById("version").textContent`))
			}
			p.shot(strconv.Itoa(i+1) + "-" + tc.role)
			require.Equal(t, tc.writes, writes(), "the write controls a %s can use", tc.name)
		})
	}
}
