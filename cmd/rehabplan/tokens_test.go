package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/httpapi"
)

func hashOf(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return "sha256:" + hex.EncodeToString(h[:])
}

func TestLoadTokens(t *testing.T) {
	const (
		writeTok = "write-token-0123456789"
		readTok  = "read-token-01234567890"
		envTok   = "env-token-0123456789ab"
		plbTok   = "plumber-token-0123456789"
	)
	type want struct {
		tok   string
		grant httpapi.Grant
	}
	cases := []struct {
		name, file, env string
		want            []want
		warns           int
		err             string
	}{
		{"old roles, file and env", "# comment\n" + writeTok + " write\n\n" + readTok + " read\n", envTok + ":read", []want{
			{writeTok, httpapi.Grant{ID: "sha256:" + hashOf(writeTok)[7:15], Role: "manager", AllOps: true}},
			{readTok, httpapi.Grant{ID: "sha256:" + hashOf(readTok)[7:15], Role: "viewer", AllOps: true}},
			{envTok, httpapi.Grant{ID: "sha256:" + hashOf(envTok)[7:15], Role: "viewer", AllOps: true}},
		}, 2, ""},
		{"hashed, scoped", hashOf(writeTok) + " manager op-a,op-b id=landlord\n" + hashOf(plbTok) + " contractor op-a crews=PLB-1,PLB-2\n", "", []want{
			{writeTok, httpapi.Grant{ID: "landlord", Role: "manager", Ops: []string{"op-a", "op-b"}}},
			{plbTok, httpapi.Grant{ID: "sha256:" + hashOf(plbTok)[7:15], Role: "contractor", Ops: []string{"op-a"}, Crews: []string{"PLB-1", "PLB-2"}}},
		}, 0, ""},
		{"env admin", "", envTok + ":admin", []want{{envTok, httpapi.Grant{ID: "sha256:" + hashOf(envTok)[7:15], Role: "admin", AllOps: true}}}, 0, ""},
		{"unknown role", "tok-0123456789abcdef owner\n", "", nil, 0, `line 1: role "owner"`},
		{"short token", "short write\n", "", nil, 0, "fewer than 16 characters"},
		{"bad hash", "sha256:abcd manager\n", "", nil, 0, "line 1: the token's hash is not 64 hexadecimal digits"},
		{"missing role", "tok-0123456789abcdef\n", "", nil, 0, `line 1: want "TOKEN ROLE`},
		{"contractor without crews", hashOf(plbTok) + " contractor op-a\n", "", nil, 0, "line 1: role contractor needs its crews"},
		{"contractor of every operation", hashOf(plbTok) + " contractor * crews=PLB-1\n", "", nil, 0, "line 1: role contractor needs its operations"},
		{"crews for a manager", hashOf(plbTok) + " manager op-a crews=PLB-1\n", "", nil, 0, "line 1: crews= is for a contractor"},
		{"old role with a scope", readTok + " read op-a\n", "", nil, 0, "line 1: role read is for every operation"},
		{"two scopes", hashOf(plbTok) + " manager op-a op-b\n", "", nil, 0, `line 1: "op-b": one scope`},
		{"same token twice", hashOf(plbTok) + " manager\n" + plbTok + " viewer\n", "", nil, 0, "line 2: the same token as an earlier line"},
		{"contractor in env", "", envTok + ":contractor", nil, 0, "REHABPLAN_TOKENS entry 1: role contractor needs its crews"},
		{"env without role", "", "tok-0123456789abcdef", nil, 0, "REHABPLAN_TOKENS entry 1: want TOKEN:ROLE"},
		{"nothing", "", "", nil, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = filepath.Join(t.TempDir(), "tokens")
				require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o600))
			}
			got, warns, err := loadTokens(path, tc.env)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, warns, tc.warns)
			for _, w := range warns {
				require.Contains(t, w, "plain token")
				require.NotContains(t, w, writeTok)
				require.NotContains(t, w, readTok)
			}
			require.Equal(t, len(tc.want), got.Len())
			for _, w := range tc.want {
				g, ok := got.Lookup(w.tok)
				require.True(t, ok, w.tok)
				require.Equal(t, w.grant, g)
			}
			_, ok := got.Lookup("not-a-token-0123456789")
			require.False(t, ok)
		})
	}
}

// TestTokensReloadOnSIGHUP: the serve command reloads the token file on SIGHUP
// (the change check is made rare here, so that only the signal can reload).
func TestTokensReloadOnSIGHUP(t *testing.T) {
	const oldTok, newTok = "old-token-0123456789ab", "new-token-0123456789ab"
	path := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(path, []byte(hashOf(oldTok)+" manager\n"), 0o600))
	toks, _, err := loadTokens(path, "")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watchTokens(ctx, toks, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, os.WriteFile(path, []byte(hashOf(newTok)+" viewer op-a\n"), 0o600))
	_, ok := toks.Lookup(newTok)
	require.False(t, ok, "not before the signal")
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { _, ok := toks.Lookup(newTok); return ok }, 5*time.Second, 10*time.Millisecond)
	_, ok = toks.Lookup(oldTok)
	require.False(t, ok, "the old token is gone")
}

func FuzzLoadTokens(f *testing.F) {
	f.Add("write-token-0123456789 write\n", "a:b,c")
	f.Add("", "env-token-0123456789ab:read, ,x:write")
	f.Add(hashOf("x")+" contractor op-a crews=A,B id=plb\n", "")
	f.Fuzz(func(t *testing.T, file, env string) {
		path := filepath.Join(t.TempDir(), "tokens")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Skip()
		}
		toks, _, err := loadTokens(path, env)
		if err != nil {
			return
		}
		for _, line := range strings.Split(file, "\n") {
			fs := strings.Fields(line)
			if len(fs) == 0 || strings.HasPrefix(fs[0], "#") || strings.HasPrefix(fs[0], "sha256:") {
				continue
			}
			g, ok := toks.Lookup(fs[0])
			if !ok || len(fs[0]) < 16 {
				t.Fatalf("line %q: token not taken, or too short", line)
			}
			if g.Role == "contractor" && (len(g.Crews) == 0 || g.AllOps) {
				t.Fatalf("contractor %q without crews or with every operation", line)
			}
		}
	})
}
