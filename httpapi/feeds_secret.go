package httpapi

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/rehabplan/rehabplan/model"
)

// Calendar feeds by secret URL: a pilot (or an admin) makes a feed for a
// household, a crew or a pilot of an operation; its URL, /v1/feeds/SECRET.ics,
// needs no bearer token, so that Google, Outlook or Apple calendars can subscribe
// to it. The secret is 32 random bytes, shown once; the store keeps its SHA-256.
// A feed is bound to the operation's incarnation (a deleted operation's feeds die
// with it) and can be revoked.

// Feed is a calendar feed's record, without its secret.
type Feed struct {
	ID          string     `json:"id"`
	Operation   string     `json:"operation"`
	Incarnation string     `json:"-"`
	Kind        string     `json:"kind"`
	Who         string     `json:"who"`
	Created     time.Time  `json:"created"`
	CreatedBy   string     `json:"created_by"`
	Revoked     *time.Time `json:"revoked,omitempty"`
}

// feedRecord is a feed as stored: the record, its incarnation and its secret's
// hash.
type feedRecord struct {
	Feed
	Incarnation string `json:"incarnation"`
	Hash        string `json:"hash"`
}

// EventSeq is what a calendar keeps of one event (a UID): its SEQUENCE, the
// content hash it was last served with, and when that content was first served
// (its DTSTAMP).
type EventSeq struct {
	Seq   int       `json:"seq"`
	Hash  string    `json:"hash"`
	Stamp time.Time `json:"stamp"`
}

// FeedStore keeps the calendar feeds, the events' sequence numbers and the
// server's secret key. It is apart from Store so that a store can add it without
// changing Store; BoltStore and PGStore implement it. A server whose store does not keeps
// them in memory (feeds and sequences are lost at a restart, and opaque ids change),
// and says so in its log at start.
type FeedStore interface {
	// PutFeed stores a new feed under hash, the hex SHA-256 of its secret.
	PutFeed(f Feed, hash string) error
	// FeedByHash returns the feed of that secret's hash (revoked or not);
	// ErrNotFound when none.
	FeedByHash(hash string) (*Feed, error)
	// Feeds lists operation op's feeds, revoked ones included, oldest first.
	Feeds(op string) ([]Feed, error)
	// RevokeFeed marks feed id of operation op revoked (at); ErrNotFound when op
	// has no such feed. Revoking a revoked feed changes nothing.
	RevokeFeed(op, id string, at time.Time) error
	// EventSequences takes the content hash of each event (by UID) of the
	// calendar cal and returns each event's sequence, in one transaction: an
	// unknown UID gets sequence 0, a UID whose hash changed its sequence plus
	// one, both stamped now and stored; a UID whose hash is the same keeps its
	// sequence and stamp.
	EventSequences(cal string, hashes map[string]string, now time.Time) (map[string]EventSeq, error)
	// ServerKey returns the server's secret key: 32 random bytes drawn at the
	// first call and kept.
	ServerKey() ([]byte, error)
}

var (
	bFeeds  = []byte("feeds")
	bFeedSq = []byte("feed-sequences")
	bMeta   = []byte("meta")
)

// PutFeed implements FeedStore: the bucket "feeds" maps a secret's hash to its
// feedRecord (JSON).
func (s *BoltStore) PutFeed(f Feed, hash string) error {
	data, err := json.Marshal(feedRecord{Feed: f, Incarnation: f.Incarnation, Hash: hash})
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bFeeds)
		if err != nil {
			return err
		}
		if b.Get([]byte(hash)) != nil {
			return fmt.Errorf("feed: %w", ErrExists)
		}
		return b.Put([]byte(hash), data)
	})
}

// FeedByHash implements FeedStore.
func (s *BoltStore) FeedByHash(hash string) (*Feed, error) {
	var f *Feed
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bFeeds)
		var data []byte
		if b != nil {
			data = b.Get([]byte(hash))
		}
		if data == nil {
			return fmt.Errorf("feed: %w", ErrNotFound)
		}
		var rec feedRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("stored feed: %w", err)
		}
		rec.Feed.Incarnation = rec.Incarnation
		f = &rec.Feed
		return nil
	})
	return f, err
}

// feedRecords calls fn on each feed of op, in tx.
func feedRecords(tx *bolt.Tx, op string, fn func(k []byte, rec *feedRecord) error) error {
	b := tx.Bucket(bFeeds)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, data []byte) error {
		var rec feedRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("stored feed: %w", err)
		}
		if rec.Operation != op {
			return nil
		}
		rec.Feed.Incarnation = rec.Incarnation
		return fn(k, &rec)
	})
}

// Feeds implements FeedStore.
func (s *BoltStore) Feeds(op string) ([]Feed, error) {
	out := []Feed{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return feedRecords(tx, op, func(_ []byte, rec *feedRecord) error {
			out = append(out, rec.Feed)
			return nil
		})
	})
	sortFeeds(out)
	return out, err
}

func sortFeeds(fs []Feed) {
	sort.Slice(fs, func(i, j int) bool {
		if !fs[i].Created.Equal(fs[j].Created) {
			return fs[i].Created.Before(fs[j].Created)
		}
		return fs[i].ID < fs[j].ID
	})
}

// RevokeFeed implements FeedStore.
func (s *BoltStore) RevokeFeed(op, id string, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var key []byte
		var found *feedRecord
		err := feedRecords(tx, op, func(k []byte, rec *feedRecord) error {
			if rec.ID == id {
				key, found = bytes.Clone(k), rec
			}
			return nil
		})
		if err != nil {
			return err
		}
		if found == nil {
			return fmt.Errorf("feed %q of operation %q: %w", id, op, ErrNotFound)
		}
		if found.Revoked != nil {
			return nil
		}
		found.Revoked = &at
		data, err := json.Marshal(found)
		if err != nil {
			return err
		}
		return tx.Bucket(bFeeds).Put(key, data)
	})
}

// EventSequences implements FeedStore: the bucket "feed-sequences" maps cal NUL
// UID to its EventSeq (JSON). A read that changes nothing writes nothing.
func (s *BoltStore) EventSequences(cal string, hashes map[string]string, now time.Time) (map[string]EventSeq, error) {
	var out map[string]EventSeq
	stale := false
	read := func(tx *bolt.Tx) error {
		out, stale = map[string]EventSeq{}, false
		b := tx.Bucket(bFeedSq)
		for uid, h := range hashes {
			var es EventSeq
			var data []byte
			if b != nil {
				data = b.Get([]byte(cal + "\x00" + uid))
			}
			if data == nil {
				es, stale = EventSeq{Seq: 0, Hash: h, Stamp: now}, true
			} else if err := json.Unmarshal(data, &es); err != nil {
				return fmt.Errorf("stored event sequence: %w", err)
			} else if es.Hash != h {
				es, stale = EventSeq{Seq: es.Seq + 1, Hash: h, Stamp: now}, true
			}
			out[uid] = es
		}
		return nil
	}
	if err := s.db.View(read); err != nil || !stale {
		return out, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := read(tx); err != nil {
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bFeedSq)
		if err != nil {
			return err
		}
		for uid, es := range out {
			data, err := json.Marshal(es)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(cal+"\x00"+uid), data); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ServerKey implements FeedStore: the bucket "meta" holds it as "server-key".
func (s *BoltStore) ServerKey() ([]byte, error) {
	var key []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		if k := b.Get([]byte("server-key")); len(k) == 32 {
			key = bytes.Clone(k)
			return nil
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		return b.Put([]byte("server-key"), key)
	})
	return key, err
}

// memFeeds is the FeedStore of a server whose store keeps none.
type memFeeds struct {
	mu     sync.Mutex
	byHash map[string]feedRecord
	seqs   map[string]EventSeq
	key    []byte
}

func newMemFeeds() *memFeeds {
	key := make([]byte, 32)
	rand.Read(key)
	return &memFeeds{byHash: map[string]feedRecord{}, seqs: map[string]EventSeq{}, key: key}
}

func (m *memFeeds) PutFeed(f Feed, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byHash[hash]; ok {
		return fmt.Errorf("feed: %w", ErrExists)
	}
	m.byHash[hash] = feedRecord{Feed: f, Incarnation: f.Incarnation, Hash: hash}
	return nil
}

func (m *memFeeds) FeedByHash(hash string) (*Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.byHash[hash]
	if !ok {
		return nil, fmt.Errorf("feed: %w", ErrNotFound)
	}
	return &rec.Feed, nil
}

func (m *memFeeds) Feeds(op string) ([]Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Feed{}
	for _, rec := range m.byHash {
		if rec.Operation == op {
			out = append(out, rec.Feed)
		}
	}
	sortFeeds(out)
	return out, nil
}

func (m *memFeeds) RevokeFeed(op, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for h, rec := range m.byHash {
		if rec.Operation == op && rec.ID == id {
			if rec.Revoked == nil {
				rec.Revoked = &at
				m.byHash[h] = rec
			}
			return nil
		}
	}
	return fmt.Errorf("feed %q of operation %q: %w", id, op, ErrNotFound)
}

func (m *memFeeds) EventSequences(cal string, hashes map[string]string, now time.Time) (map[string]EventSeq, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]EventSeq{}
	for uid, h := range hashes {
		es, ok := m.seqs[cal+"\x00"+uid]
		switch {
		case !ok:
			es = EventSeq{Seq: 0, Hash: h, Stamp: now}
		case es.Hash != h:
			es = EventSeq{Seq: es.Seq + 1, Hash: h, Stamp: now}
		}
		m.seqs[cal+"\x00"+uid] = es
		out[uid] = es
	}
	return out, nil
}

func (m *memFeeds) ServerKey() ([]byte, error) { return m.key, nil }

// feedRequest is the body of POST /v1/operations/{op}/feeds.
type feedRequest struct {
	// Kind is household, crew or pilot; Who the id of that household, crew or
	// pilot.
	Kind string `json:"kind"`
	Who  string `json:"who"`
}

// feedCreated answers the creation of a feed: the record, and the secret URL's
// path (shown this once: the server keeps only its hash).
type feedCreated struct {
	Feed
	Path string `json:"path"`
}

type feedsAnswer struct {
	Operation string `json:"operation"`
	Feeds     []Feed `json:"feeds"`
}

func (s *Server) createFeed(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	data, err := s.body(w, r)
	if err != nil {
		return err
	}
	var req feedRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return &apiError{Status: http.StatusBadRequest, Title: "invalid feed", Detail: "the body is not {\"kind\": ..., \"who\": ...}: " + err.Error()}
	}
	v, err := s.latestVersion(op)
	if err != nil {
		return err
	}
	if err := knownOwner(v.Problem, req.Kind, req.Who); err != nil {
		return err
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return err
	}
	tok := base64.RawURLEncoding.EncodeToString(secret[:])
	f := Feed{ID: newID(), Operation: op, Incarnation: v.Incarnation, Kind: req.Kind, Who: req.Who,
		Created: time.Now().UTC().Truncate(time.Second), CreatedBy: grantOf(r).ID}
	if err := s.feeds.PutFeed(f, secretHash(tok)); err != nil {
		return err
	}
	ans := feedCreated{Feed: f, Path: "/v1/feeds/" + tok + ".ics"}
	w.Header().Set("Location", ans.Path)
	return writeJSON(w, http.StatusCreated, ans)
}

func (s *Server) latestVersion(op string) (*Version, error) {
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		return nil, wrapStore(err, "operation %q", op)
	}
	return v, nil
}

func secretHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// knownOwner checks that a calendar's owner is in the problem.
func knownOwner(p *model.Problem, kind, who string) error {
	if kind != "household" && kind != "crew" && kind != "pilot" {
		return &apiError{Status: http.StatusBadRequest, Title: "invalid calendar kind", Detail: fmt.Sprintf("%q: household, crew or pilot", kind),
			Fields: []*model.FieldError{{Field: "kind", Msg: "household, crew or pilot"}}}
	}
	x := model.NewIndex(p)
	switch kind {
	case "household":
		if x.Households[who] == nil {
			return fmt.Errorf("household %q: %w", who, ErrNotFound)
		}
	case "crew":
		if x.Crews[who] == nil {
			return fmt.Errorf("crew %q: %w", who, ErrNotFound)
		}
	default:
		if x.Pilots[who] == nil {
			return fmt.Errorf("pilot %q: %w", who, ErrNotFound)
		}
	}
	return nil
}

func (s *Server) listFeeds(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	if _, err := s.cfg.Store.Head(op); err != nil {
		return wrapStore(err, "operation %q", op)
	}
	fs, err := s.feeds.Feeds(op)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, feedsAnswer{Operation: op, Feeds: fs})
}

func (s *Server) revokeFeed(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	if err := s.feeds.RevokeFeed(vars["op"], vars["feed"], time.Now().UTC().Truncate(time.Second)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// secretFeed serves a feed by its secret URL, without a bearer token: an unknown
// or revoked secret, or a feed of a deleted operation, is a 404 (nothing tells
// a guess apart). A feed that names households is audited, by the feed's id.
func (s *Server) secretFeed(w http.ResponseWriter, r *http.Request) error {
	tok := strings.TrimSuffix(pathVars(r)["secret"], ".ics")
	notFound := errorf(http.StatusNotFound, "no such feed", "the feed is unknown or revoked")
	if len(tok) > 128 {
		return notFound
	}
	f, err := s.feeds.FeedByHash(secretHash(tok))
	if errors.Is(err, ErrNotFound) || (err == nil && f.Revoked != nil) {
		return notFound
	}
	if err != nil {
		return err
	}
	v, err := s.latestPlanned(f.Operation)
	if errors.Is(err, ErrNotFound) || (err == nil && v.Incarnation != f.Incarnation) {
		return notFound
	}
	if err != nil {
		return err
	}
	g := &Grant{ID: "feed:" + f.ID, Role: "feed"}
	if err := s.auditFeed(r.WithContext(withGrant(r.Context(), g)), f.Operation, f.Kind, f.Who, "secretFeed"); err != nil {
		return err
	}
	body, err := s.ics(v, f.Operation, f.Kind, f.Who)
	if err != nil {
		return err
	}
	writeBody(w, http.StatusOK, "text/calendar; charset=utf-8", body)
	return nil
}
