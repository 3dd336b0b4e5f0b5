package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	bolt "go.etcd.io/bbolt"
)

// DumpRecord is one line of a store's dump (rehabplan store export and import):
// a version, an idempotency key, a tenant's request or its idempotency key, a
// job record, a row of a night's report, an audit record, a calendar feed, an
// event's sequence or the server key. Incarnations are kept, so that a dump moved from one store to
// another leaves every base, key and job valid.
type DumpRecord struct {
	// Kind is version, idempotency, request, request_key, job, night, audit,
	// feed, event_sequence or server_key.
	Kind        string `json:"kind"`
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
	// Request is a tenant's request; Seq the number of the request a
	// request_key added.
	Request *TenantRequest `json:"request,omitempty"`
	Seq     uint64         `json:"seq,omitempty"`
	Audit   *AuditRecord   `json:"audit,omitempty"`
	// Night is an operation's row of a night's report (PostgreSQL's nights
	// table; the bbolt store keeps the rows it imports, to export them again).
	Night *NightRecord `json:"night,omitempty"`
	// Feed is a calendar feed (its incarnation in Incarnation), FeedHash the
	// hex SHA-256 of its secret.
	Feed     *Feed  `json:"feed,omitempty"`
	FeedHash string `json:"feed_hash,omitempty"`
	// Calendar, UID and Sequence are what a calendar keeps of an event.
	Calendar string    `json:"calendar,omitempty"`
	UID      string    `json:"uid,omitempty"`
	Sequence *EventSeq `json:"sequence,omitempty"`
	// ServerKey is the server's secret key, in hex.
	ServerKey string `json:"server_key,omitempty"`
}

// Dumper is a store that can be exported and imported whole.
type Dumper interface {
	Store
	// Export calls emit with every record of one consistent state of the store:
	// each operation's versions, oldest first, then the idempotency keys, the
	// tenants' requests, their keys, the jobs, the nights' reports, the audit
	// log, the feeds, the events' sequences and the server key.
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
// that number; an idempotency key on a version already seen; a request of an
// operation seen, numbered after the last, and a request key on one; a job with
// an id; a night's row once per operation, with its job and an outcome; audit
// records numbered in order; a feed once; one server key.
type DumpChecker struct {
	ops      map[string]Base // each operation's incarnation and last version seen
	jobs     map[string]bool
	nights   map[string]bool   // night NUL operation
	requests map[string]uint64 // each operation's last request number
	audit    uint64
	feeds    map[string]bool
	key      bool
}

// NewDumpChecker returns a checker that has seen nothing.
func NewDumpChecker() *DumpChecker {
	return &DumpChecker{ops: map[string]Base{}, jobs: map[string]bool{}, nights: map[string]bool{}, requests: map[string]uint64{}, feeds: map[string]bool{}}
}

// checkHashes checks that each value is 64 hexadecimal digits.
func checkHashes(what string, hs ...struct{ name, val string }) error {
	for _, h := range hs {
		if b, err := hex.DecodeString(h.val); err != nil || len(b) != 32 {
			return fmt.Errorf("%s: %s is not 64 hexadecimal digits", what, h.name)
		}
	}
	return nil
}

// checkMore checks the records of the kinds after versions and keys.
func (c *DumpChecker) checkMore(r *DumpRecord) error {
	switch r.Kind {
	case "request":
		if r.Request == nil {
			return fmt.Errorf("a request record of operation %q without its request", r.Operation)
		}
		what := fmt.Sprintf("request %q of operation %q", r.Request.ID, r.Operation)
		if cur, seen := c.ops[r.Operation]; !seen || cur.Incarnation != r.Incarnation || r.Request.Incarnation != r.Incarnation {
			return fmt.Errorf("%s: no version of its incarnation came before", what)
		}
		n := requestSeq(r.Request.ID)
		if n == 0 || n <= c.requests[r.Operation] {
			return fmt.Errorf("%s: not R and a number after the operation's last request", what)
		}
		c.requests[r.Operation] = n
	case "request_key":
		what := fmt.Sprintf("request key of operation %q", r.Operation)
		if cur, seen := c.ops[r.Operation]; !seen || cur.Incarnation != r.Incarnation {
			return fmt.Errorf("%s: no version of its incarnation came before", what)
		}
		if r.Seq < 1 || r.Seq > c.requests[r.Operation] {
			return fmt.Errorf("%s: request R%d did not come before", what, r.Seq)
		}
		return checkHashes(what, struct{ name, val string }{"key_sha256", r.KeySHA256}, struct{ name, val string }{"request_sha256", r.RequestSHA256})
	case "night":
		return c.checkNight(r.Night)
	case "audit":
		if r.Audit == nil || r.Audit.Seq <= c.audit {
			return fmt.Errorf("an audit record without its record, or numbered before the last (%d)", c.audit)
		}
		c.audit = r.Audit.Seq
	case "feed":
		if r.Feed == nil || r.Feed.ID == "" {
			return errors.New("a feed record without a feed or an id")
		}
		if err := checkHashes("feed "+r.Feed.ID, struct{ name, val string }{"feed_hash", r.FeedHash}); err != nil {
			return err
		}
		if c.feeds[r.FeedHash] {
			return fmt.Errorf("feed %s: its secret's hash twice", r.Feed.ID)
		}
		c.feeds[r.FeedHash] = true
	case "event_sequence":
		if r.Calendar == "" || r.Sequence == nil || r.Sequence.Seq < 0 {
			return errors.New("an event sequence without its calendar or its sequence")
		}
	case "server_key":
		if err := checkHashes("the server key", struct{ name, val string }{"server_key", r.ServerKey}); err != nil {
			return err
		}
		if c.key {
			return errors.New("the server key twice")
		}
		c.key = true
	default:
		return fmt.Errorf("kind %q: expected version, idempotency, request, request_key, job, night, audit, feed, event_sequence or server_key", r.Kind)
	}
	return nil
}

// checkNight checks a row of a night's report: its night a date, its operation
// and job named, its outcome one a night gives, once per night and operation.
func (c *DumpChecker) checkNight(n *NightRecord) error {
	if n == nil {
		return errors.New("a night record without its row")
	}
	what := fmt.Sprintf("night %q of operation %q", n.Night, n.Operation)
	switch {
	case n.Operation == "":
		return fmt.Errorf("%s: no operation", what)
	case n.Job == "":
		return fmt.Errorf("%s: no job", what)
	case n.Version < 0 || n.Seconds < 0 || math.IsNaN(n.Seconds) || math.IsInf(n.Seconds, 0):
		return fmt.Errorf("%s: a negative version or seconds", what)
	}
	if _, err := time.Parse(time.DateOnly, n.Night); err != nil {
		return fmt.Errorf("%s: the night is not a date YYYY-MM-DD", what)
	}
	switch n.Outcome {
	case "", "done", "unchanged", "partial", "failed":
	default:
		return fmt.Errorf("%s: outcome %q: expected done, unchanged, partial, failed or none (not ended)", what, n.Outcome)
	}
	k := n.Night + "\x00" + n.Operation
	if c.nights[k] {
		return fmt.Errorf("%s: twice", what)
	}
	c.nights[k] = true
	return nil
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
		return c.checkMore(r)
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
		if err := boltExportRequests(tx, heads, emit); err != nil {
			return err
		}
		err = tx.Bucket(bJobs).ForEach(func(k, data []byte) error {
			var j JobRecord
			if err := json.Unmarshal(data, &j); err != nil {
				return fmt.Errorf("stored job %q: %w", k, err)
			}
			return emit(&DumpRecord{Kind: "job", Job: &j})
		})
		if err != nil {
			return err
		}
		if b := tx.Bucket(bNights); b != nil {
			err := b.ForEach(func(k, data []byte) error {
				var n NightRecord
				if err := json.Unmarshal(data, &n); err != nil {
					return fmt.Errorf("stored night %q: %w", k, err)
				}
				return emit(&DumpRecord{Kind: "night", Night: &n})
			})
			if err != nil {
				return err
			}
		}
		return boltExportAccess(tx, emit)
	})
}

// boltExportRequests emits the tenants' requests of the operations' current
// incarnations, then their idempotency keys.
func boltExportRequests(tx *bolt.Tx, heads map[string]Base, emit func(*DumpRecord) error) error {
	top := tx.Bucket(bRequests)
	if top == nil {
		return nil
	}
	for _, prefix := range []byte{'r', 'k'} {
		err := top.ForEachBucket(func(name []byte) error {
			op := string(name)
			b := boltRequests(tx, op, heads[op].Incarnation)
			if b == nil {
				return nil // a stale incarnation's
			}
			c := b.Cursor()
			for k, v := c.Seek([]byte{prefix}); k != nil && k[0] == prefix; k, v = c.Next() {
				var err error
				if prefix == 'r' {
					var req TenantRequest
					if err := json.Unmarshal(v, &req); err != nil {
						return fmt.Errorf("stored request of operation %q: %w", op, err)
					}
					err = emit(&DumpRecord{Kind: "request", Operation: op, Incarnation: req.Incarnation, Request: &req})
				} else {
					var rk requestKey
					if err := json.Unmarshal(v, &rk); err != nil {
						return fmt.Errorf("stored request key of operation %q: %w", op, err)
					}
					err = emit(&DumpRecord{Kind: "request_key", Operation: op, Incarnation: heads[op].Incarnation, Seq: rk.Seq,
						KeySHA256: hex.EncodeToString(k[1:]), RequestSHA256: hex.EncodeToString(rk.Request)})
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// boltExportAccess emits the audit log, the feeds, the events' sequences and
// the server key.
func boltExportAccess(tx *bolt.Tx, emit func(*DumpRecord) error) error {
	each := func(name []byte, f func(k, v []byte) error) error {
		if b := tx.Bucket(name); b != nil {
			return b.ForEach(f)
		}
		return nil
	}
	err := each(bAudit, func(_, v []byte) error {
		var rec AuditRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("stored audit record: %w", err)
		}
		return emit(&DumpRecord{Kind: "audit", Audit: &rec})
	})
	if err != nil {
		return err
	}
	err = each(bFeeds, func(k, v []byte) error {
		var rec feedRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("stored feed: %w", err)
		}
		return emit(&DumpRecord{Kind: "feed", Incarnation: rec.Incarnation, Feed: &rec.Feed, FeedHash: string(k)})
	})
	if err != nil {
		return err
	}
	err = each(bFeedSq, func(k, v []byte) error {
		var es EventSeq
		if err := json.Unmarshal(v, &es); err != nil {
			return fmt.Errorf("stored event sequence: %w", err)
		}
		i := bytes.LastIndexByte(k, 0)
		if i < 0 {
			return nil // not a key this store writes
		}
		return emit(&DumpRecord{Kind: "event_sequence", Calendar: string(k[:i]), UID: string(k[i+1:]), Sequence: &es})
	})
	if err != nil {
		return err
	}
	if b := tx.Bucket(bMeta); b != nil {
		if key := b.Get([]byte("server-key")); len(key) == 32 {
			return emit(&DumpRecord{Kind: "server_key", ServerKey: hex.EncodeToString(key)})
		}
	}
	return nil
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
		for _, name := range [][]byte{bAudit, bFeeds, bRequests, bNights} {
			if b := tx.Bucket(name); b != nil {
				if k, _ := b.Cursor().First(); k != nil {
					return fmt.Errorf("the store has records in %s: import into a new one", name)
				}
			}
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
			default:
				if err := boltImportMore(tx, r); err != nil {
					return err
				}
			}
		}
	})
}

// boltImportMore writes a record of the kinds after versions and keys.
func boltImportMore(tx *bolt.Tx, r *DumpRecord) error {
	put := func(bucket, k []byte, v any, seq uint64) error {
		b, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		data, ok := v.([]byte)
		if !ok {
			if data, err = json.Marshal(v); err != nil {
				return err
			}
		}
		if seq > b.Sequence() {
			if err := b.SetSequence(seq); err != nil {
				return err
			}
		}
		return b.Put(k, data)
	}
	switch r.Kind {
	case "request", "request_key":
		top, err := tx.CreateBucketIfNotExists(bRequests)
		if err != nil {
			return err
		}
		b := top.Bucket([]byte(r.Operation))
		if b == nil {
			if b, err = top.CreateBucket([]byte(r.Operation)); err != nil {
				return err
			}
			if err := b.Put([]byte("incarnation"), []byte(r.Incarnation)); err != nil {
				return err
			}
		}
		if r.Kind == "request_key" {
			data, err := json.Marshal(requestKey{Seq: r.Seq, Request: mustHex(r.RequestSHA256)})
			if err != nil {
				return err
			}
			return b.Put(append([]byte("k"), mustHex(r.KeySHA256)...), data)
		}
		seq := requestSeq(r.Request.ID)
		data, err := json.Marshal(r.Request)
		if err != nil {
			return err
		}
		if err := b.SetSequence(seq); err != nil {
			return err
		}
		return b.Put(requestRecordKey(seq), data)
	case "night":
		return put(bNights, []byte(r.Night.Night+"\x00"+r.Night.Operation), r.Night, 0)
	case "audit":
		return put(bAudit, binary.BigEndian.AppendUint64(nil, r.Audit.Seq), r.Audit, r.Audit.Seq)
	case "feed":
		return put(bFeeds, []byte(r.FeedHash), feedRecord{Feed: *r.Feed, Incarnation: r.Incarnation, Hash: r.FeedHash}, 0)
	case "event_sequence":
		return put(bFeedSq, []byte(r.Calendar+"\x00"+r.UID), r.Sequence, 0)
	case "server_key":
		return put(bMeta, []byte("server-key"), mustHex(r.ServerKey), 0)
	}
	return fmt.Errorf("kind %q", r.Kind)
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
		if err := pgExportRequests(ctx, tx, emit); err != nil {
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
		if err != nil {
			return err
		}
		if err := pgExportNights(ctx, tx, emit); err != nil {
			return err
		}
		return pgExportAccess(ctx, tx, emit)
	})
}

// pgExportNights emits the rows of the nights' reports, in bbolt's order (night,
// then operation, byte order).
func pgExportNights(ctx context.Context, tx pgx.Tx, emit func(*DumpRecord) error) error {
	var n NightRecord
	var ended *time.Time
	rows, _ := tx.Query(ctx, `SELECT night, operation, job, queued, outcome, version, seconds, error, ended FROM nights
		ORDER BY night COLLATE "C", operation COLLATE "C"`)
	_, err := pgx.ForEachRow(rows, []any{&n.Night, &n.Operation, &n.Job, &n.Queued, &n.Outcome, &n.Version, &n.Seconds, &n.Error, &ended}, func() error {
		r := n
		r.Queued = r.Queued.UTC()
		if ended != nil {
			t := ended.UTC()
			r.Ended = &t
		}
		return emit(&DumpRecord{Kind: "night", Night: &r})
	})
	return err
}

// pgExportRequests emits the tenants' requests of the operations' current
// incarnations, then their idempotency keys, in bbolt's order.
func pgExportRequests(ctx context.Context, tx pgx.Tx, emit func(*DumpRecord) error) error {
	var op string
	var data []byte
	rows, _ := tx.Query(ctx, `SELECT r.operation, r.record FROM operations o
		JOIN tenant_requests r ON r.operation = o.id AND r.incarnation = o.incarnation
		ORDER BY r.operation COLLATE "C", r.seq`)
	_, err := pgx.ForEachRow(rows, []any{&op, &data}, func() error {
		var req TenantRequest
		if err := json.Unmarshal(data, &req); err != nil {
			return fmt.Errorf("stored request of operation %q: %w", op, err)
		}
		return emit(&DumpRecord{Kind: "request", Operation: op, Incarnation: req.Incarnation, Request: &req})
	})
	if err != nil {
		return err
	}
	var inc string
	var seq int64
	var key, req []byte
	rows, _ = tx.Query(ctx, `SELECT k.operation, k.incarnation, k.seq, k.key_sha256, k.request_sha256 FROM operations o
		JOIN tenant_request_keys k ON k.operation = o.id AND k.incarnation = o.incarnation
		ORDER BY k.operation COLLATE "C", k.key_sha256`)
	_, err = pgx.ForEachRow(rows, []any{&op, &inc, &seq, &key, &req}, func() error {
		return emit(&DumpRecord{Kind: "request_key", Operation: op, Incarnation: inc, Seq: uint64(seq),
			KeySHA256: hex.EncodeToString(key), RequestSHA256: hex.EncodeToString(req)})
	})
	return err
}

// pgExportAccess emits the audit log, the feeds, the events' sequences and the
// server key, in bbolt's order.
func pgExportAccess(ctx context.Context, tx pgx.Tx, emit func(*DumpRecord) error) error {
	var rec AuditRecord
	var seq int64
	rows, _ := tx.Query(ctx, "SELECT seq, time, token, role, operation, household, route FROM audit ORDER BY seq")
	_, err := pgx.ForEachRow(rows, []any{&seq, &rec.Time, &rec.Token, &rec.Role, &rec.Operation, &rec.Household, &rec.Route}, func() error {
		r := rec
		r.Seq, r.Time = uint64(seq), r.Time.UTC()
		return emit(&DumpRecord{Kind: "audit", Audit: &r})
	})
	if err != nil {
		return err
	}
	rows, _ = tx.Query(ctx, "SELECT hash, "+feedColumns+" FROM feeds ORDER BY hash COLLATE \"C\"")
	for rows.Next() {
		var hash string
		var f Feed
		if err := rows.Scan(&hash, &f.ID, &f.Operation, &f.Incarnation, &f.Kind, &f.Who, &f.Created, &f.CreatedBy, &f.Revoked); err != nil {
			rows.Close()
			return err
		}
		f.Created = f.Created.UTC()
		if f.Revoked != nil {
			t := f.Revoked.UTC()
			f.Revoked = &t
		}
		if err := emit(&DumpRecord{Kind: "feed", Incarnation: f.Incarnation, Feed: &f, FeedHash: hash}); err != nil {
			rows.Close()
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var cal, uid []byte
	var es EventSeq
	rows, _ = tx.Query(ctx, "SELECT calendar, uid, seq, hash, stamp FROM feed_sequences ORDER BY calendar, uid")
	_, err = pgx.ForEachRow(rows, []any{&cal, &uid, &es.Seq, &es.Hash, &es.Stamp}, func() error {
		e := es
		e.Stamp = e.Stamp.UTC()
		return emit(&DumpRecord{Kind: "event_sequence", Calendar: string(cal), UID: string(uid), Sequence: &e})
	})
	if err != nil {
		return err
	}
	var key []byte
	err = tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'server-key'").Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && len(key) != 32) {
		return nil
	}
	if err != nil {
		return err
	}
	return emit(&DumpRecord{Kind: "server_key", ServerKey: hex.EncodeToString(key)})
}

// Import implements Dumper.
func (s *PGStore) Import(next func() (*DumpRecord, error)) error {
	ctx := context.Background()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// no other writer while importing: the emptiness checked stays true
		if _, err := tx.Exec(ctx, "LOCK TABLE operations, jobs, audit, feeds, nights IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		var ops, jobs, audit, feeds, nights int
		if err := tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM operations), (SELECT count(*) FROM jobs), (SELECT count(*) FROM audit), (SELECT count(*) FROM feeds), (SELECT count(*) FROM nights)").Scan(&ops, &jobs, &audit, &feeds, &nights); err != nil {
			return err
		}
		if ops > 0 || jobs > 0 || audit > 0 || feeds > 0 || nights > 0 {
			return fmt.Errorf("the store is not empty (%d operations, %d job records, %d audit records, %d feeds, %d rows of nights' reports): import into a new one", ops, jobs, audit, feeds, nights)
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
	case "night":
		n := r.Night
		_, err := tx.Exec(ctx, `INSERT INTO nights (night, operation, job, queued, outcome, version, seconds, error, ended)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, n.Night, n.Operation, n.Job, n.Queued, n.Outcome, n.Version, n.Seconds, n.Error, n.Ended)
		return err
	case "request":
		return pgPutRequest(ctx, tx, r.Operation, requestSeq(r.Request.ID), r.Request)
	case "request_key":
		_, err := tx.Exec(ctx, `INSERT INTO tenant_request_keys (operation, incarnation, key_sha256, seq, request_sha256)
			VALUES ($1, $2, $3, $4, $5)`, r.Operation, r.Incarnation, mustHex(r.KeySHA256), int64(r.Seq), mustHex(r.RequestSHA256))
		return err
	case "audit":
		a := r.Audit
		if _, err := tx.Exec(ctx, `INSERT INTO audit (seq, time, token, role, operation, household, route) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			int64(a.Seq), a.Time, pgText(a.Token), pgText(a.Role), pgText(a.Operation), pgText(a.Household), pgText(a.Route)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE audit_seq SET last = greatest(last, $1)", int64(a.Seq))
		return err
	case "feed":
		f := *r.Feed
		f.Incarnation = r.Incarnation
		return pgInsertFeed(ctx, tx, f, r.FeedHash)
	case "event_sequence":
		_, err := tx.Exec(ctx, "INSERT INTO feed_sequences (calendar, uid, seq, hash, stamp) VALUES ($1, $2, $3, $4, $5)",
			[]byte(r.Calendar), []byte(r.UID), r.Sequence.Seq, r.Sequence.Hash, r.Sequence.Stamp)
		return err
	case "server_key":
		_, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('server-key', $1) ON CONFLICT (key) DO UPDATE SET value = $1", mustHex(r.ServerKey))
		return err
	}
	return fmt.Errorf("kind %q", r.Kind)
}

// NightRecord is a row of a night's report whole, as a store's dump carries
// it: the row, its night, when it was queued and when it ended (nil: not yet).
type NightRecord struct {
	Night string `json:"night"`
	NightRow
	Queued time.Time  `json:"queued"`
	Ended  *time.Time `json:"ended,omitempty"`
}

// bNights is the bbolt bucket of the nights' rows a dump brought (key night NUL
// operation): the bbolt store runs no night, but a store moved from PostgreSQL
// to bbolt and back keeps its nights' reports.
var bNights = []byte("nights")
