package httpapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/rehabplan/rehabplan/model"
)

// Store keeps operations and every version of their plans. Writes return only once
// durable. It is small on purpose, so that a PostgreSQL implementation can follow.
type Store interface {
	// CreateOperation stores a new operation as version 1 (a problem, no plan).
	CreateOperation(id string, p *model.Problem) (*Version, error)
	// AddVersion appends a version to an operation and returns it numbered. With an
	// idempotency key already used on this operation, nothing is written and the
	// version that key made is returned with replayed true.
	AddVersion(id string, v *Version, idemKey string) (out *Version, replayed bool, err error)
	// Latest returns the newest version; Get a given one; Versions lists them all
	// (without their documents).
	Latest(id string) (*Version, error)
	Get(id string, n int) (*Version, error)
	Versions(id string) ([]VersionInfo, error)
	// Operations lists the ids.
	Operations() ([]string, error)
	DeleteOperation(id string) error
	// Idempotent returns the version a key made on an operation (0 when none).
	Idempotent(id, key string) (int, error)
	// PutJob writes a solve job's record (durably, before the job is
	// acknowledged); GetJob reads one (ErrNotFound when unknown); Jobs lists them.
	PutJob(j *JobRecord) error
	GetJob(id string) (*JobRecord, error)
	Jobs() ([]JobRecord, error)
	Close() error
}

// JobRecord is what the store keeps of a solve job: enough to answer its status
// after a restart, and to run it again when the server stopped during it.
type JobRecord struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	State     string    `json:"state"` // running, done, failed, cancelled
	Error     string    `json:"error,omitempty"`
	Base      int       `json:"base"`              // the version solved
	Version   int       `json:"version,omitempty"` // the version stored
	Started   time.Time `json:"started"`
	Ended     time.Time `json:"ended,omitempty"`
	// the request's settings
	TimeLimit time.Duration `json:"time_limit"`
	WorkLimit int           `json:"work_limit,omitempty"`
	Seed      int64         `json:"seed,omitempty"`
	// Resumed counts the restarts that ran the job again.
	Resumed int `json:"resumed,omitempty"`
	// Best is the score of the plan stored, when done.
	Best string `json:"best,omitempty"`
}

// Version is one state of an operation: its problem, and the plan made for it (nil
// until one is), with the diff against the previous plan after a replan.
type Version struct {
	Number  int            `json:"version"`
	Created time.Time      `json:"created"`
	Kind    string         `json:"kind"` // created, replaced, solved, replanned
	Problem *model.Problem `json:"problem"`
	Plan    *model.Plan    `json:"plan,omitempty"`
	Diff    *model.Diff    `json:"diff,omitempty"`
	Events  *model.Events  `json:"events,omitempty"`
}

// VersionInfo is a version without its documents.
type VersionInfo struct {
	Number  int       `json:"version"`
	Created time.Time `json:"created"`
	Kind    string    `json:"kind"`
	HasPlan bool      `json:"has_plan"`
	Status  string    `json:"status,omitempty"`
}

// ErrNotFound and ErrExists are matched with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// BoltStore is the embedded store: one bbolt file, fsynced at every commit.
type BoltStore struct {
	db *bolt.DB
}

var (
	bOps  = []byte("operations") // id -> latest version number
	bIdem = []byte("idempotency")
	bJobs = []byte("jobs") // job id -> JobRecord (JSON)
)

// OpenBolt opens (or creates) the store file.
func OpenBolt(path string) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bOps, bIdem, bJobs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &BoltStore{db: db}, nil
}

func versionsBucket(id string) []byte { return []byte("v/" + id) }

// infoBucket holds each version's VersionInfo, so that listing versions reads no
// documents.
func infoBucket(id string) []byte { return []byte("i/" + id) }

func key(n int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

// CreateOperation implements Store.
func (s *BoltStore) CreateOperation(id string, p *model.Problem) (*Version, error) {
	v := &Version{Number: 1, Created: time.Now().UTC(), Kind: "created", Problem: p}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bOps).Get([]byte(id)) != nil {
			return ErrExists
		}
		b, err := tx.CreateBucketIfNotExists(versionsBucket(id))
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(infoBucket(id)); err != nil {
			return err
		}
		return put(tx, b, id, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func put(tx *bolt.Tx, b *bolt.Bucket, id string, v *Version) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := b.Put(key(v.Number), data); err != nil {
		return err
	}
	info := VersionInfo{Number: v.Number, Created: v.Created, Kind: v.Kind, HasPlan: v.Plan != nil}
	if v.Plan != nil {
		info.Status = v.Plan.Status
	}
	idata, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := tx.Bucket(infoBucket(id)).Put(key(v.Number), idata); err != nil {
		return err
	}
	return tx.Bucket(bOps).Put([]byte(id), key(v.Number))
}

// AddVersion implements Store.
func (s *BoltStore) AddVersion(id string, v *Version, idemKey string) (*Version, bool, error) {
	replayed := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		last := tx.Bucket(bOps).Get([]byte(id))
		b := tx.Bucket(versionsBucket(id))
		if last == nil || b == nil {
			return ErrNotFound
		}
		ik := []byte(id + "\x00" + idemKey)
		if idemKey != "" {
			if n := tx.Bucket(bIdem).Get(ik); n != nil {
				replayed = int(binary.BigEndian.Uint64(n))
				return nil
			}
		}
		v.Number = int(binary.BigEndian.Uint64(last)) + 1
		v.Created = time.Now().UTC()
		if idemKey != "" {
			if err := tx.Bucket(bIdem).Put(ik, key(v.Number)); err != nil {
				return err
			}
		}
		return put(tx, b, id, v)
	})
	if err != nil {
		return nil, false, err
	}
	if replayed > 0 {
		old, err := s.Get(id, replayed)
		return old, true, err
	}
	return v, false, nil
}

// Latest implements Store.
func (s *BoltStore) Latest(id string) (*Version, error) {
	var v *Version
	err := s.db.View(func(tx *bolt.Tx) error {
		last := tx.Bucket(bOps).Get([]byte(id))
		b := tx.Bucket(versionsBucket(id))
		if last == nil || b == nil {
			return ErrNotFound
		}
		var err error
		v, err = decodeVersion(b.Get(last))
		return err
	})
	return v, err
}

// Get implements Store.
func (s *BoltStore) Get(id string, n int) (*Version, error) {
	var v *Version
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(versionsBucket(id))
		if b == nil {
			return ErrNotFound
		}
		data := b.Get(key(n))
		if data == nil {
			return ErrNotFound
		}
		var err error
		v, err = decodeVersion(data)
		return err
	})
	return v, err
}

func decodeVersion(data []byte) (*Version, error) {
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("stored version: %w", err)
	}
	return &v, nil
}

// Versions implements Store.
func (s *BoltStore) Versions(id string) ([]VersionInfo, error) {
	var out []VersionInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(infoBucket(id))
		if b == nil {
			return ErrNotFound
		}
		return b.ForEach(func(_, data []byte) error {
			var info VersionInfo
			if err := json.Unmarshal(data, &info); err != nil {
				return fmt.Errorf("stored version info: %w", err)
			}
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
func (s *BoltStore) DeleteOperation(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bOps).Get([]byte(id)) == nil {
			return ErrNotFound
		}
		if err := tx.Bucket(bOps).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.DeleteBucket(infoBucket(id)); err != nil {
			return err
		}
		// the idempotency keys of the operation go with it
		c := tx.Bucket(bIdem).Cursor()
		prefix := []byte(id + "\x00")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return tx.DeleteBucket(versionsBucket(id))
	})
}

// Idempotent implements Store.
func (s *BoltStore) Idempotent(id, k string) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bIdem).Get([]byte(id + "\x00" + k)); v != nil {
			n = int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return n, err
}

// Close implements Store.
func (s *BoltStore) Close() error { return s.db.Close() }

// PutJob implements Store.
func (s *BoltStore) PutJob(j *JobRecord) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bJobs).Put([]byte(j.ID), data) })
}

// GetJob implements Store.
func (s *BoltStore) GetJob(id string) (*JobRecord, error) {
	var j *JobRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bJobs).Get([]byte(id))
		if data == nil {
			return ErrNotFound
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
