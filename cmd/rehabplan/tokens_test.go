package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadTokens(t *testing.T) {
	cases := []struct {
		name, file, env string
		want            map[string]string
		err             string
	}{
		{"file and env", "# comment\nwrite-token-0123456789 write\n\nread-token-01234567890 read\n", "env-token-0123456789ab:read",
			map[string]string{"write-token-0123456789": "write", "read-token-01234567890": "read", "env-token-0123456789ab": "read"}, ""},
		{"unknown role", "tok-0123456789abcdef admin\n", "", nil, `line 1: role "admin"`},
		{"short token", "short write\n", "", nil, "fewer than 16 characters"},
		{"missing role", "tok-0123456789abcdef\n", "", nil, `line 1: want "TOKEN ROLE"`},
		{"env without role", "", "tok-0123456789abcdef", nil, "REHABPLAN_TOKENS entry 1: want TOKEN:ROLE"},
		{"nothing", "", "", map[string]string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = filepath.Join(t.TempDir(), "tokens")
				require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o600))
			}
			got, err := loadTokens(path, tc.env)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func FuzzLoadTokens(f *testing.F) {
	f.Add("write-token-0123456789 write\n", "a:b,c")
	f.Add("", "env-token-0123456789ab:read, ,x:write")
	f.Fuzz(func(t *testing.T, file, env string) {
		path := filepath.Join(t.TempDir(), "tokens")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Skip()
		}
		toks, err := loadTokens(path, env)
		if err != nil {
			return
		}
		for tok, role := range toks {
			if len(tok) < 16 || (role != "read" && role != "write") || strings.ContainsAny(tok, " \t\n") {
				t.Fatalf("accepted token %q with role %q", tok, role)
			}
		}
	})
}
