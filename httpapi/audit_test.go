package httpapi

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAuditLogStore: the records are numbered in order, kept across a
// reopening, and paged by number.
func TestAuditLogStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (AuditLog, func() AuditLog)
	}{
		{"bolt", func(t *testing.T) (AuditLog, func() AuditLog) {
			path := filepath.Join(t.TempDir(), "s.db")
			st, err := OpenBolt(path)
			require.NoError(t, err)
			reopen := func() AuditLog {
				require.NoError(t, st.Close())
				st, err = OpenBolt(path)
				require.NoError(t, err)
				return st
			}
			t.Cleanup(func() { st.Close() })
			return st, reopen
		}},
		{"memory", func(t *testing.T) (AuditLog, func() AuditLog) {
			m := &memAudit{}
			return m, func() AuditLog { return m }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, reopen := tc.open(t)
			empty, err := log.ListAudit(0, 10)
			require.NoError(t, err)
			require.Empty(t, empty)
			now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, h := range []string{"H1", "*", "H2"} {
				n, err := log.AppendAudit(AuditRecord{Seq: 99, Time: now, Token: "t", Role: RolePilot, Operation: "op", Household: h, Route: "r"})
				require.NoError(t, err)
				require.Equal(t, uint64(i+1), n)
			}
			log = reopen()
			n, err := log.AppendAudit(AuditRecord{Time: now, Token: "u", Operation: "op", Household: "H3"})
			require.NoError(t, err)
			require.Equal(t, uint64(4), n, "numbering goes on after a reopening")
			page, err := log.ListAudit(1, 2)
			require.NoError(t, err)
			require.Len(t, page, 2)
			require.Equal(t, []uint64{2, 3}, []uint64{page[0].Seq, page[1].Seq})
			require.Equal(t, "*", page[0].Household)
			rest, err := log.ListAudit(3, 10)
			require.NoError(t, err)
			require.Len(t, rest, 1)
			require.Equal(t, "H3", rest[0].Household)
		})
	}
}
