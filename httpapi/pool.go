package httpapi

import (
	"container/list"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// pool bounds the work that takes CPU or memory: solve jobs, replans, the reads
// that decode a whole version (a problem, a plan, a diff, an explanation, a
// calendar feed). Each work states its weight, an estimate of the memory it
// takes in MiB (weight.go), and is admitted when one of the size slots is free
// and its weight fits in what is left of the budget; work heavier than the
// whole budget is admitted alone (it waits until nothing else runs, and is
// never refused for its weight). A request that cannot be admitted waits in a
// queue of at most queue requests, for at most wait; a request that finds the
// queue full, or waits longer, is answered 429 with Retry-After. A solve job
// takes its weight for its whole run and never queues.
//
// The queue is first in, first out: work is admitted in the order it came, and
// a heavy request at the head holds back the lighter ones behind it until it
// fits, so that neither starves the other (as golang.org/x/sync/semaphore's
// Weighted does; this one adds the slots, the bounded queue with its wait, the
// work admitted alone and the forced work of resumed jobs).
type pool struct {
	size   int
	budget int64 // MiB; 0: none (only the slots bound the work)
	wait   time.Duration

	mu   sync.Mutex
	busy int   // work admitted (forced work included)
	used int64 // the weights of the work admitted
	// waiters are the work waiting, oldest first (*waiter)
	waiters         list.List
	queued, maxWait int
	// jobsWaiting counts the jobs waiting (await): not bounded
	jobsWaiting int
	// rejected counts the requests turned away (429)
	rejected int64
}

// waiter is one work waiting in the pool's queue: ready is closed when it is
// admitted.
type waiter struct {
	weight int64
	ready  chan struct{}
}

// newPool returns a pool of size slots without a budget: every work weighs 1.
func newPool(size, queue int, wait time.Duration) *pool {
	return newWeightedPool(size, queue, wait, 0)
}

// newWeightedPool returns a pool of size slots and budget MiB (0: none).
func newWeightedPool(size, queue int, wait time.Duration, budget int64) *pool {
	return &pool{size: size, budget: max(0, budget), maxWait: queue, wait: wait}
}

// errPoolFull is the error of work turned away by a full pool: a 429 with
// Retry-After.
type errPoolFull struct {
	size  int
	retry time.Duration
}

func (e errPoolFull) Error() string {
	return fmt.Sprintf("the server runs as much heavy work as its memory allows (at most %d requests or jobs), and as many wait: retry in %s", e.size, e.retry)
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
	return errPoolFull{size: p.size, retry: max(time.Second, p.wait)}
}

// clamp is the weight a work takes: at least 1, at most the budget (work
// heavier than the whole budget runs alone).
func (p *pool) clamp(w int64) int64 {
	w = max(1, w)
	if p.budget > 0 {
		w = min(w, p.budget)
	}
	return w
}

// fits says whether a work of weight w (clamped) can be admitted now; p.mu held.
func (p *pool) fits(w int64) bool {
	return p.busy < p.size && (p.budget == 0 || p.used+w <= p.budget)
}

// take admits a work of weight w; p.mu held.
func (p *pool) take(w int64) func() {
	p.busy++
	p.used += w
	return p.releaser(w)
}

// admitWaiters admits the waiters at the head of the queue while they fit, in
// their order; p.mu held.
func (p *pool) admitWaiters() {
	for e := p.waiters.Front(); e != nil; e = p.waiters.Front() {
		wt := e.Value.(*waiter)
		if !p.fits(wt.weight) {
			return
		}
		p.busy++
		p.used += wt.weight
		close(wt.ready)
		p.waiters.Remove(e)
	}
}

// acquire admits a work of weight w (MiB), waiting in the queue when there is
// room there. The release it returns gives the weight back (once).
func (p *pool) acquire(ctx context.Context, w int64) (release func(), err error) {
	return p.enqueue(ctx, w, false)
}

// await admits a work of weight w, waiting as long as it takes (or until ctx
// ends): the work of a job already acknowledged, which a full pool delays but
// never refuses. Its waiting counts in the queue's figure (stats), not against
// its bound.
func (p *pool) await(ctx context.Context, w int64) (release func(), err error) {
	return p.enqueue(ctx, w, true)
}

// enqueue admits a work of weight w at once when nothing waits and it fits,
// else waits for its turn: a job as long as it takes, a request at most p.wait
// and only when the queue has room.
func (p *pool) enqueue(ctx context.Context, w int64, job bool) (func(), error) {
	w = p.clamp(w)
	p.mu.Lock()
	if p.waiters.Len() == 0 && p.fits(w) {
		defer p.mu.Unlock()
		return p.take(w), nil
	}
	if !job && p.queued >= p.maxWait {
		p.mu.Unlock()
		return nil, p.full()
	}
	if job {
		p.jobsWaiting++
	} else {
		p.queued++
	}
	wt := &waiter{weight: w, ready: make(chan struct{})}
	e := p.waiters.PushBack(wt)
	p.mu.Unlock()
	var timeout <-chan time.Time
	if !job {
		t := time.NewTimer(p.wait)
		defer t.Stop()
		timeout = t.C
	}
	var err error
	select {
	case <-wt.ready:
	case <-timeout:
		err = errPoolFull{}
	case <-ctx.Done():
		err = ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if job {
		p.jobsWaiting--
	} else {
		p.queued--
	}
	admitted := false
	select {
	case <-wt.ready:
		admitted = true
	default:
	}
	switch {
	case admitted && (err == nil || ctx.Err() == nil):
		// admitted (perhaps as the wait ended: the work runs)
		return p.releaser(w), nil
	case admitted:
		// admitted as ctx ended: the weight goes back
		p.busy--
		p.used -= w
		p.admitWaiters()
		return nil, err
	}
	p.waiters.Remove(e)
	p.admitWaiters() // those behind it may fit now
	if ctx.Err() == nil {
		p.rejected++
		return nil, errPoolFull{size: p.size, retry: max(time.Second, p.wait)}
	}
	return nil, err
}

// releaser gives back the weight w of a work admitted (once).
func (p *pool) releaser(w int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			p.busy--
			p.used -= w
			p.admitWaiters()
			p.mu.Unlock()
		})
	}
}

// tryAcquire admits a work of weight w if it can run now, without queueing
// (solve jobs: a job waiting for a slot would hold its request); nor does it
// pass work already waiting.
func (p *pool) tryAcquire(w int64) (release func(), err error) {
	w = p.clamp(w)
	p.mu.Lock()
	if p.waiters.Len() == 0 && p.fits(w) {
		defer p.mu.Unlock()
		return p.take(w), nil
	}
	p.mu.Unlock()
	return nil, p.full()
}

// force admits a work of the default weight, beyond the slots and the budget
// when they are taken: resumed jobs, which were acknowledged before a restart,
// and the jobs a worker took from the shared queue. Its weight counts until
// the release it returns.
func (p *pool) force() func() {
	return p.forceWeight(defaultWeight)
}

// forceWeight is force of a work of weight w.
func (p *pool) forceWeight(w int64) func() {
	w = p.clamp(w)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.take(w)
}

// stats are the pool's figures for /metrics.
func (p *pool) stats() (size, busy, queued int, rejected int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size, p.busy, p.queued + p.jobsWaiting, p.rejected
}

// weights are the pool's budget (0: none) and the weight admitted, in MiB.
func (p *pool) weights() (budget, used int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.budget, p.used
}
