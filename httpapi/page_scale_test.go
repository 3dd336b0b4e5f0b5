package httpapi

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// TestPlanningPageAtScale draws the plan of a 1,000-dwelling operation (about
// 12,000 interventions, 31,000 bars with their stretches) and prints how long the
// chart takes to redraw when the scale changes. It is a measurement, run on
// demand: REHABPLAN_PAGE_SCALE=1 go test ./httpapi -run PlanningPageAtScale -v
func TestPlanningPageAtScale(t *testing.T) {
	if os.Getenv("REHABPLAN_PAGE_SCALE") == "" {
		t.Skip("a measurement: set REHABPLAN_PAGE_SCALE=1")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no Chromium")
	}
	s := serve(t, t.TempDir())
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	op := p.Operation.ID
	b, _ := json.Marshal(p)
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, b)
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	ctx := openPage(t, chrome, s.base+"/app/", 300*time.Second)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SetValue(chromedp.ID("token"), writeTok),
		chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.ID("solve")),
	))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`document.getElementById("time-limit").value = "2s"`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("solve"))))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#gantt .bar").length > 10000`, chromedp.WithPollingTimeout(200*time.Second)))
	require.NoError(t, err)
	// every placed intervention is drawn
	_, body, err = s.do(t, "GET", "/v1/operations/"+op+"/plan", writeTok, nil)
	require.NoError(t, err)
	var plan struct {
		Assignments []struct{ Intervention string } `json:"assignments"`
	}
	require.NoError(t, json.Unmarshal(body, &plan))
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Set([...document.querySelectorAll("#gantt .bar")].map(b => b.dataset.iv)).size`))
	require.NoError(t, err)
	require.Equal(t, len(plan.Assignments), drawn)
	for _, z := range []string{"week", "month", "week", "month"} {
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {const t=performance.now(); const z=document.getElementById("zoom"); z.value="`+z+`"; z.dispatchEvent(new Event("change")); document.body.offsetHeight; return performance.now()-t})()`))
		require.NoError(t, err)
		n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#gantt .bar").length`))
		t.Logf("redraw at %s: %.0f ms, %d bars", z, ms, n)
	}
}
