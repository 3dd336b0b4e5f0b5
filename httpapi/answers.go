package httpapi

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// answerCache keeps the encoded answers of whole-version reads (a problem, a
// plan, a version), keyed by what they are, the operation, its incarnation and
// the version, within a budget of bytes, the least recently used dropped first.
// A version never changes once stored, so an entry is never stale; an operation
// deleted and created again is another incarnation, so another key. A read served
// from it decodes nothing and takes no slot of the pool.
type answerCache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	order  *list.List // of *cachedAnswer, most recent first
	byKey  map[string]*list.Element
}

type cachedAnswer struct {
	key  string
	body []byte
}

func newAnswerCache(budget int64) *answerCache {
	return &answerCache{budget: budget, order: list.New(), byKey: map[string]*list.Element{}}
}

func answerKey(what, op string, b Base) string {
	return what + "\x00" + op + "\x00" + b.Incarnation + "\x00" + strconv.Itoa(b.Version)
}

func (c *answerCache) get(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byKey[key]
	if e == nil {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedAnswer).body
}

// put keeps body unless it is over a quarter of the budget.
func (c *answerCache) put(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int64(len(body)) > c.budget/4 || c.byKey[key] != nil {
		return
	}
	c.byKey[key] = c.order.PushFront(&cachedAnswer{key, body})
	c.used += int64(len(body))
	for c.used > c.budget {
		last := c.order.Back()
		a := last.Value.(*cachedAnswer)
		c.order.Remove(last)
		delete(c.byKey, a.key)
		c.used -= int64(len(a.body))
	}
}

// servedVersion answers what of version b of op (a problem, a plan, a version)
// as JSON: from the answer cache, else, in a slot of the pool, read from the
// store, encoded by part and kept. header sets the answer's headers from the
// version (its number and incarnation). When answers differ by reader (a view
// that redacts by role and scope), what must name the view: the cache never
// gives one reader's answer to another.
func (s *Server) servedVersion(ctx context.Context, w http.ResponseWriter, what, op string, b Base, part func(*Version) any, header func(http.Header, Base)) error {
	key := answerKey(what, op, b)
	body := s.answers.get(key)
	if body == nil {
		release, err := s.pool.acquire(ctx)
		if err != nil {
			return err
		}
		defer release()
		v, err := s.version(op, b.Incarnation, b.Version)
		if err != nil {
			return err
		}
		if body, err = encodeAnswer(part(v)); err != nil {
			return err
		}
		s.answers.put(key, body)
	}
	header(w.Header(), b)
	writeBody(w, http.StatusOK, "application/json", body)
	return nil
}

// withETag sets the answer's ETag.
func withETag(h http.Header, b Base) { h.Set(hETag.name, etag(b)) }

// drop forgets the answers of operation op (it was deleted: its data goes).
func (c *answerCache) drop(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.byKey {
		if _, rest, _ := strings.Cut(key, "\x00"); strings.HasPrefix(rest, op+"\x00") {
			c.order.Remove(e)
			delete(c.byKey, key)
			c.used -= int64(len(e.Value.(*cachedAnswer).body))
		}
	}
}

// encodeAnswer is v's JSON as writeJSON writes it.
func encodeAnswer(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding the answer: %w", err)
	}
	return buf.Bytes(), nil
}

// warm encodes, in the background, what the reads after a write will ask of the
// version it stored: its problem, its plan and its calendar index, while the
// version is still in memory. One version is warmed at a time; a write that finds
// one warming leaves its version to be read (and kept) on the first read.
func (s *Server) warm(op string, v *Version) {
	select {
	case s.warming <- struct{}{}:
	default:
		return
	}
	go func() {
		defer func() { <-s.warming }()
		b := v.Base()
		if body, err := encodeAnswer(v.Problem); err == nil {
			s.answers.put(answerKey("problem", op, b), body)
		}
		if v.Plan == nil {
			return
		}
		if body, err := encodeAnswer(v.Plan); err == nil {
			s.answers.put(answerKey("plan", op, b), body)
		}
		s.calendars.put(calendarKey(op, b), newCalendarIndex(v))
	}()
}
