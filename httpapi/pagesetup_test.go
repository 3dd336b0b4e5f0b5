package httpapi

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// examplePage is the set-up of a page test on the bundled example
// (operation op-les-tilleuls): a Chromium, the folder of the screenshots, the
// real binary serving a new store, and the example's plan, solved by the API.
type examplePage struct {
	chrome string
	shots  string
	s      *served
	plan   *model.Plan
}

// servedExample sets a page test up: the screenshots under shots, the server
// started with flags (stopped when the test ends), the example posted and solved
// (work_limit=2, seed=1).
func servedExample(t *testing.T, shots string, flags ...string) examplePage {
	t.Helper()
	e := examplePage{chrome: chromium(t), shots: shotsDir(t, shots)}
	e.s = serve(t, t.TempDir(), flags...)
	t.Cleanup(func() { e.s.cmd.Process.Kill(); e.s.cmd.Wait() })
	code, body, err := e.s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	e.plan = solveByAPI(t, e.s, "op-les-tilleuls", "work_limit=2&seed=1")
	return e
}
