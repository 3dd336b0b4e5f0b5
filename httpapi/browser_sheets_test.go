package httpapi

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// TestPlanningPageWorkbooksAndReplanSettings drives headless Chromium, in UTC,
// against the real binary, on the example solved through the API: the plan
// downloaded from the page as a workbook (read back: its sheets, the households'
// appointments); a filled template uploaded as a new operation, then as a new
// version of it; a broken one refused with every error listed in French and
// nothing stored; then a replan at a date chosen on the page (12:00 in Paris,
// sent as 11:00 UTC) with a chosen budget, and one at the default date (now) with
// the budget left to the server.
//
// One long function: the steps share one server, one browser and the solved
// plan, in order (the new version needs the operation the upload made).
func TestPlanningPageWorkbooksAndReplanSettings(t *testing.T) {
	chrome := chromium(t)
	shots := shotsDir(t, "60")
	s := serve(t, t.TempDir())
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	plan := solveByAPI(t, s, "op-les-tilleuls", "work_limit=2&seed=1")

	p := pager{t: t, ctx: openPage(t, chrome, s.base+"/app/", "UTC", 240*time.Second), shots: shots}
	p.login(writeTok)
	p.poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)

	// the plan as a workbook: the bytes the page saves are the export's
	p.eval(`window.caught = null; const orig = URL.createObjectURL; URL.createObjectURL = (b) => { window.caught = b; return orig.call(URL, b); }`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.ID("download-plan"))))
	p.poll(`window.caught !== null`, 30*time.Second)
	b64 := evalAs[string](p, `(async () => { const b = new Uint8Array(await window.caught.arrayBuffer()); let s = "";
	  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192)); return btoa(s); })()`)
	data, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	names, text := workbookText(t, data)
	require.Contains(t, names, "Synthèse")
	require.Contains(t, names, "Rendez-vous des ménages")
	require.Contains(t, names, "Équipe plumbing-1")
	require.Contains(t, text, plan.Assignments[0].Intervention)
	require.Contains(t, evalAs[string](p, `document.getElementById("message").textContent`), "op-les-tilleuls-v2.xlsx")

	// a filled template as a new operation
	dir := t.TempDir()
	prob := gen.Example()
	prob.Operation.ID = "op-classeur"
	file := filepath.Join(dir, "classeur.xlsx")
	require.NoError(t, os.WriteFile(file, templateOf(t, prob), 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{file})))
	p.set("upload-mode", "new")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#upload button"))))
	p.poll(`document.getElementById("operation").value === "op-classeur" && document.getElementById("message").textContent.includes("Opération créée, version 1")`, 30*time.Second)
	require.Contains(t, evalAs[string](p, `document.getElementById("version").textContent`), "pas encore de planning")
	p.shot("20-uploaded")

	// then as a new version of the operation shown
	prob.Operation.Name = "Les Tilleuls, tranche 2"
	require.NoError(t, os.WriteFile(file, templateOf(t, prob), 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{file})))
	p.set("upload-mode", "version")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#upload button"))))
	p.poll(`document.getElementById("message").textContent.includes("Nouvelle version 2")`, 30*time.Second)
	_, body, err = s.do(t, "GET", "/v1/operations/op-classeur", writeTok, nil)
	require.NoError(t, err)
	require.Contains(t, string(body), "tranche 2")

	// a broken workbook: every error listed in French, nothing stored
	broken := filepath.Join(dir, "abime.xlsx")
	require.NoError(t, os.WriteFile(broken, brokenWorkbook(t), 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{broken})))
	p.set("upload-mode", "new")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#upload button"))))
	p.poll(`!document.getElementById("upload-errors").hidden`, 30*time.Second)
	errs := evalAs[[]string](p, `[...document.querySelectorAll("#upload-errors li")].map(li => li.textContent)`)
	require.Equal(t, []string{
		"Logements, ligne 3, colonne « Étage » (D3) : trouvé « deux », attendu un nombre entier",
		"Logements, ligne 4, colonne « Bâtiment » (B4) : trouvé « B9 », identifiant inconnu : attendu un bâtiment de la feuille « Bâtiments et cages »",
	}, errs)
	require.Contains(t, evalAs[string](p, `document.getElementById("message").textContent`), "rien n'a été enregistré")
	p.shot("21-upload-refused")
	p.axe("#sheets", "#replan-settings")
	_, body, err = s.do(t, "GET", "/v1/operations", writeTok, nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"operations":["op-classeur","op-les-tilleuls"]}`, string(body))

	// the replan's date and budget: by default now, in the operation's zone
	p.set("operation", "op-les-tilleuls")
	p.poll(`document.getElementById("version").textContent.includes("version 2")`, 30*time.Second)
	// (another operation's workbook is not a new version of this one)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{file})))
	p.set("upload-mode", "version")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#upload button"))))
	p.poll(`document.getElementById("message").textContent.includes("décrit l'opération « op-classeur », pas l'opération affichée « op-les-tilleuls »")`, 30*time.Second)
	require.Equal(t, 2, latestVersion(t, s, "op-les-tilleuls").Number, "nothing stored")
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	shown, err := time.ParseInLocation("2006-01-02T15:04", evalAs[string](p, `document.getElementById("replan-now").value`), paris)
	require.NoError(t, err)
	require.InDelta(t, 0, time.Since(shown).Minutes(), 2, "the default is now, read in Paris time by a browser in UTC")
	require.Contains(t, evalAs[string](p, `document.getElementById("replan-zone").textContent`), "Europe/Paris")
	require.Equal(t, "", evalAs[string](p, `document.getElementById("replan-budget").value`), "the budget is the server's by default")

	p.eval(`window.urls = []; const f0 = window.fetch; window.fetch = (u, o) => { window.urls.push(String(u)); return f0(u, o); };
	  const n = document.getElementById("replan-now"); n.value = "2027-02-01T12:00"; n.dispatchEvent(new Event("input"));`)
	p.set("replan-budget", "10s")
	p.eval(`document.getElementById("slip-delivery").value = "L-windows-1"; document.getElementById("slip-date").value = "2027-03-09"`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#slip button"))))
	p.poll(`!document.querySelector("#changes").hidden`, 90*time.Second)
	sent := evalAs[string](p, `window.urls.find(u => u.includes("/events")) || ""`)
	require.Contains(t, sent, "now=2027-02-01T11%3A00%3A00Z")
	require.Contains(t, sent, "time_limit=10s")
	v := latestVersion(t, s, "op-les-tilleuls")
	require.Equal(t, "replanned", v.Kind)
	at, err := time.Parse(time.RFC3339, v.Diff.Now)
	require.NoError(t, err)
	require.True(t, at.Equal(time.Date(2027, 2, 1, 12, 0, 0, 0, paris)), "the replan's date: %s", v.Diff.Now)

	// back to now, the budget left to the server
	p.eval(`window.urls = []`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.ID("replan-reset"))))
	p.set("replan-budget", "")
	p.eval(`document.getElementById("absent-crew").value = "plumbing-1"; document.getElementById("absent-from").value = "2027-04-05"; document.getElementById("absent-to").value = "2027-04-06"`)
	p.eval(`document.getElementById("changes").hidden = true`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#absent button"))))
	p.poll(`!document.querySelector("#changes").hidden`, 120*time.Second)
	sent = evalAs[string](p, `window.urls.find(u => u.includes("/events")) || ""`)
	require.NotContains(t, sent, "time_limit")
	v = latestVersion(t, s, "op-les-tilleuls")
	at, err = time.Parse(time.RFC3339, v.Diff.Now)
	require.NoError(t, err)
	require.InDelta(t, 0, time.Since(at).Minutes(), 3, "the default date is now: %s", v.Diff.Now)
	p.shot("22-replanned-at-a-date")
}
