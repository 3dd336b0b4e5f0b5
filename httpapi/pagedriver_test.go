package httpapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// axe-core, the accessibility checker, vendored from the npm package axe-core
// (see testdata/axe/README.md): the browser test runs it inside the page.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// chromium finds the browser, or skips the test (fails it when
// REHABPLAN_REQUIRE_BROWSER is set: CI installs Chromium and must not skip).
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a browser")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REHABPLAN_REQUIRE_BROWSER") != "" {
		t.Fatal("no Chromium on this machine, and REHABPLAN_REQUIRE_BROWSER is set")
	}
	t.Skip("no Chromium on this machine (apt-get install chromium)")
	return ""
}

// shotsDir is where the screenshots go: $REHABPLAN_SCREENSHOTS/sub when set (kept
// after the test), otherwise a temporary folder of the test.
func shotsDir(t *testing.T, sub string) string {
	t.Helper()
	dir := t.TempDir()
	if env := os.Getenv("REHABPLAN_SCREENSHOTS"); env != "" {
		dir = filepath.Join(env, sub)
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Logf("screenshots in %s", dir)
	return dir
}

// openPage opens url in a headless Chromium whose process runs in the time zone
// tz, and returns a context that drives it for at most limit; the browser closes
// when the test ends.
func openPage(t *testing.T, chrome, url, tz string, limit time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1400, 900), chromedp.Flag("disable-gpu", true), chromedp.Env("TZ="+tz))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url)))
	ctx, cancel := context.WithTimeout(bctx, limit)
	t.Cleanup(cancel)
	return ctx
}

// pager drives the planning page in one browser tab.
type pager struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

func (p pager) eval(expr string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](expr))
	require.NoError(p.t, err, "%s", expr)
}

func evalAs[T any](p pager, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(p.t, err, "%s", expr)
	return v
}

func (p pager) poll(expr string, d time.Duration) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d)))
	require.NoError(p.t, err, "waiting for %s", expr)
}

func (p pager) shot(name string) {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(filepath.Join(p.shots, name+".png"), buf, 0o644))
}

// shotOf saves a picture of one element of the page.
func (p pager) shotOf(sel, path string) {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(path, buf, 0o644))
}

// login types the token and waits for the page to show what the token may do
// (GET /v1/me: #rights names its role).
func (p pager) login(tok string) {
	p.t.Helper()
	p.eval(`delete document.getElementById("rights").dataset.role`)
	require.NoError(p.t, chromedp.Do(p.ctx,
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SetValue(chromedp.ID("token"), tok),
		chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.ID("operation")),
	))
	p.poll(`!!document.getElementById("rights").dataset.role`, 30*time.Second)
}

// set changes a select of the page as a person would (the change event fires).
func (p pager) set(id, value string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.value = %q; s.dispatchEvent(new Event("change")); })()`, id, value))
}

// click clicks the first element sel names, as a person would, once the page has
// drawn: the chart redraws its bars on the frame after a scroll or a zoom, so a
// bar found just before a redraw may be gone when the click reaches it; the click
// is then tried again on the bar drawn in its place (three times at most).
func (p pager) click(sel string) {
	p.t.Helper()
	var err error
	for try := 0; try < 3; try++ {
		if _, err = chromedp.Run(p.ctx, chromedp.Evaluate[any](frames, chromedp.EvalAwaitPromise)); err != nil {
			break
		}
		if err = chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err == nil || !strings.Contains(err.Error(), "Could not find node") {
			break
		}
	}
	require.NoError(p.t, err, "clicking %s", sel)
}

// frames waits for the page to draw twice (the chart draws on the next frame after
// a scroll).
const frames = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`

// drawnIDs gives the interventions the chart draws now: one per bar, several per
// cluster of bars too thin to draw apart.
const drawnIDs = `() => [...document.querySelectorAll("#gantt .bar")].flatMap(b => b.dataset.ivs ? b.dataset.ivs.split("\n") : [b.dataset.iv])`

// scrollThrough scrolls the chart from top to bottom (and left to right) and
// returns, in order of first sight, the values that expr (a function of the
// drawn chart returning a list of strings) gives at each step.
func (p pager) scrollThrough(expr string) []string {
	p.t.Helper()
	return evalAs[[]string](p, `(async () => {
	  const w = document.getElementById("gantt-wrap"), seen = new Set(), out = [];
	  const f = `+expr+`;
	  for (let y = 0; ; y += Math.max(20, (w.clientHeight - 40) / 2)) {
	    for (let x = 0; ; x += Math.max(50, (w.clientWidth - 200) / 2)) {
	      w.scrollTop = y; w.scrollLeft = x; w.dispatchEvent(new Event("scroll"));
	      await `+frames+`;
	      for (const v of f()) if (!seen.has(v)) { seen.add(v); out.push(v); }
	      if (x + w.clientWidth >= w.scrollWidth) break;
	    }
	    if (y + w.clientHeight >= w.scrollHeight) break;
	  }
	  w.scrollTop = 0; w.scrollLeft = 0; w.dispatchEvent(new Event("scroll")); await `+frames+`;
	  return out;
	})()`)
}

// axe runs axe-core on the parts of the page the selectors name and fails the
// test on any serious or critical violation, naming the rule and the elements.
func (p pager) axe(selectors ...string) {
	p.t.Helper()
	if !evalAs[bool](p, `typeof axe !== "undefined"`) {
		_, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](axeSource))
		require.NoError(p.t, err, "loading axe-core")
	}
	inc, _ := json.Marshal(selectors)
	out := evalAs[map[string]any](p, `axe.run({include: `+string(inc)+`.map(s => [s])}).then(r => ({passes: r.passes.length,
	  violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
	    ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))}))`)
	require.Greater(p.t, out["passes"].(float64), 10.0, "axe-core checked the page")
	var res []map[string]any
	for _, v := range out["violations"].([]any) {
		res = append(res, v.(map[string]any))
	}
	var b strings.Builder
	for _, v := range res {
		fmt.Fprintf(&b, "%s (%s): %s\n", v["id"], v["impact"], v["help"])
		for _, n := range v["nodes"].([]any) {
			fmt.Fprintf(&b, "    %v\n", n)
		}
	}
	require.Empty(p.t, res, "axe-core on %v:\n%s", selectors, b.String())
}
