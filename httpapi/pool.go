package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// pool bounds the work that takes CPU or memory: solve jobs, replans, the reads
// that decode a whole version (a problem, a plan, a diff, an explanation, a
// calendar feed). It has size slots; a request that finds them all taken waits
// in a queue of at most queue requests, for at most wait; a request that finds
// the queue full, or waits longer, is answered 429 with Retry-After. A solve job
// takes a slot for its whole run and never queues.
type pool struct {
	slots chan struct{}
	wait  time.Duration

	mu              sync.Mutex
	queued, maxWait int
	// jobsWaiting counts the jobs waiting for a slot (await): not bounded
	jobsWaiting int
	// rejected counts the requests turned away (429)
	rejected int64
}

func newPool(size, queue int, wait time.Duration) *pool {
	return &pool{slots: make(chan struct{}, size), maxWait: queue, wait: wait}
}

// errPoolFull is the error of work turned away by a full pool: a 429 with
// Retry-After.
type errPoolFull struct {
	size  int
	retry time.Duration
}

func (e errPoolFull) Error() string {
	return fmt.Sprintf("the server runs %d heavy requests or jobs already, and as many wait: retry in %s", e.size, e.retry)
}

func (e errPoolFull) header() http.Header {
	return http.Header{"Retry-After": {strconv.Itoa(max(1, int(e.retry.Round(time.Second)/time.Second)))}}
}

// refused counts a request turned away with 429 for want of room: the pool's, or
// (PostgreSQL) the shared job queue's.
func (p *pool) refused() {
	p.mu.Lock()
	p.rejected++
	p.mu.Unlock()
}

func (p *pool) full() error {
	p.refused()
	return errPoolFull{size: cap(p.slots), retry: max(time.Second, p.wait)}
}

// acquire takes a slot, waiting in the queue when there is room there. The
// release it returns gives the slot back (once).
func (p *pool) acquire(ctx context.Context) (release func(), err error) {
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	default:
	}
	p.mu.Lock()
	if p.queued >= p.maxWait {
		p.mu.Unlock()
		return nil, p.full()
	}
	p.queued++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.queued--
		p.mu.Unlock()
	}()
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	case <-t.C:
		return nil, p.full()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// await takes a slot, waiting as long as it takes (or until ctx ends): the work
// of a job already acknowledged, which a full pool delays but never refuses.
// Its waiting counts in the queue's figure (stats), not against its bound.
func (p *pool) await(ctx context.Context) (release func(), err error) {
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	default:
	}
	p.mu.Lock()
	p.jobsWaiting++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.jobsWaiting--
		p.mu.Unlock()
	}()
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// tryAcquire takes a slot if one is free, without queueing (solve jobs: a job
// waiting for a slot would hold its request).
func (p *pool) tryAcquire() (release func(), err error) {
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	default:
		return nil, p.full()
	}
}

// force takes a slot beyond the size when none is free (resumed jobs, which were
// acknowledged before a restart): it returns a release that gives back whichever
// it took.
func (p *pool) force() func() {
	select {
	case p.slots <- struct{}{}:
		return p.releaser()
	default:
		return func() {}
	}
}

func (p *pool) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-p.slots }) }
}

// stats are the pool's figures for /metrics.
func (p *pool) stats() (size, busy, queued int, rejected int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return cap(p.slots), len(p.slots), p.queued + p.jobsWaiting, p.rejected
}
