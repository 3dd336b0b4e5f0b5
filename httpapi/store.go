package httpapi

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/rehabplan/rehabplan/model"
)

// Store keeps operations, every version of their plans, the idempotency keys of
// the writes and the solve jobs' records. It is small on purpose, so that a
// PostgreSQL implementation can follow; every method says what it does atomically
// and which errors it returns. Unless said otherwise a method is one transaction,
// and a write returns only once durable.
//
// An operation is known by its id (its name) and by its incarnation: a random id
// drawn when the operation is created. Deleting an operation and creating one
// under the same id makes another incarnation, so that nothing addressed to the
// first (a replan, a solve, an idempotency key, a job) can land on the second.
// Every write names its Base (incarnation and version) and commits only while that
// base is the operation's latest state.
//
// Errors are matched with errors.Is: ErrNotFound (the operation, the version or
// the job is unknown, or the operation is another incarnation than the one named),
// ErrExists, ErrConflict (the base is not the latest; errors.As gives the
// *ConflictError with the current base), ErrIdempotencyMismatch.
type Store interface {
	// CreateOperation stores a new operation, with a new incarnation, as version
	// 1 (the problem, no plan). ErrExists when an operation of that id exists.
	CreateOperation(op string, p *model.Problem) (*Version, error)
	// AddVersion appends v to operation op as the version after base, in one
	// transaction that first checks, in this order:
	//  - op exists as base.Incarnation, else ErrNotFound (nothing written);
	//  - with an idempotency key (idem.Key not empty): when the key was already
	//    used on this incarnation with the same request hash, nothing is written and
	//    the version it made is returned with replayed true (whatever base names);
	//    with another request hash, ErrIdempotencyMismatch;
	//  - base.Version is the latest version, else a *ConflictError (ErrConflict)
	//    carrying the current base, nothing written.
	// Then the version (numbered base.Version+1, stamped with the incarnation and
	// the time), its VersionInfo and the idempotency key are written together. v
	// is not modified; the stored version is returned.
	AddVersion(op string, base Base, v *Version, idem Idem) (out *Version, replayed bool, err error)
	// Head returns the operation's current base (incarnation and latest version)
	// without reading any document. ErrNotFound when there is no such operation.
	Head(op string) (Base, error)
	// Latest returns the newest version, Get version n; both carry the
	// incarnation they belong to (compare it with the one expected). Versions
	// lists them all without their documents, oldest first, each stamped with the
	// incarnation. Each call reads one consistent state (two calls may see two
	// incarnations: compare them). ErrNotFound when the operation or the version is
	// unknown.
	Latest(op string) (*Version, error)
	Get(op string, n int) (*Version, error)
	Versions(op string) ([]VersionInfo, error)
	// Operations lists the operations' ids.
	Operations() ([]string, error)
	// DeleteOperation removes operation op, when it is incarnation (an empty
	// incarnation: whichever exists, for an administrator), with all that
	// incarnation's versions, version infos, idempotency keys and ended job
	// records, in one transaction. Running jobs' records are kept: their finish
	// fails (ErrNotFound) and records them failed. ErrNotFound when there is no
	// such operation or it is another incarnation (nothing removed).
	DeleteOperation(op, incarnation string) error
	// Idempotent returns the version number that idem.Key made on the operation's
	// current incarnation (0 when the key is unused, or the operation unknown).
	// ErrIdempotencyMismatch when the key was used with another request hash.
	Idempotent(op string, idem Idem) (int, error)
	// PutJob writes a job's record (durably, before the job is acknowledged);
	// GetJob reads one (ErrNotFound when unknown); Jobs lists them.
	PutJob(j *JobRecord) error
	GetJob(id string) (*JobRecord, error)
	Jobs() ([]JobRecord, error)
	// FinishJob stores the version a job made and the job's ended record in one
	// transaction, so that no restart can find the version stored and the job
	// still running (nor the job done and its version missing). j.State must be
	// done or cancelled; the version is added as AddVersion would on the job's
	// base (j.Incarnation, j.Base), under the job's idempotency key when it has
	// one (a replan job's: when the key already made a version, that version is
	// the job's and nothing is written). On success j.Version
	// is set to the stored version's number. On ErrNotFound or ErrConflict nothing
	// is written (the caller records the job failed with PutJob).
	FinishJob(j *JobRecord, v *Version) (*Version, error)
	// PruneJobs deletes the records of the jobs that ended before the given time
	// (running jobs are kept; a record without an end time counts from its
	// start) and returns how many it deleted. The retention is the caller's:
	// DefaultJobRetention unless configured otherwise.
	PruneJobs(before time.Time) (int, error)
	// Close releases the store.
	Close() error
}

// DefaultJobRetention is how long the records of ended jobs are kept.
const DefaultJobRetention = 24 * time.Hour

// Base is the state of an operation a write is built on: its incarnation and
// the version the write follows.
type Base struct {
	Incarnation string `json:"incarnation"`
	Version     int    `json:"version"`
}

func (b Base) String() string {
	return fmt.Sprintf("version %d of incarnation %s", b.Version, b.Incarnation)
}

// Idem is an idempotency key and the SHA-256 of the request it came with (see
// NewIdem). The zero Idem is no key.
type Idem struct {
	Key     string
	Request [sha256.Size]byte
}

// NewIdem binds an idempotency key to a request: its method, its target (the
// path and query as sent) and its body. An empty key gives the zero Idem.
func NewIdem(key, method, target string, body []byte) Idem {
	if key == "" {
		return Idem{}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", method, target)
	h.Write(body)
	id := Idem{Key: key}
	h.Sum(id.Request[:0])
	return id
}

// JobRecord is what the store keeps of a job (a solve, a replan, a night's
// replan): enough to answer its status after a restart, and to run it again
// when the server stopped during it.
type JobRecord struct {
	ID        string `json:"id"`
	Operation string `json:"operation"`
	// Incarnation and Base are the state of the operation the job solves.
	Incarnation string    `json:"incarnation,omitempty"`
	State       string    `json:"state"` // running, done, failed, cancelled
	Error       string    `json:"error,omitempty"`
	Base        int       `json:"base"`              // the version solved
	Version     int       `json:"version,omitempty"` // the version stored
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended,omitempty"`
	// the request's settings
	TimeLimit time.Duration `json:"time_limit"`
	WorkLimit int           `json:"work_limit,omitempty"`
	Seed      int64         `json:"seed,omitempty"`
	// Resumed counts the restarts that ran the job again (with a queue: the
	// claims after the first, each after a worker died or let it go).
	Resumed int `json:"resumed,omitempty"`
	// Kind is what a job does: "" or JobSolve a client's solve, JobReplan a
	// client's events applied and replanned (POST .../events with Prefer:
	// respond-async), JobNight the nightly replan of Night (YYYY-MM-DD).
	Kind  string `json:"kind,omitempty"`
	Night string `json:"night,omitempty"`
	// Submitter is the id of the token that asked for the job (its grant's
	// ID: a token file's id=, or the start of its hash; never the token):
	// it may cancel the job, as a planner may. Empty for a night's job.
	Submitter string `json:"submitter,omitempty"`
	// Now is a night job's moment as rehabplan batch --now gives it (empty: the
	// clock when it runs); a replan job's moment of the replan (RFC 3339), as the
	// request gave it or the clock read when it was accepted.
	Now string `json:"now,omitempty"`
	// Events are a replan job's events (their profile ids restored), applied to
	// the operation's latest version when the job runs.
	Events *model.Events `json:"events,omitempty"`
	// IdemKey and IdemRequest (hex) are a replan job's idempotency: the
	// client's Idempotency-Key and its request's hash, or, without one, a key of
	// the job's own (jobIdemKey). The version the job stores is recorded under
	// it, so that a job resumed after a restart finds it and is never applied
	// twice.
	IdemKey     string `json:"idempotency_key,omitempty"`
	IdemRequest string `json:"idempotency_request,omitempty"`
	// Best is the score of the plan stored, when done; Score the same with its
	// parts and the time it was found, so that a job's status reads the same
	// after a restart.
	Best  string         `json:"best,omitempty"`
	Score *progressPoint `json:"score,omitempty"`
	// Progress is the job's last improvements (at most progressKept, oldest
	// first), written by a queue's worker with each renewal of its lease and at
	// its end, so that every instance lists them (PGStore); empty otherwise.
	Progress []progressPoint `json:"progress,omitempty"`
}

// idem is the job's idempotency (the zero Idem when it has none).
func (j *JobRecord) idem() Idem {
	id := Idem{Key: j.IdemKey}
	if id.Key == "" {
		return Idem{}
	}
	hex.Decode(id.Request[:], []byte(j.IdemRequest))
	return id
}

// setIdem records idem as the job's idempotency.
func (j *JobRecord) setIdem(idem Idem) {
	j.IdemKey, j.IdemRequest = idem.Key, hex.EncodeToString(idem.Request[:])
}

// Version is one state of an operation: its problem, and the plan made for it (nil
// until one is), with the diff against the previous plan after a replan.
type Version struct {
	Number      int            `json:"version"`
	Incarnation string         `json:"incarnation"`
	Created     time.Time      `json:"created"`
	Kind        string         `json:"kind"` // created, replaced, solved, replanned, announced, confirmed
	Problem     *model.Problem `json:"problem"`
	Plan        *model.Plan    `json:"plan,omitempty"`
	Diff        *model.Diff    `json:"diff,omitempty"`
	Events      *model.Events  `json:"events,omitempty"`
	// Announcement is what an announcement did (the letters with it), and
	// Confirmation what a confirmation did, in the versions they made.
	Announcement *Announcement `json:"announcement,omitempty"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
}

// Base is the version as the base of a write that follows it.
func (v *Version) Base() Base { return Base{Incarnation: v.Incarnation, Version: v.Number} }

// VersionInfo is a version without its documents.
type VersionInfo struct {
	Number      int       `json:"version"`
	Incarnation string    `json:"incarnation"`
	Created     time.Time `json:"created"`
	Kind        string    `json:"kind"`
	HasPlan     bool      `json:"has_plan"`
	Status      string    `json:"status,omitempty"`
}

// The store's errors, matched with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrConflict: the write's base is no longer the latest version.
	ErrConflict = errors.New("conflict")
	// ErrIdempotencyMismatch: an idempotency key reused with another request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with another request")
)

// ConflictError is the ErrConflict of a write whose base is not the latest.
type ConflictError struct {
	Operation string
	Base      Base // what the write named
	Current   Base // the operation's latest
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("operation %q changed: the write follows version %d, the latest is version %d", e.Operation, e.Base.Version, e.Current.Version)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// BoltStore is the embedded store: one bbolt file, fsynced at every commit.
//
// Layout: "operations" maps an id to its incarnation (16 bytes) and latest version
// (8 bytes); the buckets "v/ID" and "i/ID" hold the current incarnation's versions
// and version infos by number; "idempotency" maps ID NUL INCARNATION NUL
// SHA-256(key) to the version made (8 bytes) and the request hash (32 bytes);
// "jobs" maps a job id to its JobRecord (JSON).
type BoltStore struct {
	db     *bolt.DB
	path   string
	closed atomic.Bool
}

var (
	bOps  = []byte("operations")
	bIdem = []byte("idempotency")
	bJobs = []byte("jobs")
)

func versionsBucket(id string) []byte { return []byte("v/" + id) }

// infoBucket holds each version's VersionInfo, so that listing versions reads no
// documents.
func infoBucket(id string) []byte { return []byte("i/" + id) }

func key(n int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

func newIncarnation() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// opRecord encodes an operation's entry in bOps.
func opRecord(b Base) ([]byte, error) {
	inc, err := hex.DecodeString(b.Incarnation)
	if err != nil || len(inc) != 16 {
		return nil, fmt.Errorf("incarnation %q is not 32 hexadecimal digits", b.Incarnation)
	}
	return append(inc, key(b.Version)...), nil
}

// head reads an operation's current base in tx.
func head(tx *bolt.Tx, op string) (Base, error) {
	rec := tx.Bucket(bOps).Get([]byte(op))
	if len(rec) != 24 {
		return Base{}, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	return Base{Incarnation: hex.EncodeToString(rec[:16]), Version: int(binary.BigEndian.Uint64(rec[16:]))}, nil
}

// gone is the error of a write addressed to an incarnation that is not op's.
func gone(op, incarnation string, cur Base) error {
	return fmt.Errorf("operation %q: incarnation %q is gone (the operation was deleted and created again as %s): %w", op, incarnation, cur.Incarnation, ErrNotFound)
}

// check is the base check every write makes: op exists as base.Incarnation and
// base.Version is its latest.
func check(tx *bolt.Tx, op string, base Base) (Base, error) {
	if base.Incarnation == "" {
		return Base{}, fmt.Errorf("operation %q: the write names no incarnation", op)
	}
	cur, err := head(tx, op)
	if err != nil {
		return cur, err
	}
	if cur.Incarnation != base.Incarnation {
		return cur, gone(op, base.Incarnation, cur)
	}
	if cur.Version != base.Version {
		return cur, &ConflictError{Operation: op, Base: base, Current: cur}
	}
	return cur, nil
}

// CreateOperation implements Store.
func (s *BoltStore) CreateOperation(op string, p *model.Problem) (*Version, error) {
	v := &Version{Number: 1, Incarnation: newIncarnation(), Created: time.Now().UTC(), Kind: "created", Problem: p}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bOps).Get([]byte(op)) != nil {
			return fmt.Errorf("operation %q: %w", op, ErrExists)
		}
		// a deleted operation leaves no buckets; these are new
		for _, name := range [][]byte{versionsBucket(op), infoBucket(op)} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("operation %q: %w", op, err)
			}
		}
		return put(tx, op, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// put writes v, its info and the operation's new latest version.
func put(tx *bolt.Tx, op string, v *Version) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := tx.Bucket(versionsBucket(op)).Put(key(v.Number), data); err != nil {
		return err
	}
	info := VersionInfo{Number: v.Number, Incarnation: v.Incarnation, Created: v.Created, Kind: v.Kind, HasPlan: v.Plan != nil}
	if v.Plan != nil {
		info.Status = v.Plan.Status
	}
	idata, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := tx.Bucket(infoBucket(op)).Put(key(v.Number), idata); err != nil {
		return err
	}
	rec, err := opRecord(v.Base())
	if err != nil {
		return err
	}
	return tx.Bucket(bOps).Put([]byte(op), rec)
}

func idemKey(op, incarnation, k string) []byte {
	h := sha256.Sum256([]byte(k))
	return append([]byte(op+"\x00"+incarnation+"\x00"), h[:]...)
}

// lookupIdem is the version idem's key made on the incarnation (0 when none).
func lookupIdem(tx *bolt.Tx, op, incarnation string, idem Idem) (int, error) {
	val := tx.Bucket(bIdem).Get(idemKey(op, incarnation, idem.Key))
	if val == nil {
		return 0, nil
	}
	n := int(binary.BigEndian.Uint64(val[:8]))
	if len(val) != 8+sha256.Size || !bytes.Equal(val[8:], idem.Request[:]) {
		k := idem.Key
		if len(k) > 40 {
			k = k[:40] + "…"
		}
		return 0, fmt.Errorf("operation %q: Idempotency-Key %q made version %d with another request: %w", op, k, n, ErrIdempotencyMismatch)
	}
	return n, nil
}

// addVersion is AddVersion inside tx. It returns the version stored, or the
// version an idempotency key already made with replayed true.
func addVersion(tx *bolt.Tx, op string, base Base, v *Version, idem Idem) (*Version, bool, error) {
	if idem.Key != "" {
		cur, err := head(tx, op)
		if err != nil {
			return nil, false, err
		}
		if cur.Incarnation == base.Incarnation {
			n, err := lookupIdem(tx, op, cur.Incarnation, idem)
			if err != nil {
				return nil, false, err
			}
			if n > 0 {
				old, err := getVersion(tx, op, cur.Incarnation, n)
				return old, true, err
			}
		}
	}
	cur, err := check(tx, op, base)
	if err != nil {
		return nil, false, err
	}
	nv := *v
	nv.Number, nv.Incarnation, nv.Created = cur.Version+1, cur.Incarnation, time.Now().UTC()
	if idem.Key != "" {
		val := append(key(nv.Number), idem.Request[:]...)
		if err := tx.Bucket(bIdem).Put(idemKey(op, cur.Incarnation, idem.Key), val); err != nil {
			return nil, false, err
		}
	}
	return &nv, false, put(tx, op, &nv)
}

// AddVersion implements Store.
func (s *BoltStore) AddVersion(op string, base Base, v *Version, idem Idem) (*Version, bool, error) {
	var out *Version
	replayed := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		out, replayed, err = addVersion(tx, op, base, v, idem)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

// Head implements Store.
func (s *BoltStore) Head(op string) (Base, error) {
	var b Base
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		b, err = head(tx, op)
		return err
	})
	return b, err
}

// getVersion reads version n of op, stamped with its incarnation (versions
// stored before incarnations existed have none in their document).
func getVersion(tx *bolt.Tx, op, incarnation string, n int) (*Version, error) {
	b := tx.Bucket(versionsBucket(op))
	if b == nil {
		return nil, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	data := b.Get(key(n))
	if data == nil {
		return nil, fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
	}
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("stored version %d of operation %q: %w", n, op, err)
	}
	v.Incarnation = incarnation
	return &v, nil
}

// Latest implements Store.
func (s *BoltStore) Latest(op string) (*Version, error) {
	var v *Version
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		v, err = getVersion(tx, op, cur.Incarnation, cur.Version)
		return err
	})
	return v, err
}

// VersionSize tells version n's (0: the latest) stored size without decoding
// it (versionSizer: the pool's weights).
func (s *BoltStore) VersionSize(op string, n int) (VersionSize, error) {
	var vs VersionSize
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		if n <= 0 {
			n = cur.Version
		}
		b, ib := tx.Bucket(versionsBucket(op)), tx.Bucket(infoBucket(op))
		if b == nil || ib == nil {
			return fmt.Errorf("operation %q: %w", op, ErrNotFound)
		}
		data, idata := b.Get(key(n)), ib.Get(key(n))
		if data == nil || idata == nil {
			return fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
		}
		var info VersionInfo
		if err := json.Unmarshal(idata, &info); err != nil {
			return fmt.Errorf("stored version info of operation %q: %w", op, err)
		}
		vs = VersionSize{Bytes: int64(len(data)), HasPlan: info.HasPlan}
		return nil
	})
	return vs, err
}

// Get implements Store.
func (s *BoltStore) Get(op string, n int) (*Version, error) {
	var v *Version
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		v, err = getVersion(tx, op, cur.Incarnation, n)
		return err
	})
	return v, err
}

// Versions implements Store.
func (s *BoltStore) Versions(op string) ([]VersionInfo, error) {
	var out []VersionInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		b := tx.Bucket(infoBucket(op))
		if b == nil {
			return fmt.Errorf("operation %q: %w", op, ErrNotFound)
		}
		return b.ForEach(func(_, data []byte) error {
			var info VersionInfo
			if err := json.Unmarshal(data, &info); err != nil {
				return fmt.Errorf("stored version info of operation %q: %w", op, err)
			}
			info.Incarnation = cur.Incarnation
			out = append(out, info)
			return nil
		})
	})
	return out, err
}

// Operations implements Store.
func (s *BoltStore) Operations() ([]string, error) {
	out := []string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bOps).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// DeleteOperation implements Store.
func (s *BoltStore) DeleteOperation(op, incarnation string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		if incarnation != "" && incarnation != cur.Incarnation {
			return gone(op, incarnation, cur)
		}
		if err := tx.Bucket(bOps).Delete([]byte(op)); err != nil {
			return err
		}
		for _, name := range [][]byte{versionsBucket(op), infoBucket(op)} {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
				return err
			}
		}
		// the idempotency keys of the operation go with it, whatever their
		// incarnation
		if err := deletePrefix(tx.Bucket(bIdem), []byte(op+"\x00")); err != nil {
			return err
		}
		// and its tenants' requests
		if err := deleteBoltRequests(tx, op); err != nil {
			return err
		}
		_, err = deleteJobs(tx, func(j *JobRecord) bool {
			return j.Operation == op && j.Incarnation == cur.Incarnation && j.State != "running"
		})
		return err
	})
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteJobs deletes the job records drop says so of, and returns how many.
func deleteJobs(tx *bolt.Tx, drop func(*JobRecord) bool) (int, error) {
	b := tx.Bucket(bJobs)
	var ids [][]byte
	err := b.ForEach(func(k, data []byte) error {
		var j JobRecord
		if err := json.Unmarshal(data, &j); err != nil {
			return fmt.Errorf("stored job %q: %w", k, err)
		}
		if drop(&j) {
			ids = append(ids, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range ids {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Idempotent implements Store.
func (s *BoltStore) Idempotent(op string, idem Idem) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil || idem.Key == "" {
			return nil
		}
		n, err = lookupIdem(tx, op, cur.Incarnation, idem)
		return err
	})
	return n, err
}

// Close implements Store. A second Close does nothing.
func (s *BoltStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	releaseLockInfo(s.path)
	return s.db.Close()
}

// PutJob implements Store.
func (s *BoltStore) PutJob(j *JobRecord) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bJobs).Put([]byte(j.ID), data) })
}

// FinishJob implements Store.
func (s *BoltStore) FinishJob(j *JobRecord, v *Version) (*Version, error) {
	if j.State != "done" && j.State != "cancelled" {
		return nil, fmt.Errorf("job %s: finished as %q, not done or cancelled", j.ID, j.State)
	}
	var out *Version
	rec := *j
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		out, _, err = addVersion(tx, j.Operation, Base{Incarnation: j.Incarnation, Version: j.Base}, v, j.idem())
		if err != nil {
			return err
		}
		rec.Version = out.Number
		data, err := json.Marshal(&rec)
		if err != nil {
			return err
		}
		return tx.Bucket(bJobs).Put([]byte(rec.ID), data)
	})
	if err != nil {
		return nil, err
	}
	j.Version = out.Number
	return out, nil
}

// PruneJobs implements Store.
func (s *BoltStore) PruneJobs(before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = deleteJobs(tx, func(j *JobRecord) bool {
			if j.State == "running" {
				return false
			}
			end := j.Ended
			if end.IsZero() {
				end = j.Started
			}
			return end.Before(before)
		})
		return err
	})
	return n, err
}

// GetJob implements Store.
func (s *BoltStore) GetJob(id string) (*JobRecord, error) {
	var j *JobRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bJobs).Get([]byte(id))
		if data == nil {
			return fmt.Errorf("job %s: %w", id, ErrNotFound)
		}
		j = &JobRecord{}
		return json.Unmarshal(data, j)
	})
	return j, err
}

// Jobs implements Store.
func (s *BoltStore) Jobs() ([]JobRecord, error) {
	var out []JobRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bJobs).ForEach(func(_, data []byte) error {
			var j JobRecord
			if err := json.Unmarshal(data, &j); err != nil {
				return err
			}
			out = append(out, j)
			return nil
		})
	})
	return out, err
}

// OpenBolt opens (or creates) the store file, bringing a store written before
// incarnations existed up to date. A store held by another process is refused
// with a *LockedError (ErrLocked) naming that process when it can.
func OpenBolt(path string) (*BoltStore, error) { return openBolt(path, 2*time.Second) }

func openBolt(path string, lockWait time.Duration) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, lockedError(path)
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bOps, bIdem, bJobs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return migrate(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	writeLockInfo(path)
	return &BoltStore{db: db, path: path}, nil
}

// migrate gives the operations of a store written before incarnations existed
// an incarnation each (their entry was the latest version alone), moves their
// idempotency keys under it (with no request hash: such a key never replays, it
// answers ErrIdempotencyMismatch, since the request it came with is unknown), and
// records the incarnation in their running jobs' records.
func migrate(tx *bolt.Tx) error {
	ops := tx.Bucket(bOps)
	olds := map[string]Base{}
	err := ops.ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			olds[string(k)] = Base{Incarnation: newIncarnation(), Version: int(binary.BigEndian.Uint64(v))}
		}
		return nil
	})
	if err != nil || len(olds) == 0 {
		return err
	}
	for op, b := range olds {
		rec, err := opRecord(b)
		if err != nil {
			return err
		}
		if err := ops.Put([]byte(op), rec); err != nil {
			return err
		}
	}
	idem := tx.Bucket(bIdem)
	type move struct{ from, to, val []byte }
	var moves []move
	err = idem.ForEach(func(k, v []byte) error {
		op, key, ok := bytes.Cut(k, []byte{0})
		b, known := olds[string(op)]
		if !ok || len(v) != 8 {
			return nil
		}
		m := move{from: bytes.Clone(k)}
		if known {
			m.to = idemKey(string(op), b.Incarnation, string(key))
			m.val = append(bytes.Clone(v), make([]byte, sha256.Size)...)
		}
		moves = append(moves, m)
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := idem.Delete(m.from); err != nil {
			return err
		}
		if m.to != nil {
			if err := idem.Put(m.to, m.val); err != nil {
				return err
			}
		}
	}
	jobs := tx.Bucket(bJobs)
	var recs []JobRecord
	err = jobs.ForEach(func(_, data []byte) error {
		var j JobRecord
		if err := json.Unmarshal(data, &j); err != nil {
			return err
		}
		if b, ok := olds[j.Operation]; ok && j.Incarnation == "" {
			j.Incarnation = b.Incarnation
			recs = append(recs, j)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, j := range recs {
		data, err := json.Marshal(&j)
		if err != nil {
			return err
		}
		if err := jobs.Put([]byte(j.ID), data); err != nil {
			return err
		}
	}
	return nil
}

// ErrLocked is matched by the error of a store another process holds.
var ErrLocked = errors.New("store locked")

// LockedError says which process holds a store, when its lock-info file names a
// live process (PID 0 otherwise).
type LockedError struct {
	Path string
	PID  int
}

func (e *LockedError) Error() string {
	dir := filepath.Dir(e.Path)
	if e.PID > 0 {
		return fmt.Sprintf("the store %s is locked by another rehabplan process (pid %d)", dir, e.PID)
	}
	return fmt.Sprintf("the store %s is locked by another process (%s names no live rehabplan process)", dir, lockInfoPath(e.Path))
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lockInfoPath is the small file beside the store that names the process holding
// it: written once the store's lock is taken, removed on Close. A killed process
// leaves it behind; the next open overwrites it.
func lockInfoPath(path string) string { return path + ".pid" }

func writeLockInfo(path string) {
	// best effort: the lock itself is bbolt's; this file only names its holder
	_ = os.WriteFile(lockInfoPath(path), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

func releaseLockInfo(path string) {
	if pid, ok := readLockInfo(path); ok && pid == os.Getpid() {
		os.Remove(lockInfoPath(path))
	}
}

func readLockInfo(path string) (int, bool) {
	data, err := os.ReadFile(lockInfoPath(path))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid, err == nil && pid > 0
}

func lockedError(path string) error {
	e := &LockedError{Path: path}
	if pid, ok := readLockInfo(path); ok && alive(pid) {
		e.PID = pid
	}
	return e
}

// alive tells whether a process of that pid runs (signal 0 checks without
// sending anything; EPERM means it runs under another user).
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
