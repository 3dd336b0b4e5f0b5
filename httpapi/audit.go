package httpapi

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AuditRecord is one read of household or profile data: who (the token's id,
// never the token), when, which operation and household ("*": every household of
// the operation), through which route, and the role the data was seen as.
type AuditRecord struct {
	// Seq numbers the records from 1, in the order they were appended.
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	Token     string    `json:"token"`
	Role      string    `json:"role"`
	Operation string    `json:"operation"`
	Household string    `json:"household"`
	Route     string    `json:"route"`
}

// AuditLog is an append-only log of the reads of household and profile data.
// It is apart from Store so that a store can add it without changing Store;
// BoltStore and PGStore implement it. A server whose store does not keeps the log in
// memory, and says so in its log at start.
type AuditLog interface {
	// AppendAudit stores rec durably, numbered after the last record (rec.Seq is
	// ignored), and returns its number. Nothing ever removes a record.
	AppendAudit(rec AuditRecord) (uint64, error)
	// ListAudit returns at most limit records numbered after after, oldest
	// first.
	ListAudit(after uint64, limit int) ([]AuditRecord, error)
}

var bAudit = []byte("audit")

// AppendAudit implements AuditLog: the bucket "audit" maps a record's number (8
// bytes, big-endian) to the record (JSON).
func (s *BoltStore) AppendAudit(rec AuditRecord) (uint64, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bAudit)
		if err != nil {
			return err
		}
		if rec.Seq, err = b.NextSequence(); err != nil {
			return err
		}
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, rec.Seq), data)
	})
	return rec.Seq, err
}

// ListAudit implements AuditLog.
func (s *BoltStore) ListAudit(after uint64, limit int) ([]AuditRecord, error) {
	out := []AuditRecord{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, after+1)); k != nil && len(out) < limit; k, v = c.Next() {
			var rec AuditRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("stored audit record %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// memAudit is the audit log of a server whose store keeps none.
type memAudit struct {
	mu   sync.Mutex
	recs []AuditRecord
}

func (m *memAudit) AppendAudit(rec AuditRecord) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec.Seq = uint64(len(m.recs) + 1)
	m.recs = append(m.recs, rec)
	return rec.Seq, nil
}

func (m *memAudit) ListAudit(after uint64, limit int) ([]AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []AuditRecord{}
	for _, rec := range m.recs {
		if rec.Seq > after && len(out) < limit {
			out = append(out, rec)
		}
	}
	return out, nil
}

// audited records that the request reads household data of operation op
// (household "*": all of them). A read that cannot be recorded is not served.
func (s *Server) audited(r *http.Request, op, household, route string) error {
	g := grantOf(r)
	if g == nil {
		g = &Grant{ID: "-", Role: "-"}
	}
	_, err := s.audit.AppendAudit(AuditRecord{Time: time.Now().UTC().Truncate(time.Microsecond), Token: g.ID, Role: g.Role, Operation: op, Household: household, Route: route})
	if err != nil {
		return fmt.Errorf("the read could not be audited: %w", err)
	}
	return nil
}

// auditAnswer is a page of the audit log; Next is the after of the next page
// (absent on the last one).
type auditAnswer struct {
	Records []AuditRecord `json:"records"`
	Next    uint64        `json:"next,omitempty"`
}

// The audit log's paging.
var (
	qAfter = param{name: "after", desc: "the number of the last record already read (0: from the first)",
		schema: map[string]any{"type": "integer", "minimum": 0}, parse: parseCount}
	qLimit = param{name: "limit", desc: "the records per page, 1 to 1000 (default 100)",
		schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 1000}, parse: parseLimit}
)

func parseLimit(v string) (any, error) {
	n, err := parseCount(v)
	if err != nil || n == nil {
		return n, err
	}
	if n.(int) < 1 || n.(int) > 1000 {
		return nil, fmt.Errorf("%q is not between 1 and 1000", v)
	}
	return n, nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	after, _ := arg[int](r, qAfter.name)
	limit, ok := arg[int](r, qLimit.name)
	if !ok {
		limit = 100
	}
	recs, err := s.audit.ListAudit(uint64(after), limit+1)
	if err != nil {
		return err
	}
	ans := auditAnswer{Records: recs}
	if len(recs) > limit {
		ans.Records = recs[:limit]
		ans.Next = recs[limit-1].Seq
	}
	return writeJSON(w, http.StatusOK, ans)
}
