package httpapi

import (
	"math"
	"net/http"
)

// The weight of a work in the pool (pool.go) is an estimate of the memory it
// takes at its peak, in MiB, made before it starts from what the store tells
// without decoding anything: the stored size of the version it works on and
// whether that version has a plan (VersionSize).
//
// Calibration (a stored version with a plan is the problem and the plan; for
// problems of `rehabplan gen --dwellings N --seed 1`, the plan of a solve is
// 2.36 times the problem's bytes, so the problem is 1/3.36 of the version):
//
//	N      problem  version (problem+plan)
//	200    0.43 MB   1.44 MB
//	1000   2.13 MB   7.19 MB
//	3000   6.41 MB  21.49 MB
//
// peak RSS (KB, /usr/bin/time -f %M, one worker, under light load, 2026-12-04):
//
//	rehabplan solve pN.json --workers 1 --time-limit 10s -o planN.json:     52,796 / 188,576 / 601,644
//	rehabplan replan pN.json planN.json ev.json --now 2027-02-15 --work-limit 2 --workers 1 (ev.json:
//	  one crew_absent of 3 days):                                          61,428 / 242,772 / 762,180
//	rehabplan verify pN.json planN.json (decode and compile, as an
//	  explanation or the slots do):                                         43,892 / 157,492 / 484,300
//	decoding the version and encoding its plan (a scratch program; the
//	  reads of a whole version):                                            12,036 /  35,844 / 116,868
//
// which the formula below fits (within 3% at 200 and 5% at 3,000 dwellings; at
// 1,000, 7-10% over, reads 21% over): weight =
// base + perProblemMB × P + 5.5 × (S − P), S the version's stored MB, P its
// problem's (S / 3.36 with a plan, S without), the last term the decoded plan
// and diff, which the work holds beside its problem (the solve above decoded
// no plan: a solve of a version with a plan weighs that term more). Reads weigh
// 4 + 5.5 × S. The figures are
// each process's peak alone, garbage collector's headroom included: work that
// runs together under the memory limit shares one headroom, so the sum of the
// weights overestimates what they take together.
type workKind struct {
	base, perProblemMB float64
}

var (
	// workRead decodes a version and encodes an answer from it (a problem, a
	// plan, a feed, a workbook, a check of events).
	workRead = workKind{4, 5.5}
	// workCompile decodes a version and compiles its problem: explanations,
	// free slots.
	workCompile = workKind{12, 61}
	workSolve   = workKind{12, 92}
	workReplan  = workKind{12, 104}
)

// planToProblem is the stored version's bytes over its problem's when it has
// a plan (3.36: the plan is 2.36 times the problem, measured above).
const planToProblem = 3.36

// unknownSize is the size assumed when the store cannot tell it: a 1,000-
// dwelling operation's version with its plan.
var unknownSize = VersionSize{Bytes: 7_190_000, HasPlan: true}

// defaultWeight is the weight of a solve of unknownSize: the jobs forced into
// the pool (resumed, or taken from the shared queue) before their version is
// read.
var defaultWeight = unknownSize.weight(workSolve)

// VersionSize is what a store tells of a version without reading its
// documents: its stored bytes and whether it has a plan.
type VersionSize struct {
	Bytes   int64
	HasPlan bool
}

// versionSizer is a store that tells a version's size (BoltStore, PGStore).
type versionSizer interface {
	// VersionSize is version n's (0: the latest) of op's current incarnation;
	// ErrNotFound when there is no such version.
	VersionSize(op string, n int) (VersionSize, error)
}

// weight is the estimate of the memory (MiB) a work of kind k on a version of
// size vs takes.
func (vs VersionSize) weight(k workKind) int64 {
	s := float64(vs.Bytes) / 1e6
	p := s
	if vs.HasPlan {
		p = s / planToProblem
	}
	return int64(math.Ceil(k.base + k.perProblemMB*p + workRead.perProblemMB*(s-p)))
}

// weigh is the weight of a work of kind k on version n (0: the latest) of op:
// from the store's size of it, or unknownSize when the store cannot tell
// (an error here is left to the work's own read of the version).
func (s *Server) weigh(k workKind, op string, n int) int64 {
	vs := unknownSize
	if sz, ok := s.cfg.Store.(versionSizer); ok && op != "" {
		if got, err := sz.VersionSize(op, n); err == nil {
			vs = got
		}
	}
	return vs.weight(k)
}

// routeWeight is the weight of a heavy route's request: a read of the latest
// version of the operation it names, or of its body when that is larger (a
// problem created or replaced).
func (s *Server) routeWeight(r *http.Request) int64 {
	w := int64(0)
	if op := pathVars(r)["op"]; op != "" {
		w = s.weigh(workRead, op, 0)
	}
	if r.ContentLength > 0 {
		w = max(w, VersionSize{Bytes: r.ContentLength}.weight(workRead))
	}
	if w == 0 {
		w = unknownSize.weight(workRead)
	}
	return w
}

// poolReserveMiB is the memory a budget sized from a memory limit leaves to
// what the pool does not bound besides the answer cache: the idle service
// (about 20 MiB), the light requests and their connections, the store's pages.
const poolReserveMiB = 100

// PoolBudgetFor is the pool's budget (MiB) under a memory limit of limit
// bytes, the answer cache taking up to cache bytes of it: what is left once
// the cache and a reserve for the rest of the service are taken, at least 64
// MiB. 0 (no budget) when limit is 0 or math.MaxInt64 (none).
func PoolBudgetFor(limit, cache int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return 0
	}
	return max(64, limit>>20-cache>>20-poolReserveMiB)
}
