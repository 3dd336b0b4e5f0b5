package httpapi

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTokenFileReloadsOnChange: the server takes a token added to the file, and
// drops one removed, without a restart; a file that does not parse leaves the
// tokens in use.
func TestTokenFileReloadsOnChange(t *testing.T) {
	ts, s, _ := roleServer(t)
	const newTok = "new-manager-0123456789"
	file := s.tokens.path
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.tokens.Watch(ctx, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	status := func(tok string) int {
		resp, _ := call(t, ts, "GET", "/v1/operations/op-a/plan", tok, nil)
		return resp.StatusCode
	}
	require.Equal(t, 401, status(newTok))
	require.Equal(t, 200, status(tokViewer))
	require.NoError(t, os.WriteFile(file, []byte(sha(tokAdmin)+" admin\n"+sha(newTok)+" manager op-a\n"), 0o600))
	require.Eventually(t, func() bool { return status(newTok) == 200 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, 401, status(tokViewer), "removed from the file")
	require.Equal(t, 200, status(readTok), "the tokens given at start stay")

	// a broken file: the tokens in use stay
	require.NoError(t, os.WriteFile(file, []byte(sha(newTok)+" owner\n"), 0o600))
	_, _, err := s.tokens.Reload()
	require.ErrorContains(t, err, `line 1: role "owner"`)
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, 200, status(newTok))
	// and the scope changes with the file
	require.NoError(t, os.WriteFile(file, []byte(sha(newTok)+" manager op-b\n"), 0o600))
	require.Eventually(t, func() bool { return status(newTok) == 403 }, 5*time.Second, 20*time.Millisecond)
}

func TestParseTokensNamesTheLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ file, err string }{
		{"sha256:" + "zz" + " admin\n", "line 1: the token's hash"},
		{"# c\n\n" + sha("a-token-0123456789") + " viewer op-a id=x\n" + sha("b-token-0123456789") + " viewer op-a id=x\n", `line 4: id "x" already names the token of line 3`},
		{sha("a-token-0123456789") + " admin * id=a\"b\n", `id "a\"b": no quotes`},
	}
	for _, c := range cases {
		p := filepath.Join(dir, "tokens")
		require.NoError(t, os.WriteFile(p, []byte(c.file), 0o600))
		_, _, err := NewTokenSet(p)
		require.ErrorContains(t, err, c.err)
		require.ErrorContains(t, err, p)
	}
}
