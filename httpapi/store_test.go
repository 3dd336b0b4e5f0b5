package httpapi

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/model"
)

// storeKind is one implementation of Store under the suite: open gives a new,
// empty store, closed when the test ends; reopen closes st and opens the same
// store again, as a restart of the service would.
type storeKind struct {
	name   string
	open   func(t testing.TB) Store
	reopen func(t testing.TB, st Store) Store
}

// pgURLs remembers the URL each PostgreSQL store of the suite was opened on.
var pgURLs sync.Map

// storeKinds are the stores the suite runs on: bbolt always, PostgreSQL when a
// server can be had (see internal/pgtest: the test is skipped saying why when
// none can, or fails under REHABPLAN_REQUIRE_POSTGRES=1).
var storeKinds = []storeKind{
	{"bbolt", func(t testing.TB) Store {
		path := filepath.Join(t.TempDir(), "s.db")
		st, err := OpenBolt(path)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}, func(t testing.TB, st Store) Store {
		require.NoError(t, st.Close())
		again, err := OpenBolt(st.(*BoltStore).path)
		require.NoError(t, err)
		t.Cleanup(func() { again.Close() })
		return again
	}},
	{"postgres", func(t testing.TB) Store {
		// a pool as large as the concurrency tests' writers: they all wait on
		// the row lock at once
		url := pgtest.WithParam(pgtest.Schema(t), "pool_max_conns", "24")
		st, err := OpenPostgres(url)
		require.NoError(t, err)
		pgURLs.Store(st, url)
		t.Cleanup(func() { st.Close() })
		return st
	}, func(t testing.TB, st Store) Store {
		url, ok := pgURLs.Load(st)
		require.True(t, ok, "a store the suite did not open")
		require.NoError(t, st.Close())
		again, err := OpenPostgres(url.(string))
		require.NoError(t, err)
		pgURLs.Store(again, url)
		t.Cleanup(func() { again.Close() })
		return again
	}},
}

// forEachStore runs f as a subtest for each kind of store.
func forEachStore(t *testing.T, f func(t *testing.T, k storeKind)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) { f(t, k) })
	}
}

// problemNamed is the example problem with a recognisable name, so that a test
// can tell which write a version came from.
func problemNamed(name string) *model.Problem {
	p := gen.Example()
	p.Operation.Name = name
	return p
}

// TestAddVersionCommitsOnlyOnItsBase: a write built on anything but the latest
// version of the operation's incarnation is refused, and writes nothing. The
// cases are issue 14's: a PUT during a replan (stale version) and a delete and
// re-create during a replan (the old incarnation, whatever its version number).
func TestAddVersionCommitsOnlyOnItsBase(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		cases := []struct {
			name string
			// setup returns the base the write names, after changing the store
			setup    func(t *testing.T, st Store) Base
			wantErr  error // nil: committed
			conflict bool  // a *ConflictError naming the latest version
		}{
			{"the latest version", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				return b
			}, nil, false},
			{"a stale version (a PUT came first)", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				_, _, err = st.AddVersion("op", b, &Version{Kind: "replaced", Problem: problemNamed("put")}, Idem{})
				require.NoError(t, err)
				return b
			}, ErrConflict, true},
			{"a version ahead of the latest", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				b.Version++
				return b
			}, ErrConflict, true},
			{"another incarnation", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				b.Incarnation = newIncarnation()
				return b
			}, ErrNotFound, false},
			{"a deleted operation", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				require.NoError(t, st.DeleteOperation("op", b.Incarnation))
				return b
			}, ErrNotFound, false},
			{"the deleted incarnation of a re-created operation, same version number", func(t *testing.T, st Store) Base {
				b, err := st.Head("op")
				require.NoError(t, err)
				require.NoError(t, st.DeleteOperation("op", ""))
				_, err = st.CreateOperation("op", problemNamed("re-created"))
				require.NoError(t, err)
				return b
			}, ErrNotFound, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				st := k.open(t)
				_, err := st.CreateOperation("op", problemNamed("created"))
				require.NoError(t, err)
				base := tc.setup(t, st)
				before, headErr := st.Head("op")
				var infos []VersionInfo
				if headErr == nil {
					infos, err = st.Versions("op")
					require.NoError(t, err)
				}
				in := &Version{Kind: "replanned", Problem: problemNamed("replan")}
				v, replayed, err := st.AddVersion("op", base, in, Idem{})
				require.False(t, replayed)
				if tc.wantErr == nil {
					require.NoError(t, err)
					assert.Equal(t, base.Version+1, v.Number)
					assert.Equal(t, base.Incarnation, v.Incarnation)
					assert.Zero(t, in.Number, "the caller's version is not modified")
					latest, err := st.Latest("op")
					require.NoError(t, err)
					assert.Equal(t, "replan", latest.Problem.Operation.Name)
					assert.Equal(t, v.Base(), latest.Base())
					return
				}
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, v)
				var ce *ConflictError
				require.Equal(t, tc.conflict, errors.As(err, &ce), "%v", err)
				if tc.conflict {
					assert.Equal(t, before, ce.Current, "the conflict carries the latest base")
					assert.Equal(t, base, ce.Base)
				}
				// nothing written
				after, err := st.Head("op")
				if headErr != nil {
					require.ErrorIs(t, err, ErrNotFound, "a deleted operation stays deleted")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, before, after)
				latest, err := st.Latest("op")
				require.NoError(t, err)
				assert.NotEqual(t, "replan", latest.Problem.Operation.Name)
				again, err := st.Versions("op")
				require.NoError(t, err)
				assert.Equal(t, infos, again)
			})
		}
	})
}

func TestAddVersionNeedsAnIncarnation(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		_, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		_, _, err = st.AddVersion("op", Base{Version: 1}, &Version{Kind: "replaced", Problem: gen.Example()}, Idem{})
		require.ErrorContains(t, err, "names no incarnation")
		assert.NotErrorIs(t, err, ErrConflict)
	})
}

// TestDeleteThenCreateIsAnotherIncarnation: the incarnation is random and kept
// across a reopen; a re-created operation starts again at version 1 under a new
// one, with nothing of the old; a delete naming another incarnation deletes
// nothing.
func TestDeleteThenCreateIsAnotherIncarnation(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", problemNamed("first"))
		require.NoError(t, err)
		require.Len(t, v1.Incarnation, 32)
		_, _, err = st.AddVersion("op", v1.Base(), &Version{Kind: "replaced", Problem: problemNamed("first, replaced")}, Idem{})
		require.NoError(t, err)

		cases := []struct {
			name        string
			incarnation string
			wantErr     error
		}{
			{"another incarnation", newIncarnation(), ErrNotFound},
			{"its incarnation", v1.Incarnation, nil},
			{"once deleted", v1.Incarnation, ErrNotFound},
			{"once deleted, any incarnation", "", ErrNotFound},
		}
		for _, tc := range cases {
			err := st.DeleteOperation("op", tc.incarnation)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr, tc.name)
				continue
			}
			require.NoError(t, err, tc.name)
		}
		_, err = st.Versions("op")
		require.ErrorIs(t, err, ErrNotFound)
		_, err = st.Get("op", 1)
		require.ErrorIs(t, err, ErrNotFound)

		v2, err := st.CreateOperation("op", problemNamed("second"))
		require.NoError(t, err)
		require.NotEqual(t, v1.Incarnation, v2.Incarnation)
		require.Equal(t, 1, v2.Number)
		vs, err := st.Versions("op")
		require.NoError(t, err)
		require.Len(t, vs, 1, "nothing of the deleted incarnation")
		assert.Equal(t, v2.Incarnation, vs[0].Incarnation)
		_, err = st.CreateOperation("op", problemNamed("third"))
		require.ErrorIs(t, err, ErrExists)

		st = k.reopen(t, st)
		b, err := st.Head("op")
		require.NoError(t, err)
		assert.Equal(t, v2.Base(), b)
		latest, err := st.Latest("op")
		require.NoError(t, err)
		assert.Equal(t, "second", latest.Problem.Operation.Name)
		assert.Equal(t, v2.Incarnation, latest.Incarnation)
		data, err := json.Marshal(latest)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"incarnation":"`+v2.Incarnation+`"`)
	})
}

// TestConcurrentWritesOnOneBase: 20 writers on the same base, exactly one wins.
func TestConcurrentWritesOnOneBase(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		const writers = 20
		errs := make([]error, writers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range writers {
			wg.Go(func() {
				<-start
				_, _, errs[i] = st.AddVersion("op", v1.Base(), &Version{Kind: "replaced", Problem: problemNamed(strconv.Itoa(i))}, Idem{})
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "writers %d and %d both won", won, i)
				won = i
				continue
			}
			var ce *ConflictError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, Base{Incarnation: v1.Incarnation, Version: 2}, ce.Current)
		}
		require.NotEqual(t, -1, won, "no writer won")
		latest, err := st.Latest("op")
		require.NoError(t, err)
		assert.Equal(t, 2, latest.Number)
		assert.Equal(t, strconv.Itoa(won), latest.Problem.Operation.Name)
	})
}

// TestIdempotencyKeys: a key replays only the request it came with, on the
// incarnation it was used on.
func TestIdempotencyKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		body := []byte(`{"events":[]}`)
		target := "/v1/operations/op/events?time_limit=1s"
		first := NewIdem("k1", "POST", target, body)
		require.NotEqual(t, first, NewIdem("k1", "POST", target, []byte(`{"events": []}`)))
		require.NotEqual(t, first, NewIdem("k1", "PUT", target, body))
		require.NotEqual(t, first, NewIdem("k1", "POST", "/v1/operations/op/events?time_limit=2s", body))
		require.Equal(t, Idem{}, NewIdem("", "POST", target, body))

		cases := []struct {
			name string
			// second is the idempotency key of the second write; recreate deletes
			// and re-creates the operation between the writes
			second       Idem
			recreate     bool
			wantErr      error
			wantReplayed bool
		}{
			{"same key, same request: replayed", first, false, nil, true},
			{"same key, another body", NewIdem("k1", "POST", target, []byte(`{"events":[{}]}`)), false, ErrIdempotencyMismatch, false},
			{"same key, another path", NewIdem("k1", "POST", "/v1/operations/other/events", body), false, ErrIdempotencyMismatch, false},
			{"same key, another method", NewIdem("k1", "PUT", target, body), false, ErrIdempotencyMismatch, false},
			{"another key", NewIdem("k2", "POST", target, body), false, nil, false},
			{"no key", Idem{}, false, nil, false},
			{"same key after delete and re-create: fresh", first, true, nil, false},
			{"a 40,000-byte key", NewIdem(string(make([]byte, 40000)), "POST", target, body), false, nil, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				st := k.open(t)
				v1, err := st.CreateOperation("op", gen.Example())
				require.NoError(t, err)
				made, replayed, err := st.AddVersion("op", v1.Base(), &Version{Kind: "replanned", Problem: problemNamed("first")}, first)
				require.NoError(t, err)
				require.False(t, replayed)
				n, err := st.Idempotent("op", first)
				require.NoError(t, err)
				require.Equal(t, made.Number, n)
				base := made.Base()
				if tc.recreate {
					require.NoError(t, st.DeleteOperation("op", made.Incarnation))
					v1, err := st.CreateOperation("op", gen.Example())
					require.NoError(t, err)
					base = v1.Base()
				}
				if tc.second.Key != "" {
					n, err := st.Idempotent("op", tc.second)
					if tc.wantErr != nil {
						require.ErrorIs(t, err, tc.wantErr)
					} else {
						require.NoError(t, err)
						assert.Equal(t, tc.wantReplayed, n > 0, "Idempotent says %d", n)
					}
				}
				v, replayed, err := st.AddVersion("op", base, &Version{Kind: "replanned", Problem: problemNamed("second")}, tc.second)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					latest, err := st.Latest("op")
					require.NoError(t, err)
					assert.Equal(t, made.Number, latest.Number, "nothing written")
					return
				}
				require.NoError(t, err)
				require.Equal(t, tc.wantReplayed, replayed)
				if tc.wantReplayed {
					assert.Equal(t, made.Number, v.Number)
					assert.Equal(t, "first", v.Problem.Operation.Name)
					latest, err := st.Latest("op")
					require.NoError(t, err)
					assert.Equal(t, made.Number, latest.Number, "nothing written")
					return
				}
				assert.Equal(t, base.Version+1, v.Number)
				assert.Equal(t, "second", v.Problem.Operation.Name)
			})
		}
	})
}

// TestFinishJobStoresVersionAndRecordTogether: a finished job reads done with its
// version after a restart (and is not resumed); a job whose base moved or whose
// operation was re-created writes nothing.
func TestFinishJobStoresVersionAndRecordTogether(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		cases := []struct {
			name    string
			state   string
			change  func(t *testing.T, st Store, v1 *Version) // between the job's start and its end
			wantErr error
		}{
			{"done", "done", func(*testing.T, Store, *Version) {}, nil},
			{"cancelled with its best plan", "cancelled", func(*testing.T, Store, *Version) {}, nil},
			{"the operation was replaced", "done", func(t *testing.T, st Store, v1 *Version) {
				_, _, err := st.AddVersion("op", v1.Base(), &Version{Kind: "replaced", Problem: problemNamed("put")}, Idem{})
				require.NoError(t, err)
			}, ErrConflict},
			{"the operation was deleted and created again", "done", func(t *testing.T, st Store, v1 *Version) {
				require.NoError(t, st.DeleteOperation("op", v1.Incarnation))
				_, err := st.CreateOperation("op", problemNamed("re-created"))
				require.NoError(t, err)
			}, ErrNotFound},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				st := k.open(t)
				v1, err := st.CreateOperation("op", gen.Example())
				require.NoError(t, err)
				rec := JobRecord{ID: "j", Operation: "op", Incarnation: v1.Incarnation, Base: 1, State: "running", Started: time.Now()}
				require.NoError(t, st.PutJob(&rec))
				tc.change(t, st, v1)
				headBefore, err := st.Head("op")
				require.NoError(t, err)

				rec.State, rec.Ended, rec.Best = tc.state, time.Now(), "0/0/12.5"
				v, err := st.FinishJob(&rec, &Version{Kind: "solved", Problem: v1.Problem, Plan: &model.Plan{Status: "feasible"}})
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					assert.Zero(t, rec.Version)
					headAfter, err := st.Head("op")
					require.NoError(t, err)
					assert.Equal(t, headBefore, headAfter, "no version written")
					stored, err := st.GetJob("j")
					require.NoError(t, err)
					assert.Equal(t, "running", stored.State, "the record is the caller's to mark failed")
					return
				}
				require.NoError(t, err)
				require.Equal(t, 2, v.Number)
				require.Equal(t, 2, rec.Version)

				// a restart: the job reads ended with its version, which is stored
				s := New(Config{Store: k.reopen(t, st), Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
				stored, err := s.cfg.Store.GetJob("j")
				require.NoError(t, err)
				assert.Equal(t, tc.state, stored.State)
				assert.Equal(t, 2, stored.Version)
				assert.Equal(t, "0/0/12.5", stored.Best)
				got, err := s.cfg.Store.Get("op", stored.Version)
				require.NoError(t, err)
				assert.Equal(t, "solved", got.Kind)
				assert.Equal(t, v1.Incarnation, got.Incarnation)
				n, err := s.ResumeJobs()
				require.NoError(t, err)
				assert.Zero(t, n, "a job whose plan is stored is not run again")
			})
		}
	})
}

func TestFinishJobNeedsAnEndedState(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		for _, state := range []string{"running", "failed", ""} {
			rec := JobRecord{ID: "j", Operation: "op", Incarnation: v1.Incarnation, Base: 1, State: state}
			_, err := st.FinishJob(&rec, &Version{Kind: "solved", Problem: v1.Problem})
			require.ErrorContains(t, err, "not done or cancelled", state)
		}
		b, err := st.Head("op")
		require.NoError(t, err)
		assert.Equal(t, 1, b.Version)
	})
}

func TestPruneJobs(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		now := time.Now()
		day := 24 * time.Hour
		recs := []struct {
			rec  JobRecord
			kept bool
		}{
			{JobRecord{ID: "running-for-days", State: "running", Started: now.Add(-3 * day)}, true},
			{JobRecord{ID: "done-two-days-ago", State: "done", Started: now.Add(-2*day - time.Hour), Ended: now.Add(-2 * day)}, false},
			{JobRecord{ID: "failed-an-hour-ago", State: "failed", Started: now.Add(-2 * time.Hour), Ended: now.Add(-time.Hour)}, true},
			{JobRecord{ID: "cancelled-25h-ago", State: "cancelled", Started: now.Add(-26 * time.Hour), Ended: now.Add(-25 * time.Hour)}, false},
			{JobRecord{ID: "failed-no-end-old", State: "failed", Started: now.Add(-3 * day)}, false},
			{JobRecord{ID: "failed-no-end-new", State: "failed", Started: now.Add(-time.Minute)}, true},
		}
		want := 0
		for _, r := range recs {
			require.NoError(t, st.PutJob(&r.rec))
			if !r.kept {
				want++
			}
		}
		n, err := st.PruneJobs(now.Add(-DefaultJobRetention))
		require.NoError(t, err)
		assert.Equal(t, want, n)
		for _, r := range recs {
			_, err := st.GetJob(r.rec.ID)
			if r.kept {
				assert.NoError(t, err, r.rec.ID)
			} else {
				assert.ErrorIs(t, err, ErrNotFound, r.rec.ID)
			}
		}
		n, err = st.PruneJobs(now.Add(-DefaultJobRetention))
		require.NoError(t, err)
		assert.Zero(t, n)
	})
}

// TestDeleteRemovesTheIncarnationsEndedJobs: the ended jobs of a deleted
// incarnation go with it (their versions are gone); a running one is kept, for its
// end to record it failed.
func TestDeleteRemovesTheIncarnationsEndedJobs(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		other, err := st.CreateOperation("other", gen.Example())
		require.NoError(t, err)
		for _, r := range []JobRecord{
			{ID: "ended", Operation: "op", Incarnation: v1.Incarnation, State: "done", Base: 1, Version: 2},
			{ID: "running", Operation: "op", Incarnation: v1.Incarnation, State: "running", Base: 1},
			{ID: "other", Operation: "other", Incarnation: other.Incarnation, State: "done", Base: 1},
		} {
			require.NoError(t, st.PutJob(&r))
		}
		require.NoError(t, st.DeleteOperation("op", ""))
		_, err = st.GetJob("ended")
		require.ErrorIs(t, err, ErrNotFound)
		for _, id := range []string{"running", "other"} {
			_, err = st.GetJob(id)
			require.NoError(t, err, id)
		}
	})
}

// TestLockedStoreSaysWhoHoldsIt: a second open of a held store names the process
// holding it, when its lock-info file names a live one; the file goes on close.
func TestLockedStoreSaysWhoHoldsIt(t *testing.T) {
	dead := exec.Command("true")
	require.NoError(t, dead.Run())
	cases := []struct {
		name string
		info string // written over the lock-info file before the second open ("" keeps it)
		want string
	}{
		{"this process holds it", "", "is locked by another rehabplan process (pid " + strconv.Itoa(os.Getpid()) + ")"},
		{"the info names a dead process", strconv.Itoa(dead.Process.Pid), "is locked by another process"},
		{"the info is garbage", "not a pid", "is locked by another process"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "rehabplan.db")
			st, err := openBolt(path, time.Second)
			require.NoError(t, err)
			if tc.info != "" {
				require.NoError(t, os.WriteFile(lockInfoPath(path), []byte(tc.info), 0o600))
			}
			_, err = openBolt(path, 50*time.Millisecond)
			require.ErrorIs(t, err, ErrLocked)
			assert.Contains(t, err.Error(), "the store "+dir+" ")
			assert.Contains(t, err.Error(), tc.want)
			require.NoError(t, st.Close())
			if tc.info == "" {
				_, err = os.Stat(lockInfoPath(path))
				assert.True(t, os.IsNotExist(err), "the lock-info file is removed on close")
			}
			// released: it opens, whatever a stale info file says
			st, err = openBolt(path, time.Second)
			require.NoError(t, err)
			pid, ok := readLockInfo(path)
			assert.True(t, ok)
			assert.Equal(t, os.Getpid(), pid)
			require.NoError(t, st.Close())
		})
	}
}

// TestOpenMigratesAStoreWithoutIncarnations: a store written before incarnations
// existed opens with one per operation; its versions read with it; its
// idempotency keys (their request unknown) never replay; its running jobs are
// bound to it.
func TestOpenMigratesAStoreWithoutIncarnations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	n8 := func(n int) []byte {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(n))
		return b[:]
	}
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		ops, _ := tx.CreateBucket([]byte("operations"))
		vs, _ := tx.CreateBucket([]byte("v/op"))
		is, _ := tx.CreateBucket([]byte("i/op"))
		idem, _ := tx.CreateBucket([]byte("idempotency"))
		jobs, _ := tx.CreateBucket([]byte("jobs"))
		for n := 1; n <= 2; n++ {
			data, _ := json.Marshal(map[string]any{"version": n, "kind": "replaced", "problem": gen.Example()})
			vs.Put(n8(n), data)
			info, _ := json.Marshal(map[string]any{"version": n, "kind": "replaced"})
			is.Put(n8(n), info)
		}
		ops.Put([]byte("op"), n8(2))
		idem.Put([]byte("op\x00old-key"), n8(2))
		idem.Put([]byte("gone\x00stale-key"), n8(1))
		rec, _ := json.Marshal(JobRecord{ID: "j", Operation: "op", State: "running", Base: 2})
		return jobs.Put([]byte("j"), rec)
	}))
	require.NoError(t, db.Close())

	st, err := OpenBolt(path)
	require.NoError(t, err)
	defer st.Close()
	b, err := st.Head("op")
	require.NoError(t, err)
	require.Len(t, b.Incarnation, 32)
	require.Equal(t, 2, b.Version)
	latest, err := st.Latest("op")
	require.NoError(t, err)
	assert.Equal(t, b, latest.Base())
	infos, err := st.Versions("op")
	require.NoError(t, err)
	require.Len(t, infos, 2)
	assert.Equal(t, b.Incarnation, infos[0].Incarnation)
	_, err = st.Idempotent("op", NewIdem("old-key", "POST", "/v1/operations/op/events", nil))
	require.ErrorIs(t, err, ErrIdempotencyMismatch)
	rec, err := st.GetJob("j")
	require.NoError(t, err)
	assert.Equal(t, b.Incarnation, rec.Incarnation)
	v, _, err := st.AddVersion("op", b, &Version{Kind: "replaced", Problem: gen.Example()}, Idem{})
	require.NoError(t, err)
	assert.Equal(t, 3, v.Number)
}

// TestStoresKeepWhatTheyAreGiven: a document comes back as it was written (a NUL
// and non-ASCII text included, which jsonb would refuse), listings are in the
// ids' byte order, and unknown operations, versions and jobs are ErrNotFound.
func TestStoresKeepWhatTheyAreGiven(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		ids := []string{"b", "B", "é", "a-1", "a"}
		for _, id := range ids {
			_, err := st.CreateOperation(id, problemNamed("op "+id))
			require.NoError(t, err)
		}
		ops, err := st.Operations()
		require.NoError(t, err)
		assert.Equal(t, []string{"B", "a", "a-1", "b", "é"}, ops)

		v1, err := st.Latest("a")
		require.NoError(t, err)
		p := problemNamed("Résidence \x00 « les Tilleuls »")
		v2, _, err := st.AddVersion("a", v1.Base(), &Version{Kind: "solved", Problem: p, Plan: &model.Plan{Status: "feasible"}}, Idem{})
		require.NoError(t, err)
		got, err := st.Get("a", 2)
		require.NoError(t, err)
		assert.Equal(t, p.Operation.Name, got.Problem.Operation.Name)
		assert.True(t, got.Created.Equal(v2.Created), "the stored time is the one returned: %v, %v", got.Created, v2.Created)
		infos, err := st.Versions("a")
		require.NoError(t, err)
		require.Len(t, infos, 2)
		assert.Equal(t, VersionInfo{Number: 2, Incarnation: v1.Incarnation, Created: infos[1].Created, Kind: "solved", HasPlan: true, Status: "feasible"}, infos[1])
		assert.True(t, infos[1].Created.Equal(v2.Created), "the info's time is the version's")

		for _, id := range []string{"j2", "J1", "j10"} {
			require.NoError(t, st.PutJob(&JobRecord{ID: id, Operation: "a", Incarnation: v1.Incarnation, State: "running", Started: time.Now()}))
		}
		require.NoError(t, st.PutJob(&JobRecord{ID: "j2", Operation: "a", Incarnation: v1.Incarnation, State: "failed", Error: "boom \x00"}))
		jobs, err := st.Jobs()
		require.NoError(t, err)
		var jobIDs []string
		for _, j := range jobs {
			jobIDs = append(jobIDs, j.ID)
		}
		assert.Equal(t, []string{"J1", "j10", "j2"}, jobIDs)
		j2, err := st.GetJob("j2")
		require.NoError(t, err)
		assert.Equal(t, "failed", j2.State, "PutJob replaces the record")
		assert.Equal(t, "boom \x00", j2.Error)

		missing := []struct {
			name string
			err  error
		}{
			{"Head of an unknown operation", func() error { _, err := st.Head("nope"); return err }()},
			{"Latest of an unknown operation", func() error { _, err := st.Latest("nope"); return err }()},
			{"Get of an unknown operation", func() error { _, err := st.Get("nope", 1); return err }()},
			{"Get of an unknown version", func() error { _, err := st.Get("a", 3); return err }()},
			{"Versions of an unknown operation", func() error { _, err := st.Versions("nope"); return err }()},
			{"GetJob of an unknown job", func() error { _, err := st.GetJob("nope"); return err }()},
			{"DeleteOperation of an unknown operation", st.DeleteOperation("nope", "")},
		}
		for _, m := range missing {
			assert.ErrorIs(t, m.err, ErrNotFound, m.name)
		}
		n, err := st.Idempotent("nope", NewIdem("k", "POST", "/", nil))
		require.NoError(t, err)
		assert.Zero(t, n)
		require.NoError(t, st.Close())
		require.NoError(t, st.Close(), "a second Close does nothing")
	})
}

// TestPostgresMigrations: instances starting at once on a new database apply
// each migration once; a database migrated by a newer rehabplan is refused.
func TestPostgresMigrations(t *testing.T) {
	url := pgtest.Schema(t)
	const instances = 4
	stores := make([]*PGStore, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = OpenPostgres(url) })
	}
	wg.Wait()
	for i := range instances {
		require.NoError(t, errs[i], "instance %d", i)
	}
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	ctx := context.Background()
	var applied, distinct int
	require.NoError(t, stores[0].pool.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&applied, &distinct))
	assert.Equal(t, len(ms), applied)
	assert.Equal(t, len(ms), distinct)
	_, err = stores[1].CreateOperation("op", gen.Example())
	require.NoError(t, err)
	_, err = stores[2].Head("op")
	require.NoError(t, err, "the instances share one database")

	_, err = stores[0].pool.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')")
	require.NoError(t, err)
	for _, st := range stores {
		require.NoError(t, st.Close())
	}
	_, err = OpenPostgres(url)
	require.ErrorContains(t, err, "migration 9999, newer than this rehabplan's")

	_, err = OpenPostgres(strings.Replace(url, "search_path=", "search_path=no_such_schema_", 1))
	require.ErrorContains(t, err, "the search_path names none that exists")

	for _, bad := range []string{
		"postgres://someone:s3cret-pw@127.0.0.1:1/x?connect_timeout=2",
		"host=127.0.0.1 port=1 user=someone password=s3cret-pw connect_timeout=2",
		"postgres://someone:s3cret-pw@127.0.0.1:1/x?connect_timeout=nonsense",
	} {
		_, err = OpenPostgres(bad)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cret-pw", "the password is not in the error")
	}
}

// BenchmarkAddVersion: one version committed on its base (the example problem,
// no plan), the CAS and the write in one transaction, on each store.
func BenchmarkAddVersion(b *testing.B) {
	for _, k := range storeKinds {
		b.Run(k.name, func(b *testing.B) {
			st := k.open(b)
			v, err := st.CreateOperation("op", gen.Example())
			require.NoError(b, err)
			in := &Version{Kind: "replaced", Problem: v.Problem}
			for b.Loop() {
				v, _, err = st.AddVersion("op", v.Base(), in, Idem{})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestConcurrentRetriesOfOneRequest: the same request sent 10 times at once with
// its idempotency key writes one version; every other answer replays it (none is
// a conflict, as they would be were the key read before the base was locked).
func TestConcurrentRetriesOfOneRequest(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		idem := NewIdem("retry-key", "POST", "/v1/operations/op/events", []byte(`{"events":[]}`))
		const retries = 10
		out := make([]*Version, retries)
		replayed := make([]bool, retries)
		errs := make([]error, retries)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range retries {
			wg.Go(func() {
				<-start
				out[i], replayed[i], errs[i] = st.AddVersion("op", v1.Base(), &Version{Kind: "replanned", Problem: problemNamed("retry")}, idem)
			})
		}
		close(start)
		wg.Wait()
		written := 0
		for i := range retries {
			require.NoError(t, errs[i], "retry %d", i)
			assert.Equal(t, 2, out[i].Number, "retry %d", i)
			if !replayed[i] {
				written++
			}
		}
		assert.Equal(t, 1, written, "one retry writes, the others replay")
		b, err := st.Head("op")
		require.NoError(t, err)
		assert.Equal(t, 2, b.Version)
	})
}

// TestStoresKeepAJobsScore: a job's record keeps its score with its parts through
// PutJob, FinishJob and a reopening of the store, on each store.
func TestStoresKeepAJobsScore(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v1, err := st.CreateOperation("op", gen.Example())
		require.NoError(t, err)
		score := &progressPoint{Seconds: 1.25, Score: "0/0/42.5", Hard: 0, Unplaced: 0, Soft: 42.5}
		rec := &JobRecord{ID: "j1", Operation: "op", Incarnation: v1.Incarnation, Base: 1, State: "running", Started: time.Now(), Score: score}
		require.NoError(t, st.PutJob(rec))
		got, err := st.GetJob("j1")
		require.NoError(t, err)
		require.Equal(t, score, got.Score, "PutJob keeps the score")

		done := *rec
		done.State, done.Ended, done.Best = "done", time.Now(), score.Score
		done.Score = &progressPoint{Seconds: 2.5, Score: "0/0/40", Soft: 40}
		_, err = st.FinishJob(&done, &Version{Kind: "solved", Problem: v1.Problem, Plan: &model.Plan{Status: "feasible"}})
		require.NoError(t, err)
		st = k.reopen(t, st)
		got, err = st.GetJob("j1")
		require.NoError(t, err)
		require.Equal(t, "done", got.State)
		require.Equal(t, done.Score, got.Score, "FinishJob keeps the score, and a reopened store reads it")
	})
}
