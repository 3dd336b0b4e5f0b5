package httpapi

import (
	"bytes"
	"container/list"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// answerCache keeps the encoded answers of whole-version reads (a problem, a
// plan, a version), keyed by the operation, its incarnation, the version, what
// they are and the view they were redacted for, within a budget of bytes, the
// least recently used dropped first.
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

func answerKey(op string, b Base, what string, vw *view) string {
	return op + "\x00" + b.Incarnation + "\x00" + strconv.Itoa(b.Version) + "\x00" + what + "\x00" + vw.cacheKey()
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
// as JSON, as the request's view (its role and crews) sees it: from the answer
// cache, else, in a slot of the pool, read from the store, redacted by part,
// encoded and kept. The view is part of the key, so the cache never gives one
// reader's answer to another. When audit names a route, the read is recorded in
// the audit log first, whether the answer comes from the cache or not. header
// sets the answer's headers from the version (its number and incarnation).
func (s *Server) servedVersion(w http.ResponseWriter, r *http.Request, what, op string, b Base, audit string, part func(*Version, *view) any, header func(http.Header, Base)) error {
	if audit != "" {
		if err := s.audited(r, op, "*", audit); err != nil {
			return err
		}
	}
	key := answerKey(op, b, what, s.viewFor(r, op, nil))
	body := s.answers.get(key)
	if body == nil {
		release, err := s.pool.acquire(r.Context(), s.weigh(workRead, op, b.Version))
		if err != nil {
			return err
		}
		defer release()
		v, err := s.version(op, b.Incarnation, b.Version)
		if err != nil {
			return err
		}
		if body, err = encodeAnswer(part(v, s.viewFor(r, op, profileIDs(v.Problem)))); err != nil {
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
		if strings.HasPrefix(key, op+"\x00") {
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
