package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// slotFinders keeps the prepared slot finders (scheduler.SlotFinder) of the last
// few plan versions asked about: preparing one compiles the operation and lays
// its plan out (about 300 ms at 1,000 dwellings), after which an answer takes a
// few milliseconds. A finder answers at the moment it was prepared at: one made
// at the server's clock serves for slotFinderMaxAge, then the next request
// prepares another; one made at a moment the request names serves the requests
// that name the same moment. Requests that arrive while a finder is being
// prepared wait for it rather than prepare it again.
type slotFinders struct {
	mu      sync.Mutex
	entries []*slotEntry // least recently used first
}

// slotEntry is one finder, ready once ready is closed (then finder and loc, or
// err, are set).
type slotEntry struct {
	key    string // op, incarnation, version and the moment ("clock" for the server's)
	made   time.Time
	ready  chan struct{}
	finder *scheduler.SlotFinder
	loc    *time.Location
	err    error
}

const (
	// slotFindersKept bounds the finders kept (each holds a compiled operation:
	// tens of MB at 1,000 dwellings).
	slotFindersKept = 4
	// slotFinderMaxAge is how long a finder made at the server's clock serves:
	// its slots start after its moment, which must not lag the clock long.
	slotFinderMaxAge = 5 * time.Minute
)

// slotKey names the finder of version info of operation op at now (explicit: the
// request named it), or at the server's clock.
func slotKey(op string, info VersionInfo, now time.Time, explicit bool) string {
	at := "clock"
	if explicit {
		at = fmt.Sprint(now.UnixNano())
	}
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s", op, info.Incarnation, info.Number, at)
}

// get returns the entry of key that is still fresh, or a new one the caller must
// prepare (mine), kept at once so that others wait for it.
func (c *slotFinders) get(key string, now time.Time) (e *slotEntry, mine bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.entries {
		if x.key != key {
			continue
		}
		if strings.HasSuffix(key, "\x00clock") && now.Sub(x.made) > slotFinderMaxAge {
			c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
			break
		}
		c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), x)
		return x, false
	}
	e = &slotEntry{key: key, made: now, ready: make(chan struct{})}
	c.entries = append(c.entries, e)
	for len(c.entries) > slotFindersKept {
		c.entries = c.entries[1:]
	}
	return e, true
}

// forget removes e (its preparation failed: the next request tries again).
func (c *slotFinders) forget(e *slotEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.entries {
		if x == e {
			c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
			return
		}
	}
}

// drop forgets the finders of operation op (it was deleted: its data goes).
func (c *slotFinders) drop(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.entries[:0]
	for _, x := range c.entries {
		if !strings.HasPrefix(x.key, op+"\x00") {
			keep = append(keep, x)
		}
	}
	clear(c.entries[len(keep):])
	c.entries = keep
}

// slotFinder is the finder of version info of operation op at now (explicit) or
// at the server's clock, prepared in a slot of the pool when no fresh one is kept.
func (s *Server) slotFinder(r *http.Request, op string, info VersionInfo, now time.Time, explicit bool) (*slotEntry, error) {
	clock := time.Now()
	if !explicit {
		now = clock
	}
	for try := 0; ; try++ {
		e, mine := s.slotFinders.get(slotKey(op, info, now, explicit), clock)
		if mine {
			err := s.prepareSlots(r, op, info, now, e)
			if err != nil {
				e.err = err
				s.slotFinders.forget(e)
			}
			close(e.ready)
			return e, err
		}
		select {
		case <-e.ready:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		// the request that prepared it gave up (its client left, or the pool was
		// full for it): this one tries in its turn
		if e.err != nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) && try < 2 {
			continue
		}
		return e, e.err
	}
}

// prepareSlots prepares e's finder: the version decoded and compiled, in a slot
// of the pool.
func (s *Server) prepareSlots(r *http.Request, op string, info VersionInfo, now time.Time, e *slotEntry) error {
	release, err := s.pool.acquire(r.Context(), s.weigh(workCompile, op, info.Number))
	if err != nil {
		return err
	}
	defer release()
	v, err := s.version(op, info.Incarnation, info.Number)
	if err != nil {
		return err
	}
	f, err := scheduler.NewSlotFinder(v.Problem, v.Plan, now)
	if err != nil {
		return requestFailed("no slots", err)
	}
	e.finder, e.loc = f, v.Problem.Typed().Loc
	return nil
}
