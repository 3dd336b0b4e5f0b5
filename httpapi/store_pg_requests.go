package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// The tenants' requests in PostgreSQL (migration 0002): tenant_requests holds
// each request's record, tenant_request_keys the idempotency keys. A write takes
// the operation's row lock (as a version's does), checks the incarnation, and
// numbers a new request after the operation's last, in one transaction.

// pgRequestHead locks op's row and checks that incarnation is current.
func pgRequestHead(ctx context.Context, tx pgx.Tx, op, incarnation string) error {
	cur, err := pgHead(ctx, tx, op, true)
	if err != nil {
		return err
	}
	if cur.Incarnation != incarnation {
		return gone(op, incarnation, cur)
	}
	return nil
}

func pgGetRequest(ctx context.Context, tx pgx.Tx, op, incarnation string, seq uint64) (*TenantRequest, error) {
	var data []byte
	err := tx.QueryRow(ctx, "SELECT record FROM tenant_requests WHERE operation = $1 AND incarnation = $2 AND seq = $3",
		op, incarnation, int64(seq)).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var req TenantRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fmt.Errorf("stored request R%d: %w", seq, err)
	}
	return &req, nil
}

func pgPutRequest(ctx context.Context, tx pgx.Tx, op string, seq uint64, req *TenantRequest) error {
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenant_requests (operation, incarnation, seq, household, revision, record)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (operation, seq) DO UPDATE SET incarnation = $2, household = $4, revision = $5, record = $6`,
		op, req.Incarnation, int64(seq), pgText(req.Household), req.Revision, data)
	return err
}

// AddRequest implements RequestLog.
func (s *PGStore) AddRequest(op, incarnation string, req TenantRequest, idem Idem) (*TenantRequest, bool, error) {
	var out *TenantRequest
	replayed := false
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		if err := pgRequestHead(ctx, tx, op, incarnation); err != nil {
			return err
		}
		var kh [32]byte
		if idem.Key != "" {
			kh = sha256.Sum256([]byte(idem.Key))
			var seq int64
			var reqHash []byte
			err := tx.QueryRow(ctx, `SELECT seq, request_sha256 FROM tenant_request_keys
				WHERE operation = $1 AND incarnation = $2 AND key_sha256 = $3`, op, incarnation, kh[:]).Scan(&seq, &reqHash)
			switch {
			case err == nil:
				if !bytes.Equal(reqHash, idem.Request[:]) {
					return requestIdemMismatch(op, idem.Key, uint64(seq))
				}
				replayed = true
				if out, err = pgGetRequest(ctx, tx, op, incarnation, uint64(seq)); err == nil && out == nil {
					err = fmt.Errorf("request R%d of a stored idempotency key: %w", seq, ErrNotFound)
				}
				return err
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			}
		}
		var last int64
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM tenant_requests WHERE operation = $1", op).Scan(&last); err != nil {
			return err
		}
		seq := uint64(last + 1)
		nr := req
		nr.ID, nr.Revision, nr.Incarnation = "R"+strconv.FormatUint(seq, 10), 1, incarnation
		if err := pgPutRequest(ctx, tx, op, seq, &nr); err != nil {
			return err
		}
		if idem.Key != "" {
			_, err := tx.Exec(ctx, `INSERT INTO tenant_request_keys (operation, incarnation, key_sha256, seq, request_sha256)
				VALUES ($1, $2, $3, $4, $5)`, op, incarnation, kh[:], int64(seq), idem.Request[:])
			if err != nil {
				return err
			}
		}
		out = &nr
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

// UpdateRequest implements RequestLog.
func (s *PGStore) UpdateRequest(op, incarnation string, req TenantRequest, revision int) (*TenantRequest, error) {
	var out *TenantRequest
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		if err := pgRequestHead(ctx, tx, op, incarnation); err != nil {
			return err
		}
		seq := requestSeq(req.ID)
		var old *TenantRequest
		if seq > 0 {
			var err error
			if old, err = pgGetRequest(ctx, tx, op, incarnation, seq); err != nil {
				return err
			}
		}
		if old == nil || old.Household != req.Household {
			return fmt.Errorf("request %q of household %q: %w", req.ID, req.Household, ErrNotFound)
		}
		if revision > 0 && revision != old.Revision {
			return &RequestConflictError{Current: *old}
		}
		nr := updated(old, req)
		out = &nr
		return pgPutRequest(ctx, tx, op, seq, &nr)
	})
	return out, err
}

// Requests implements RequestLog.
func (s *PGStore) Requests(op, household string) ([]TenantRequest, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var out []TenantRequest
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := pgHead(ctx, tx, op, false)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT seq, record FROM tenant_requests
			WHERE operation = $1 AND incarnation = $2 AND ($3 = '' OR household = $3) ORDER BY household COLLATE "C", seq`,
			op, cur.Incarnation, pgText(household))
		var seq int64
		var data []byte
		_, err = pgx.ForEachRow(rows, []any{&seq, &data}, func() error {
			var req TenantRequest
			if err := json.Unmarshal(data, &req); err != nil {
				return fmt.Errorf("stored request R%d of operation %q: %w", seq, op, err)
			}
			out = append(out, req)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []TenantRequest{}
	}
	sortRequests(out)
	return out, nil
}

var _ RequestLog = (*PGStore)(nil)
var _ RequestLog = (*BoltStore)(nil)
