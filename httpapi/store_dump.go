package httpapi

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	bolt "go.etcd.io/bbolt"
)

// DumpRecord is one line of a store's dump (rehabplan store export and import):
// a version, an idempotency key or a job record. Incarnations are kept, so that
// a dump moved from one store to another leaves every base, key and job valid.
type DumpRecord struct {
	Kind        string `json:"kind"` // version, idempotency or job
	Operation   string `json:"operation,omitempty"`
	Incarnation string `json:"incarnation,omitempty"`
	// Version is the version's number, or the version an idempotency key made.
	Version int `json:"version,omitempty"`
	// Document is the version as the store keeps it (a Version in JSON).
	Document json.RawMessage `json:"document,omitempty"`
	// KeySHA256 and RequestSHA256 are an idempotency key's hashes, in hex (the
	// stores keep the key's hash, not the key).
	KeySHA256     string     `json:"key_sha256,omitempty"`
	RequestSHA256 string     `json:"request_sha256,omitempty"`
	Job           *JobRecord `json:"job,omitempty"`
}

// Dumper is a store that can be exported and imported whole.
type Dumper interface {
	Store
	// Export calls emit with every record of one consistent state of the store:
	// each operation's versions, oldest first, then the idempotency keys, then
	// the jobs.
	Export(emit func(*DumpRecord) error) error
	// Import writes the records next gives (in Export's order, checked by
	// CheckDump) into the store, which must be empty, in one transaction: all of
	// them or none. next returns io.EOF after the last.
	Import(next func() (*DumpRecord, error)) error
}

// WriteDump writes the store's records to w as JSON lines and returns how many
// of each kind it wrote.
func WriteDump(w io.Writer, d Dumper) (map[string]int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	counts := map[string]int{}
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := d.Export(func(r *DumpRecord) error {
		counts[r.Kind]++
		return enc.Encode(r)
	})
	if err != nil {
		return counts, err
	}
	return counts, bw.Flush()
}

// ReadDump imports the JSON lines of r into the store (empty), checking them
// as it goes: a bad line stops the import, which then writes nothing. It returns
// how many records of each kind it imported.
func ReadDump(r io.Reader, d Dumper) (map[string]int, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	chk := NewDumpChecker()
	counts := map[string]int{}
	line := 0
	err := d.Import(func() (*DumpRecord, error) {
		for {
			data, err := br.ReadBytes('\n')
			if len(data) == 0 && err != nil {
				return nil, err // io.EOF at the end
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			line++
			if len(trimSpace(data)) == 0 {
				continue
			}
			var rec DumpRecord
			if err := json.Unmarshal(data, &rec); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			if err := chk.Check(&rec); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			counts[rec.Kind]++
			return &rec, nil
		}
	})
	return counts, err
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// DumpChecker checks a dump's records in order: an operation's versions
// numbered from 1 without gap, under one incarnation, each document a version of
// that number; an idempotency key on a version already seen; a job with an id.
type DumpChecker struct {
	ops  map[string]Base // each operation's incarnation and last version seen
	jobs map[string]bool
}

// NewDumpChecker returns a checker that has seen nothing.
func NewDumpChecker() *DumpChecker {
	return &DumpChecker{ops: map[string]Base{}, jobs: map[string]bool{}}
}

// Check checks the next record.
func (c *DumpChecker) Check(r *DumpRecord) error {
	switch r.Kind {
	case "version":
		if r.Operation == "" {
			return errors.New("a version names no operation")
		}
		if len(r.Incarnation) != 32 {
			return fmt.Errorf("version %d of operation %q: incarnation %q is not 32 hexadecimal digits", r.Version, r.Operation, r.Incarnation)
		}
		if _, err := hex.DecodeString(r.Incarnation); err != nil {
			return fmt.Errorf("version %d of operation %q: incarnation %q is not 32 hexadecimal digits", r.Version, r.Operation, r.Incarnation)
		}
		prev, seen := c.ops[r.Operation]
		if seen && prev.Incarnation != r.Incarnation {
			return fmt.Errorf("version %d of operation %q: incarnation %s, but its earlier versions are of %s", r.Version, r.Operation, r.Incarnation, prev.Incarnation)
		}
		if r.Version != prev.Version+1 {
			return fmt.Errorf("version %d of operation %q: expected version %d (versions come in order, from 1)", r.Version, r.Operation, prev.Version+1)
		}
		var v Version
		if err := json.Unmarshal(r.Document, &v); err != nil {
			return fmt.Errorf("version %d of operation %q: document: %w", r.Version, r.Operation, err)
		}
		if v.Number != r.Version {
			return fmt.Errorf("version %d of operation %q: its document is version %d", r.Version, r.Operation, v.Number)
		}
		if v.Problem == nil {
			return fmt.Errorf("version %d of operation %q: its document has no problem", r.Version, r.Operation)
		}
		c.ops[r.Operation] = Base{Incarnation: r.Incarnation, Version: r.Version}
	case "idempotency":
		cur, seen := c.ops[r.Operation]
		if !seen || cur.Incarnation != r.Incarnation {
			return fmt.Errorf("idempotency key of operation %q incarnation %s: no version of it came before", r.Operation, r.Incarnation)
		}
		if r.Version < 1 || r.Version > cur.Version {
			return fmt.Errorf("idempotency key of operation %q: version %d is not one of its %d versions", r.Operation, r.Version, cur.Version)
		}
		for _, h := range []struct{ name, val string }{{"key_sha256", r.KeySHA256}, {"request_sha256", r.RequestSHA256}} {
			if b, err := hex.DecodeString(h.val); err != nil || len(b) != 32 {
				return fmt.Errorf("idempotency key of operation %q: %s is not 64 hexadecimal digits", r.Operation, h.name)
			}
		}
	case "job":
		if r.Job == nil || r.Job.ID == "" {
			return errors.New("a job record without a job or an id")
		}
		if c.jobs[r.Job.ID] {
			return fmt.Errorf("job %s: twice", r.Job.ID)
		}
		c.jobs[r.Job.ID] = true
	default:
		return fmt.Errorf("kind %q: expected version, idempotency or job", r.Kind)
	}
	return nil
}

// versionInfo is the VersionInfo of a version document.
func versionInfo(doc []byte, incarnation string) (VersionInfo, error) {
	var v Version
	if err := json.Unmarshal(doc, &v); err != nil {
		return VersionInfo{}, err
	}
	info := VersionInfo{Number: v.Number, Incarnation: incarnation, Created: v.Created, Kind: v.Kind, HasPlan: v.Plan != nil}
	if v.Plan != nil {
		info.Status = v.Plan.Status
	}
	return info, nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s) // checked by DumpChecker
	return b
}

// Export implements Dumper.
func (s *BoltStore) Export(emit func(*DumpRecord) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		heads := map[string]Base{}
		err := tx.Bucket(bOps).ForEach(func(k, _ []byte) error {
			op := string(k)
			cur, err := head(tx, op)
			if err != nil {
				return err
			}
			heads[op] = cur
			b := tx.Bucket(versionsBucket(op))
			if b == nil {
				return fmt.Errorf("operation %q: no versions bucket", op)
			}
			return b.ForEach(func(k, data []byte) error {
				return emit(&DumpRecord{Kind: "version", Operation: op, Incarnation: cur.Incarnation, Version: int(beUint64(k)), Document: data})
			})
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bIdem).ForEach(func(k, v []byte) error {
			// ID NUL INCARNATION NUL SHA-256(key) -> version, request hash
			if len(k) < 32+2 || len(v) != 8+32 {
				return nil // a key of no operation left by an old store
			}
			rest, hash := k[:len(k)-32], k[len(k)-32:]
			if len(rest) < 34 || rest[len(rest)-1] != 0 || rest[len(rest)-34] != 0 {
				return nil
			}
			op, inc := string(rest[:len(rest)-34]), string(rest[len(rest)-33:len(rest)-1])
			if heads[op].Incarnation != inc {
				return nil // the key of a deleted incarnation: nothing can replay it
			}
			return emit(&DumpRecord{Kind: "idempotency", Operation: op, Incarnation: inc, Version: int(beUint64(v[:8])),
				KeySHA256: hex.EncodeToString(hash), RequestSHA256: hex.EncodeToString(v[8:])})
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bJobs).ForEach(func(k, data []byte) error {
			var j JobRecord
			if err := json.Unmarshal(data, &j); err != nil {
				return fmt.Errorf("stored job %q: %w", k, err)
			}
			return emit(&DumpRecord{Kind: "job", Job: &j})
		})
	})
}

func beUint64(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// Import implements Dumper.
func (s *BoltStore) Import(next func() (*DumpRecord, error)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bOps).Cursor().First(); k != nil {
			return errors.New("the store is not empty: import into a new one")
		}
		if k, _ := tx.Bucket(bJobs).Cursor().First(); k != nil {
			return errors.New("the store has job records: import into a new one")
		}
		for {
			r, err := next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			switch r.Kind {
			case "version":
				if err := boltImportVersion(tx, r); err != nil {
					return err
				}
			case "idempotency":
				k := append([]byte(r.Operation+"\x00"+r.Incarnation+"\x00"), mustHex(r.KeySHA256)...)
				if err := tx.Bucket(bIdem).Put(k, append(key(r.Version), mustHex(r.RequestSHA256)...)); err != nil {
					return err
				}
			case "job":
				data, err := json.Marshal(r.Job)
				if err != nil {
					return err
				}
				if err := tx.Bucket(bJobs).Put([]byte(r.Job.ID), data); err != nil {
					return err
				}
			}
		}
	})
}

func boltImportVersion(tx *bolt.Tx, r *DumpRecord) error {
	op := r.Operation
	if r.Version == 1 {
		for _, name := range [][]byte{versionsBucket(op), infoBucket(op)} {
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("operation %q: %w", op, err)
			}
		}
	}
	info, err := versionInfo(r.Document, r.Incarnation)
	if err != nil {
		return err
	}
	idata, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := tx.Bucket(versionsBucket(op)).Put(key(r.Version), r.Document); err != nil {
		return err
	}
	if err := tx.Bucket(infoBucket(op)).Put(key(r.Version), idata); err != nil {
		return err
	}
	rec, err := opRecord(Base{Incarnation: r.Incarnation, Version: r.Version})
	if err != nil {
		return err
	}
	return tx.Bucket(bOps).Put([]byte(op), rec)
}

// Export implements Dumper, in one REPEATABLE READ transaction (one snapshot).
func (s *PGStore) Export(emit func(*DumpRecord) error) error {
	ctx := context.Background() // an export takes what it takes
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var r DumpRecord
		var doc []byte
		rows, _ := tx.Query(ctx, `SELECT v.operation, v.incarnation, v.number, v.document FROM operations o
			JOIN versions v ON v.operation = o.id AND v.incarnation = o.incarnation
			ORDER BY v.operation COLLATE "C", v.number`)
		_, err := pgx.ForEachRow(rows, []any{&r.Operation, &r.Incarnation, &r.Version, &doc}, func() error {
			return emit(&DumpRecord{Kind: "version", Operation: r.Operation, Incarnation: r.Incarnation, Version: r.Version, Document: doc})
		})
		if err != nil {
			return err
		}
		var key, req []byte
		rows, _ = tx.Query(ctx, `SELECT i.operation, i.incarnation, i.version, i.key_sha256, i.request_sha256 FROM operations o
			JOIN idempotency i ON i.operation = o.id AND i.incarnation = o.incarnation
			ORDER BY i.operation COLLATE "C", i.key_sha256`)
		_, err = pgx.ForEachRow(rows, []any{&r.Operation, &r.Incarnation, &r.Version, &key, &req}, func() error {
			return emit(&DumpRecord{Kind: "idempotency", Operation: r.Operation, Incarnation: r.Incarnation, Version: r.Version,
				KeySHA256: hex.EncodeToString(key), RequestSHA256: hex.EncodeToString(req)})
		})
		if err != nil {
			return err
		}
		var id string
		rows, _ = tx.Query(ctx, `SELECT id, record FROM jobs ORDER BY id COLLATE "C"`)
		_, err = pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
			var j JobRecord
			if err := json.Unmarshal(doc, &j); err != nil {
				return fmt.Errorf("stored job %q: %w", id, err)
			}
			return emit(&DumpRecord{Kind: "job", Job: &j})
		})
		return err
	})
}

// Import implements Dumper.
func (s *PGStore) Import(next func() (*DumpRecord, error)) error {
	ctx := context.Background()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// no other writer while importing: the emptiness checked stays true
		if _, err := tx.Exec(ctx, "LOCK TABLE operations, jobs IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		var ops, jobs int
		if err := tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM operations), (SELECT count(*) FROM jobs)").Scan(&ops, &jobs); err != nil {
			return err
		}
		if ops > 0 || jobs > 0 {
			return fmt.Errorf("the store is not empty (%d operations, %d job records): import into a new one", ops, jobs)
		}
		for {
			r, err := next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := pgImport(ctx, tx, r); err != nil {
				return err
			}
		}
	})
}

func pgImport(ctx context.Context, tx pgx.Tx, r *DumpRecord) error {
	switch r.Kind {
	case "version":
		info, err := versionInfo(r.Document, r.Incarnation)
		if err != nil {
			return err
		}
		if r.Version == 1 {
			_, err = tx.Exec(ctx, "INSERT INTO operations (id, incarnation, version) VALUES ($1, $2, 1)", r.Operation, r.Incarnation)
		} else {
			_, err = tx.Exec(ctx, "UPDATE operations SET version = $2 WHERE id = $1", r.Operation, r.Version)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO versions (operation, incarnation, number, created, kind, has_plan, status, document)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.Operation, r.Incarnation, r.Version, info.Created.Truncate(time.Microsecond),
			info.Kind, info.HasPlan, info.Status, []byte(r.Document))
		return err
	case "idempotency":
		_, err := tx.Exec(ctx, "INSERT INTO idempotency (operation, incarnation, key_sha256, version, request_sha256) VALUES ($1, $2, $3, $4, $5)",
			r.Operation, r.Incarnation, mustHex(r.KeySHA256), r.Version, mustHex(r.RequestSHA256))
		return err
	case "job":
		return putJob(ctx, tx, r.Job)
	}
	return fmt.Errorf("kind %q", r.Kind)
}
