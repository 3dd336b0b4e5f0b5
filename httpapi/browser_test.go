package httpapi

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPlanningPage drives headless Chromium against the real binary: log in, solve
// from the page, slip a delivery, and check that the moved appointments shown and
// the notices listed are those of the API's diff. Screenshots of each step are saved
// under $REHABPLAN_SCREENSHOTS (default: a folder in the temporary directory).
// It is over 100 lines on purpose: the steps share one browser session and read,
// top to bottom, as the user's story.
func TestPlanningPage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	chrome := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		if os.Getenv("REHABPLAN_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium on this machine, and REHABPLAN_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium on this machine (apt-get install chromium)")
	}
	shots := os.Getenv("REHABPLAN_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "rehabplan-screenshots")
	}
	require.NoError(t, os.MkdirAll(shots, 0o755))
	t.Logf("screenshots in %s", shots)

	s := serve(t, t.TempDir())
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))

	ctx := openPage(t, chrome, s.base+"/app/", 150*time.Second)
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644))
	}
	eval := func(expr string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
		require.NoError(t, err)
	}
	poll := func(expr string, d time.Duration) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d)))
		require.NoError(t, err, "waiting for %s", expr)
	}
	// a bad token first: a clear message
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "not-a-valid-token-at-all"),
		chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.ID("message")),
	))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("message")))
	require.NoError(t, err)
	shot("1-bad-token")
	require.Contains(t, msg, "Jeton invalide ou expiré")

	// log in, solve from the page
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("token"), writeTok),
		chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.ID("solve")),
	))
	shot("2-logged-in")
	eval(`document.getElementById("time-limit").value = "2s"`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("solve"))))
	poll(`document.querySelector("#job").textContent.includes("terminé")`, 90*time.Second)
	poll(`document.querySelectorAll("#gantt .bar").length > 0`, 30*time.Second)
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Set([...document.querySelectorAll("#gantt .bar")].map(b => b.dataset.iv)).size`))
	require.NoError(t, err)
	shot("3-solved")
	require.Equal(t, 724, bars, "every intervention of the example is drawn")

	// slip the window delivery from the page
	eval(`document.getElementById("slip-delivery").value = "L-windows-1"; document.getElementById("slip-date").value = "2027-03-09"`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#slip button"))))
	poll(`!document.querySelector("#changes").hidden`, 90*time.Second)
	shot("4-replanned")
	shownMoved, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll("#gantt .bar.moved")].map(b => b.dataset.iv))]`))
	require.NoError(t, err)
	notices, err := chromedp.Run(ctx, chromedp.Evaluate[[]map[string]string](`[...document.querySelectorAll("#notices .notice")].map(n => ({kind: n.dataset.kind, id: n.dataset.id}))`))
	require.NoError(t, err)
	// the API's diff of the latest version
	_, body, err = s.do(t, "GET", "/v1/operations/op-les-tilleuls/versions", readTok, nil)
	require.NoError(t, err)
	var vs struct{ Versions []VersionInfo }
	require.NoError(t, json.Unmarshal(body, &vs))
	last := vs.Versions[len(vs.Versions)-1]
	require.Equal(t, "replanned", last.Kind)
	_, body, err = s.do(t, "GET", "/v1/operations/op-les-tilleuls/versions/"+itoa(last.Number), readTok, nil)
	require.NoError(t, err)
	var v Version
	require.NoError(t, json.Unmarshal(body, &v))
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

	// an intervention's explanation
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#gantt .bar.moved")),
		chromedp.WaitVisible(chromedp.CSS("#reasons li")),
	))
	reasons, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#reasons")))
	require.NoError(t, err)
	shot("5-explanation")
	require.NotEmpty(t, strings.TrimSpace(reasons))
	// the page shows the French explanation of the intervention it names
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#details h2")))
	require.NoError(t, err)
	code, body, err = s.do(t, "GET", "/v1/operations/op-les-tilleuls/interventions/"+url.PathEscape(strings.TrimSpace(shown))+"/explanation?lang=fr", readTok, nil)
	require.NoError(t, err)
	require.Equal(t, 200, code, "%s", body)
	var ex struct {
		Reasons []model.Reason `json:"reasons"`
	}
	require.NoError(t, json.Unmarshal(body, &ex))
	require.NotEmpty(t, ex.Reasons)
	for _, r := range ex.Reasons {
		require.Contains(t, reasons, r.Message)
	}
}

// openPage opens url in a headless Chromium and returns a context that drives it
// for at most limit; the browser closes when the test ends.
func openPage(t *testing.T, chrome, url string, limit time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1400, 900), chromedp.Flag("disable-gpu", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url)))
	ctx, cancel := context.WithTimeout(bctx, limit)
	t.Cleanup(cancel)
	return ctx
}

func itoa(n int) string { return strconv.Itoa(n) }
