package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rehabplan/rehabplan/model"
)

// PGStore is the PostgreSQL store: the same contracts as BoltStore, shared by
// any number of processes on one database.
//
// Layout (migrations/*.sql): "operations" holds each operation's incarnation
// and latest version; "versions" every version of the current incarnation, its
// VersionInfo as columns and its document; "idempotency" the version each key
// (by its SHA-256) made on an incarnation, with the request's hash; "jobs" the
// jobs' records, which are also the job queue (queue_pg.go: who holds a running
// job and until when); "nights" each operation's nightly replan. Deleting an
// operation's row deletes its versions and keys (ON DELETE CASCADE).
//
// Documents (versions and job records) are bytea holding the JSON bbolt stores,
// not jsonb: the store reads them whole and never queries inside them (what it
// selects on is in columns), so jsonb would only cost a parse on every write and
// a re-serialisation on every read; and jsonb refuses a \u0000 in a string, which
// encoding/json writes and bbolt accepts, so a problem bbolt stores would fail
// here. bytea also keeps them byte for byte through an export and an import.
//
// The compare-and-set: every write runs at READ COMMITTED and first locks the
// operation's row (SELECT ... FOR UPDATE), then checks the incarnation, the
// idempotency key and the version, then writes, in one transaction. Writers on
// one operation thus queue on its row, and one that waited reads the row as the
// winner committed it: its base is then stale and it gets the *ConflictError
// with the current base (or ErrNotFound if the row was deleted), exactly as
// bbolt's single writer gives. SERIALIZABLE would give the same safety but
// answer a lost race with a serialisation failure (SQLSTATE 40001) to retry
// rather than the conflict itself, and cost predicate locks on every read.
// The final UPDATE is conditional on the base too, a second guard.
type PGStore struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	closed  atomic.Bool
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// The advisory lock's name: lockKey makes of it the lock's bigint key in the
// current schema, so that stores in two schemas of one database do not block
// each other. migrationLock is held while migrations are applied, so that
// several instances starting at once apply each one once. (Any number of
// services and workers share a database: the jobs are a queue, queue_pg.go.)
const migrationLock = "rehabplan migrations"

// lockKey is the SQL of an advisory lock's key, its name the parameter $1.
const lockKey = "hashtextextended($1 || ' in ' || current_schema(), 0)"

// OpenPostgres connects to the database at url (postgres://user:pass@host/db;
// a search_path parameter puts the tables in that schema) and applies the
// migrations it has not yet, under an advisory lock. A database migrated by a
// newer rehabplan (a migration this one does not know) is refused.
func OpenPostgres(url string) (*PGStore, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", redactURL(url), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", redactURL(url), err)
	}
	if err := pgMigrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store %s: %w", redactURL(url), err)
	}
	return &PGStore{pool: pool, timeout: time.Minute}, nil
}

// redactURL is url without its password, for error messages.
func redactURL(u string) string {
	cfg, err := pgx.ParseConfig(u)
	if err != nil || cfg.Password == "" {
		if i := strings.Index(u, "@"); i >= 0 {
			if j := strings.Index(u, "://"); j >= 0 && j < i {
				return u[:j+3] + "…" + u[i:]
			}
		}
		return u
	}
	for _, pw := range []string{cfg.Password, neturl.PathEscape(cfg.Password), neturl.QueryEscape(cfg.Password)} {
		u = strings.ReplaceAll(u, pw, "…")
	}
	return u
}

// migration is one file of migrations/: NNNN_name.sql, applied in NNNN order.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("migration %s: the name is not NNNN_name.sql", base)
		}
		data, err := migrationFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, name: base, sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// pgMigrate applies the migrations the database has not had, each in its own
// transaction with its row in schema_migrations, under migrationLock (held on one
// connection of the pool for the whole run).
func pgMigrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	var schema *string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if schema == nil {
		return errors.New("no schema to create the tables in: the search_path names none that exists (CREATE SCHEMA it first)")
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock("+lockKey+")", migrationLock); err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock("+lockKey+")", migrationLock)
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		name    text NOT NULL,
		applied timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	rows, _ := conn.Query(ctx, "SELECT version FROM schema_migrations")
	done, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range done {
		applied[int(v)] = true
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].version
	}
	for v := range applied {
		if v > known {
			return fmt.Errorf("the database has migration %d, newer than this rehabplan's last (%d): run a newer rehabplan", v, known)
		}
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// ctx bounds one call of the store.
func (s *PGStore) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

// update runs f in one READ COMMITTED transaction.
func (s *PGStore) update(f func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return f(ctx, tx) })
}

// pgHead reads op's base; lock takes its row lock for the transaction.
func pgHead(ctx context.Context, q pgx.Tx, op string, lock bool) (Base, error) {
	sql := "SELECT incarnation, version FROM operations WHERE id = $1"
	if lock {
		sql += " FOR UPDATE"
	}
	var b Base
	err := q.QueryRow(ctx, sql, op).Scan(&b.Incarnation, &b.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return Base{}, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	return b, err
}

// insertVersion writes v (numbered, stamped) as a row of versions.
func insertVersion(ctx context.Context, tx pgx.Tx, op string, v *Version) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	status := ""
	if v.Plan != nil {
		status = v.Plan.Status
	}
	_, err = tx.Exec(ctx, `INSERT INTO versions (operation, incarnation, number, created, kind, has_plan, status, document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, op, v.Incarnation, v.Number, v.Created, v.Kind, v.Plan != nil, status, data)
	return err
}

// CreateOperation implements Store.
func (s *PGStore) CreateOperation(op string, p *model.Problem) (*Version, error) {
	// timestamptz keeps microseconds: the version's time is that from the start,
	// so that its document and its VersionInfo agree
	v := &Version{Number: 1, Incarnation: newIncarnation(), Created: time.Now().UTC().Truncate(time.Microsecond), Kind: "created", Problem: p}
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "INSERT INTO operations (id, incarnation, version) VALUES ($1, $2, 1) ON CONFLICT (id) DO NOTHING", op, v.Incarnation)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("operation %q: %w", op, ErrExists)
		}
		return insertVersion(ctx, tx, op, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// pgLookupIdem is the version idem's key made on the incarnation (0 when none).
func pgLookupIdem(ctx context.Context, tx pgx.Tx, op, incarnation string, idem Idem) (int, error) {
	h := sha256.Sum256([]byte(idem.Key))
	var n int
	var req []byte
	err := tx.QueryRow(ctx, "SELECT version, request_sha256 FROM idempotency WHERE operation = $1 AND incarnation = $2 AND key_sha256 = $3",
		op, incarnation, h[:]).Scan(&n, &req)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(req, idem.Request[:]) {
		return 0, idemMismatch(op, idem.Key, n)
	}
	return n, nil
}

// idemMismatch is the ErrIdempotencyMismatch of a key reused with another
// request (the same text as BoltStore's).
func idemMismatch(op, k string, n int) error {
	if len(k) > 40 {
		k = k[:40] + "…"
	}
	return fmt.Errorf("operation %q: Idempotency-Key %q made version %d with another request: %w", op, k, n, ErrIdempotencyMismatch)
}

// pgAddVersion is AddVersion inside tx, its checks in BoltStore's order.
func pgAddVersion(ctx context.Context, tx pgx.Tx, op string, base Base, v *Version, idem Idem) (*Version, bool, error) {
	cur, headErr := pgHead(ctx, tx, op, true)
	if headErr != nil && !errors.Is(headErr, ErrNotFound) {
		return nil, false, headErr
	}
	if idem.Key != "" {
		if headErr != nil {
			return nil, false, headErr
		}
		if cur.Incarnation == base.Incarnation {
			n, err := pgLookupIdem(ctx, tx, op, cur.Incarnation, idem)
			if err != nil {
				return nil, false, err
			}
			if n > 0 {
				old, err := pgGetVersion(ctx, tx, op, n)
				return old, true, err
			}
		}
	}
	if base.Incarnation == "" {
		return nil, false, fmt.Errorf("operation %q: the write names no incarnation", op)
	}
	if headErr != nil {
		return nil, false, headErr
	}
	if cur.Incarnation != base.Incarnation {
		return nil, false, gone(op, base.Incarnation, cur)
	}
	if cur.Version != base.Version {
		return nil, false, &ConflictError{Operation: op, Base: base, Current: cur}
	}
	nv := *v
	nv.Number, nv.Incarnation, nv.Created = cur.Version+1, cur.Incarnation, time.Now().UTC().Truncate(time.Microsecond)
	tag, err := tx.Exec(ctx, "UPDATE operations SET version = $4 WHERE id = $1 AND incarnation = $2 AND version = $3", op, cur.Incarnation, cur.Version, nv.Number)
	if err != nil {
		return nil, false, err
	}
	if tag.RowsAffected() != 1 {
		// cannot happen under the row lock; refuse rather than write blind
		return nil, false, fmt.Errorf("operation %q: its row changed under a lock: %w", op, ErrConflict)
	}
	if err := insertVersion(ctx, tx, op, &nv); err != nil {
		return nil, false, err
	}
	if idem.Key != "" {
		h := sha256.Sum256([]byte(idem.Key))
		_, err := tx.Exec(ctx, "INSERT INTO idempotency (operation, incarnation, key_sha256, version, request_sha256) VALUES ($1, $2, $3, $4, $5)",
			op, nv.Incarnation, h[:], nv.Number, idem.Request[:])
		if err != nil {
			return nil, false, err
		}
	}
	return &nv, false, nil
}

// AddVersion implements Store.
func (s *PGStore) AddVersion(op string, base Base, v *Version, idem Idem) (*Version, bool, error) {
	var out *Version
	replayed := false
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		out, replayed, err = pgAddVersion(ctx, tx, op, base, v, idem)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

// Head implements Store.
func (s *PGStore) Head(op string) (Base, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var b Base
	err := s.pool.QueryRow(ctx, "SELECT incarnation, version FROM operations WHERE id = $1", op).Scan(&b.Incarnation, &b.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return Base{}, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	return b, err
}

// versionQuery reads version n (0: the latest) of op's current incarnation in
// one statement: the incarnation, and the document (NULL when no such version).
const versionQuery = `SELECT o.incarnation, v.document FROM operations o
	LEFT JOIN versions v ON v.operation = o.id AND v.incarnation = o.incarnation
		AND v.number = CASE WHEN $2 = 0 THEN o.version ELSE $2 END
	WHERE o.id = $1`

// querier is what pgxpool.Pool and pgx.Tx share for reads.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgGetVersion reads version n (0: the latest), stamped with its incarnation.
func pgGetVersion(ctx context.Context, q querier, op string, n int) (*Version, error) {
	var inc string
	var data []byte
	err := q.QueryRow(ctx, versionQuery, op, n).Scan(&inc, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
	}
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("stored version %d of operation %q: %w", n, op, err)
	}
	v.Incarnation = inc
	return &v, nil
}

// Latest implements Store.
func (s *PGStore) Latest(op string) (*Version, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	return pgGetVersion(ctx, s.pool, op, 0)
}

// Get implements Store.
func (s *PGStore) Get(op string, n int) (*Version, error) {
	if n <= 0 {
		return nil, fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	return pgGetVersion(ctx, s.pool, op, n)
}

// VersionSize tells version n's (0: the latest) stored size without reading
// it (versionSizer: the pool's weights).
func (s *PGStore) VersionSize(op string, n int) (VersionSize, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var size *int64
	var hasPlan *bool
	err := s.pool.QueryRow(ctx, `SELECT octet_length(v.document), v.has_plan FROM operations o
	LEFT JOIN versions v ON v.operation = o.id AND v.incarnation = o.incarnation
		AND v.number = CASE WHEN $2 = 0 THEN o.version ELSE $2 END
	WHERE o.id = $1`, op, max(0, n)).Scan(&size, &hasPlan)
	if errors.Is(err, pgx.ErrNoRows) {
		return VersionSize{}, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	if err != nil {
		return VersionSize{}, err
	}
	if size == nil || hasPlan == nil {
		return VersionSize{}, fmt.Errorf("operation %q version %d: %w", op, n, ErrNotFound)
	}
	return VersionSize{Bytes: *size, HasPlan: *hasPlan}, nil
}

// Versions implements Store.
func (s *PGStore) Versions(op string) ([]VersionInfo, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, _ := s.pool.Query(ctx, `SELECT v.number, v.incarnation, v.created, v.kind, v.has_plan, v.status
		FROM operations o JOIN versions v ON v.operation = o.id AND v.incarnation = o.incarnation
		WHERE o.id = $1 ORDER BY v.number`, op)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (VersionInfo, error) {
		var info VersionInfo
		err := r.Scan(&info.Number, &info.Incarnation, &info.Created, &info.Kind, &info.HasPlan, &info.Status)
		info.Created = info.Created.UTC()
		return info, err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	return out, nil
}

// Operations implements Store, in the byte order of the ids (as bbolt).
func (s *PGStore) Operations() ([]string, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, _ := s.pool.Query(ctx, `SELECT id FROM operations ORDER BY id COLLATE "C"`)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// DeleteOperation implements Store.
func (s *PGStore) DeleteOperation(op, incarnation string) error {
	return s.update(func(ctx context.Context, tx pgx.Tx) error {
		cur, err := pgHead(ctx, tx, op, true)
		if err != nil {
			return err
		}
		if incarnation != "" && incarnation != cur.Incarnation {
			return gone(op, incarnation, cur)
		}
		// the versions and idempotency keys go with the row (ON DELETE CASCADE)
		if _, err := tx.Exec(ctx, "DELETE FROM operations WHERE id = $1", op); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, "DELETE FROM jobs WHERE operation = $1 AND incarnation = $2 AND state <> 'running'", op, cur.Incarnation); err != nil {
			return err
		}
		// its running jobs are asked to stop: whoever holds one sees it at its
		// next renewal (its finish would find the operation gone anyway)
		_, err = tx.Exec(ctx, "UPDATE jobs SET cancel = true WHERE operation = $1 AND incarnation = $2 AND state = 'running'", op, cur.Incarnation)
		return err
	})
}

// Idempotent implements Store.
func (s *PGStore) Idempotent(op string, idem Idem) (int, error) {
	if idem.Key == "" {
		return 0, nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	h := sha256.Sum256([]byte(idem.Key))
	var n int
	var req []byte
	err := s.pool.QueryRow(ctx, `SELECT i.version, i.request_sha256 FROM operations o
		JOIN idempotency i ON i.operation = o.id AND i.incarnation = o.incarnation AND i.key_sha256 = $2
		WHERE o.id = $1`, op, h[:]).Scan(&n, &req)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(req, idem.Request[:]) {
		return 0, idemMismatch(op, idem.Key, n)
	}
	return n, nil
}

// nullTime is t, or NULL when t is the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// putJob writes a job's record (inserted or replaced).
func putJob(ctx context.Context, tx pgx.Tx, j *JobRecord) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	kind := j.Kind
	if kind == "" {
		kind = JobSolve
	}
	_, err = tx.Exec(ctx, `INSERT INTO jobs (id, operation, incarnation, state, started, ended, record, kind, night)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET operation = $2, incarnation = $3, state = $4, started = $5, ended = $6, record = $7`,
		j.ID, j.Operation, j.Incarnation, j.State, nullTime(j.Started), nullTime(j.Ended), data, kind, j.Night)
	return err
}

// PutJob implements Store.
func (s *PGStore) PutJob(j *JobRecord) error {
	return s.update(func(ctx context.Context, tx pgx.Tx) error { return putJob(ctx, tx, j) })
}

// FinishJob implements Store.
func (s *PGStore) FinishJob(j *JobRecord, v *Version) (*Version, error) {
	if j.State != "done" && j.State != "cancelled" {
		return nil, fmt.Errorf("job %s: finished as %q, not done or cancelled", j.ID, j.State)
	}
	var out *Version
	rec := *j
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		out, _, err = pgAddVersion(ctx, tx, j.Operation, Base{Incarnation: j.Incarnation, Version: j.Base}, v, j.idem())
		if err != nil {
			return err
		}
		rec.Version = out.Number
		return putJob(ctx, tx, &rec)
	})
	if err != nil {
		return nil, err
	}
	j.Version = out.Number
	return out, nil
}

// PruneJobs implements Store.
func (s *PGStore) PruneJobs(before time.Time) (int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	tag, err := s.pool.Exec(ctx, `DELETE FROM jobs WHERE state <> 'running'
		AND coalesce(ended, started, '-infinity'::timestamptz) < $1`, before)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// GetJob implements Store.
func (s *PGStore) GetJob(id string) (*JobRecord, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var data []byte
	err := s.pool.QueryRow(ctx, "SELECT record FROM jobs WHERE id = $1", id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	j := &JobRecord{}
	if err := json.Unmarshal(data, j); err != nil {
		return nil, fmt.Errorf("stored job %q: %w", id, err)
	}
	return j, nil
}

// Jobs implements Store, in the byte order of the ids (as bbolt).
func (s *PGStore) Jobs() ([]JobRecord, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, _ := s.pool.Query(ctx, `SELECT id, record FROM jobs ORDER BY id COLLATE "C"`)
	var out []JobRecord
	var id string
	var data []byte
	_, err := pgx.ForEachRow(rows, []any{&id, &data}, func() error {
		var j JobRecord
		if err := json.Unmarshal(data, &j); err != nil {
			return fmt.Errorf("stored job %q: %w", id, err)
		}
		out = append(out, j)
		return nil
	})
	return out, err
}

// Close implements Store. A second Close does nothing.
func (s *PGStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.pool.Close()
	return nil
}
