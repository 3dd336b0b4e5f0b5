package httpapi

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzReadDump: any bytes imported into a bbolt store either import whole —
// and then export as a dump that imports into another store and exports the
// same — or fail and leave the store empty; never a panic.
func FuzzReadDump(f *testing.F) {
	inc := strings.Repeat("ab", 16)
	hash := strings.Repeat("0f", 32)
	lines := []string{
		`{"kind":"version","operation":"a","incarnation":"` + inc + `","version":1,"document":{"version":1,"incarnation":"` + inc + `","created":"2027-01-01T00:00:00Z","kind":"created","problem":{}}}`,
		`{"kind":"idempotency","operation":"a","incarnation":"` + inc + `","version":1,"key_sha256":"` + hash + `","request_sha256":"` + hash + `"}`,
		`{"kind":"job","job":{"id":"j","operation":"a","state":"done","base":1,"started":"2027-01-01T00:00:00Z","time_limit":0}}`,
		`{"kind":"night","night":{"night":"2027-01-11","operation":"a","job":"j","outcome":"done","version":2,"seconds":1.5,"queued":"2027-01-11T00:00:00Z","ended":"2027-01-11T00:00:02Z"}}`,
		`{"kind":"night","night":{"night":"2027-01-11","operation":"b","job":"k","outcome":"","seconds":0,"queued":"2027-01-11T00:00:00Z"}}`,
		`{"kind":"audit","audit":{"seq":1,"time":"2027-01-01T00:00:00Z","token":"t","operation":"a","household":"H1","route":"r"}}`,
		`{"kind":"server_key","server_key":"` + hash + `"}`,
	}
	f.Add([]byte(strings.Join(lines, "\n") + "\n"))
	f.Add([]byte(lines[3] + "\n" + lines[3] + "\n"))
	f.Add([]byte(lines[1] + "\n"))
	f.Add([]byte(`{"kind":"night","night":{"night":"2027-13-40","operation":"a","job":"j"}}`))
	f.Add([]byte(`{"kind":"night"}`))
	f.Add([]byte("\n\n{oops"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		open := func(name string) *BoltStore {
			st, err := OpenBolt(filepath.Join(dir, name))
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		}
		a := open("a.db")
		if _, err := ReadDump(bytes.NewReader(data), a); err != nil {
			var out bytes.Buffer
			_, err := WriteDump(&out, a)
			require.NoError(t, err)
			require.Empty(t, out.String(), "a failed import writes nothing")
			return
		}
		var first, second bytes.Buffer
		_, err := WriteDump(&first, a)
		require.NoError(t, err)
		b := open("b.db")
		_, err = ReadDump(bytes.NewReader(first.Bytes()), b)
		require.NoError(t, err, "the export of an import imports")
		_, err = WriteDump(&second, b)
		require.NoError(t, err)
		require.Equal(t, first.String(), second.String())
	})
}
