package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The audit log and the calendar feeds in PostgreSQL (migration 0002): PGStore
// implements AuditLog and FeedStore with the same contracts as BoltStore, so a
// server on PostgreSQL keeps them across restarts and shares them between
// processes.

// pgText is s as a text column can hold it: PostgreSQL's text takes neither NUL
// nor invalid UTF-8, which a path may carry; each such byte becomes U+FFFD.
func pgText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// AppendAudit implements AuditLog. The record's number is taken from audit_seq
// under its row lock, in the transaction that inserts the record: numbers
// follow the commits, without gaps. The store has no statement that changes or
// removes a record; the table's triggers refuse any.
func (s *PGStore) AppendAudit(rec AuditRecord) (uint64, error) {
	var seq int64
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "UPDATE audit_seq SET last = last + 1 RETURNING last").Scan(&seq); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit (seq, time, token, role, operation, household, route)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			seq, rec.Time, pgText(rec.Token), pgText(rec.Role), pgText(rec.Operation), pgText(rec.Household), pgText(rec.Route))
		return err
	})
	if err != nil {
		return 0, err
	}
	return uint64(seq), nil
}

// ListAudit implements AuditLog.
func (s *PGStore) ListAudit(after uint64, limit int) ([]AuditRecord, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	if after > 1<<62 {
		return []AuditRecord{}, nil // beyond any number a record can have
	}
	rows, _ := s.pool.Query(ctx, `SELECT seq, time, token, role, operation, household, route FROM audit
		WHERE seq > $1 ORDER BY seq LIMIT $2`, int64(after), limit)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditRecord, error) {
		var rec AuditRecord
		var seq int64
		err := r.Scan(&seq, &rec.Time, &rec.Token, &rec.Role, &rec.Operation, &rec.Household, &rec.Route)
		rec.Seq, rec.Time = uint64(seq), rec.Time.UTC()
		return rec, err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []AuditRecord{}
	}
	return out, nil
}

// PutFeed implements FeedStore.
func (s *PGStore) PutFeed(f Feed, hash string) error {
	return s.update(func(ctx context.Context, tx pgx.Tx) error { return pgInsertFeed(ctx, tx, f, hash) })
}

// pgInsertFeed inserts a feed; ErrExists when its hash is stored.
func pgInsertFeed(ctx context.Context, tx pgx.Tx, f Feed, hash string) error {
	tag, err := tx.Exec(ctx, `INSERT INTO feeds (hash, id, operation, incarnation, kind, who, created, created_by, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (hash) DO NOTHING`,
		pgText(hash), pgText(f.ID), pgText(f.Operation), f.Incarnation, pgText(f.Kind), pgText(f.Who), f.Created, pgText(f.CreatedBy), f.Revoked)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("feed: %w", ErrExists)
	}
	return nil
}

const feedColumns = "id, operation, incarnation, kind, who, created, created_by, revoked"

func scanFeed(r pgx.Row) (Feed, error) {
	var f Feed
	err := r.Scan(&f.ID, &f.Operation, &f.Incarnation, &f.Kind, &f.Who, &f.Created, &f.CreatedBy, &f.Revoked)
	f.Created = f.Created.UTC()
	if f.Revoked != nil {
		t := f.Revoked.UTC()
		f.Revoked = &t
	}
	return f, err
}

// FeedByHash implements FeedStore.
func (s *PGStore) FeedByHash(hash string) (*Feed, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	f, err := scanFeed(s.pool.QueryRow(ctx, "SELECT "+feedColumns+" FROM feeds WHERE hash = $1", pgText(hash)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("feed: %w", ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Feeds implements FeedStore.
func (s *PGStore) Feeds(op string) ([]Feed, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, _ := s.pool.Query(ctx, "SELECT "+feedColumns+" FROM feeds WHERE operation = $1", pgText(op))
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Feed, error) { return scanFeed(r) })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Feed{}
	}
	sortFeeds(out)
	return out, nil
}

// RevokeFeed implements FeedStore.
func (s *PGStore) RevokeFeed(op, id string, at time.Time) error {
	return s.update(func(ctx context.Context, tx pgx.Tx) error {
		var revoked *time.Time
		err := tx.QueryRow(ctx, "SELECT revoked FROM feeds WHERE operation = $1 AND id = $2 FOR UPDATE", pgText(op), pgText(id)).Scan(&revoked)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("feed %q of operation %q: %w", id, op, ErrNotFound)
		}
		if err != nil || revoked != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE feeds SET revoked = $3 WHERE operation = $1 AND id = $2", pgText(op), pgText(id), at)
		return err
	})
}

// EventSequences implements FeedStore. A read that changes nothing writes
// nothing; otherwise the changed events are upserted in one statement whose
// conditional update raises a sequence only when the stored hash differs, so
// that two servers serving the same change at once raise it once.
func (s *PGStore) EventSequences(cal string, hashes map[string]string, now time.Time) (map[string]EventSeq, error) {
	uids := make([][]byte, 0, len(hashes))
	for uid := range hashes {
		uids = append(uids, []byte(uid))
	}
	read := func(ctx context.Context, q pgx.Tx) (map[string]EventSeq, [][]byte, []string, error) {
		rows, _ := q.Query(ctx, "SELECT uid, seq, hash, stamp FROM feed_sequences WHERE calendar = $1 AND uid = ANY($2)", []byte(cal), uids)
		stored := map[string]EventSeq{}
		var uid []byte
		var es EventSeq
		if _, err := pgx.ForEachRow(rows, []any{&uid, &es.Seq, &es.Hash, &es.Stamp}, func() error {
			es.Stamp = es.Stamp.UTC()
			stored[string(uid)] = es
			return nil
		}); err != nil {
			return nil, nil, nil, err
		}
		out := map[string]EventSeq{}
		var staleUIDs [][]byte
		var staleHashes []string
		for uid, h := range hashes {
			es, ok := stored[uid]
			switch {
			case !ok:
				es = EventSeq{Seq: 0, Hash: h, Stamp: now}
			case es.Hash != h:
				es = EventSeq{Seq: es.Seq + 1, Hash: h, Stamp: now}
			default:
				out[uid] = es
				continue
			}
			out[uid] = es
			staleUIDs, staleHashes = append(staleUIDs, []byte(uid)), append(staleHashes, h)
		}
		return out, staleUIDs, staleHashes, nil
	}
	var out map[string]EventSeq
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		var staleUIDs [][]byte
		var staleHashes []string
		var err error
		if out, staleUIDs, staleHashes, err = read(ctx, tx); err != nil || len(staleUIDs) == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO feed_sequences AS f (calendar, uid, seq, hash, stamp)
			SELECT $1, u, 0, h, $4 FROM unnest($2::bytea[], $3::text[]) AS t (u, h)
			ON CONFLICT (calendar, uid) DO UPDATE SET seq = f.seq + 1, hash = excluded.hash, stamp = excluded.stamp
			WHERE f.hash <> excluded.hash`, []byte(cal), staleUIDs, staleHashes, now)
		if err != nil {
			return err
		}
		// what is stored now, this write's or a concurrent one's
		out, _, _, err = read(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ServerKey implements FeedStore: the row "server-key" of meta, drawn by the
// first call of any process.
func (s *PGStore) ServerKey() ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var key []byte
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('server-key', $1) ON CONFLICT (key) DO NOTHING", fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'server-key'").Scan(&key)
	})
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("the stored server key has %d bytes, not 32", len(key))
	}
	return key, nil
}

var (
	_ AuditLog  = (*PGStore)(nil)
	_ FeedStore = (*PGStore)(nil)
)
