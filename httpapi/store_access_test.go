package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// accessKind is a store of the audit log and the feeds under test: open gives a
// new one, reopen the same one again as a restart would.
type accessKind struct {
	name   string
	open   func(t testing.TB) any
	reopen func(t testing.TB, st any) any
}

// accessKinds are each store of the suite, and the memory a server falls back
// on (reopen: the same memory).
func accessKinds() []accessKind {
	var out []accessKind
	for _, k := range storeKinds {
		out = append(out, accessKind{k.name,
			func(t testing.TB) any { return k.open(t) },
			func(t testing.TB, st any) any { return k.reopen(t, st.(Store)) }})
	}
	return append(out, accessKind{"memory",
		func(t testing.TB) any { return memAccess{&memAudit{}, newMemFeeds()} },
		func(t testing.TB, st any) any { return st }})
}

// memAccess is the memory audit log and feeds together.
type memAccess struct {
	*memAudit
	*memFeeds
}

// TestAuditLogStore: the records are numbered in order, kept across a
// reopening, and paged by number.
func TestAuditLogStore(t *testing.T) {
	for _, k := range accessKinds() {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			log := st.(AuditLog)
			empty, err := log.ListAudit(0, 10)
			require.NoError(t, err)
			require.Empty(t, empty)
			require.NotNil(t, empty, "an empty page is [], not null")
			now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, h := range []string{"H1", "*", "H2"} {
				n, err := log.AppendAudit(AuditRecord{Seq: 99, Time: now, Token: "t", Role: RolePilot, Operation: "op", Household: h, Route: "r"})
				require.NoError(t, err)
				require.Equal(t, uint64(i+1), n)
			}
			log = k.reopen(t, st).(AuditLog)
			n, err := log.AppendAudit(AuditRecord{Time: now.Add(time.Second), Token: "u", Operation: "op", Household: "H3"})
			require.NoError(t, err)
			require.Equal(t, uint64(4), n, "numbering goes on after a reopening")
			page, err := log.ListAudit(1, 2)
			require.NoError(t, err)
			require.Len(t, page, 2)
			require.Equal(t, []uint64{2, 3}, []uint64{page[0].Seq, page[1].Seq})
			require.Equal(t, AuditRecord{Seq: 2, Time: now, Token: "t", Role: RolePilot, Operation: "op", Household: "*", Route: "r"}, page[0])
			rest, err := log.ListAudit(3, 10)
			require.NoError(t, err)
			require.Len(t, rest, 1)
			require.Equal(t, "H3", rest[0].Household)
			require.True(t, now.Add(time.Second).Equal(rest[0].Time))
			none, err := log.ListAudit(1<<63, 10)
			require.NoError(t, err)
			require.Empty(t, none)
		})
	}
}

// TestAuditLogConcurrentAppends: appends at once get the numbers 1..N, each
// once, and a page lists them in order.
func TestAuditLogConcurrentAppends(t *testing.T) {
	for _, k := range accessKinds() {
		t.Run(k.name, func(t *testing.T) {
			log := k.open(t).(AuditLog)
			const n = 40
			var wg sync.WaitGroup
			seqs := make([]uint64, n)
			for i := range n {
				wg.Go(func() {
					var err error
					seqs[i], err = log.AppendAudit(AuditRecord{Time: time.Now().UTC(), Token: "t", Operation: "op", Household: "H"})
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			recs, err := log.ListAudit(0, 1000)
			require.NoError(t, err)
			require.Len(t, recs, n)
			seen := map[uint64]bool{}
			for i, rec := range recs {
				require.Equal(t, uint64(i+1), rec.Seq)
				seen[seqs[i]] = true
			}
			require.Len(t, seen, n, "every append got its own number")
		})
	}
}

// TestPostgresAuditIsAppendOnly: the audit table refuses UPDATE, DELETE and
// TRUNCATE, whoever runs them, and keeps the records.
func TestPostgresAuditIsAppendOnly(t *testing.T) {
	st := storeKinds[1].open(t).(*PGStore)
	_, err := st.AppendAudit(AuditRecord{Time: time.Now().UTC(), Token: "t", Operation: "op", Household: "H1"})
	require.NoError(t, err)
	ctx := context.Background()
	for _, sql := range []string{
		"UPDATE audit SET household = 'H2'",
		"DELETE FROM audit",
		"TRUNCATE audit",
	} {
		_, err := st.pool.Exec(ctx, sql)
		require.ErrorContains(t, err, "the audit log is append-only", sql)
	}
	recs, err := st.ListAudit(0, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "H1", recs[0].Household)
}

// TestFeedStore: feeds are stored by their secret's hash, listed by operation
// oldest first, revoked once, and kept across a reopening.
func TestFeedStore(t *testing.T) {
	for _, k := range accessKinds() {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			fs := st.(FeedStore)
			t0 := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
			feeds := []struct {
				f    Feed
				hash string
			}{
				{Feed{ID: "f2", Operation: "op", Incarnation: "inc-1", Kind: "household", Who: "H007", Created: t0.Add(time.Hour), CreatedBy: "pilot-1"}, "hash-b"},
				{Feed{ID: "f1", Operation: "op", Incarnation: "inc-1", Kind: "crew", Who: "C1", Created: t0, CreatedBy: "pilot-1"}, "hash-a"},
				{Feed{ID: "f3", Operation: "other", Incarnation: "inc-9", Kind: "pilot", Who: "P1", Created: t0, CreatedBy: "admin"}, "hash-c"},
			}
			for _, f := range feeds {
				require.NoError(t, fs.PutFeed(f.f, f.hash))
			}
			require.ErrorIs(t, fs.PutFeed(feeds[0].f, "hash-b"), ErrExists, "a secret's hash is stored once")
			fs = k.reopen(t, st).(FeedStore)
			got, err := fs.FeedByHash("hash-b")
			require.NoError(t, err)
			require.Equal(t, feeds[0].f, *got)
			require.Equal(t, "inc-1", got.Incarnation, "the incarnation is kept")
			_, err = fs.FeedByHash("no-such-hash")
			require.ErrorIs(t, err, ErrNotFound)
			list, err := fs.Feeds("op")
			require.NoError(t, err)
			require.Equal(t, []Feed{feeds[1].f, feeds[0].f}, list, "oldest first")
			list, err = fs.Feeds("none")
			require.NoError(t, err)
			require.NotNil(t, list)
			require.Empty(t, list)

			at := t0.Add(48 * time.Hour)
			require.NoError(t, fs.RevokeFeed("op", "f2", at))
			require.NoError(t, fs.RevokeFeed("op", "f2", at.Add(time.Hour)), "revoking again changes nothing")
			require.ErrorIs(t, fs.RevokeFeed("other", "f2", at), ErrNotFound, "a feed of another operation")
			require.ErrorIs(t, fs.RevokeFeed("op", "f9", at), ErrNotFound)
			got, err = fs.FeedByHash("hash-b")
			require.NoError(t, err)
			require.NotNil(t, got.Revoked)
			require.True(t, at.Equal(*got.Revoked), "revoked at the first revocation")
			got, err = fs.FeedByHash("hash-a")
			require.NoError(t, err)
			require.Nil(t, got.Revoked)
		})
	}
}

// TestEventSequencesAreKept: the store keeps each UID's content hash and
// sequence, across a reopening; the calendars' keys may hold NUL bytes.
func TestEventSequencesAreKept(t *testing.T) {
	for _, k := range accessKinds() {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			fs := st.(FeedStore)
			cal := strings.Join([]string{"op", "inc", "household", "H1"}, "\x00")
			t0 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			got, err := fs.EventSequences(cal, map[string]string{"a": "h1", "b": "h1"}, t0)
			require.NoError(t, err)
			require.Equal(t, map[string]EventSeq{"a": {0, "h1", t0}, "b": {0, "h1", t0}}, got)
			fs = k.reopen(t, st).(FeedStore)
			t1 := t0.Add(time.Hour)
			for range 2 { // the second call changes nothing
				got, err = fs.EventSequences(cal, map[string]string{"a": "h1", "b": "h2", "c": "h1"}, t1)
				require.NoError(t, err)
				require.Equal(t, map[string]EventSeq{"a": {0, "h1", t0}, "b": {1, "h2", t1}, "c": {0, "h1", t1}}, got)
			}
			got, err = fs.EventSequences("other", map[string]string{"a": "h9"}, t1)
			require.NoError(t, err)
			require.Equal(t, 0, got["a"].Seq, "calendars apart")
			got, err = fs.EventSequences(cal, map[string]string{}, t1)
			require.NoError(t, err)
			require.Empty(t, got)
			k1, err := fs.ServerKey()
			require.NoError(t, err)
			k2, err := k.reopen(t, fs).(FeedStore).ServerKey()
			require.NoError(t, err)
			require.Len(t, k1, 32)
			require.True(t, bytes.Equal(k1, k2), "the key is kept")
		})
	}
}

// TestServerKeepsAccessInItsStore: a server on either store keeps its audit log
// and its feeds there, with no warning of a fallback to memory.
func TestServerKeepsAccessInItsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		var logs logBuffer
		s := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		defer s.Shutdown(context.Background())
		assert.Same(t, any(st), any(s.audit), "the audit log is the store's")
		assert.Same(t, any(st), any(s.feeds), "the feeds are the store's")
		assert.NotContains(t, logs.String(), "memory")
	})
}
