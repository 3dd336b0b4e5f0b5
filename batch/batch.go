// Package batch replans every operation under a directory: the nightly batch.
//
// An operation is a folder holding problem.json, optionally plan.json (without it
// the first version is solved from scratch) and events/*.json (pending events, in
// file-name order). Each run writes a new version of every operation beside the old
// ones, under versions/NNNN/ (problem.json, plan.json, diff.json, report.json,
// events.json listing the event files it applied). A version directory is written
// whole in a temporary directory, synced to disk, then renamed into place: a run
// killed at any moment leaves every operation with its previous latest version
// complete, and nothing is ever overwritten. The latest version of an operation is
// its highest-numbered versions/NNNN directory, else problem.json and plan.json.
package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Options tune a run.
type Options struct {
	// Now is when the replans are made (default: the wall clock).
	Now time.Time
	// NowText, when set, is when the replans are made as replan --now reads it, in
	// each operation's own time zone: a date (local midnight), a local time
	// YYYY-MM-DDTHH:MM or an RFC 3339 time (see model.ParseMoment). It wins over Now.
	NowText string
	// Budget bounds the whole run (default 10 minutes); each operation gets a share.
	Budget time.Duration
	// Workers is how many operations are replanned at once (default 1); each uses
	// one core.
	Workers int
	// WorkLimit, when set, bounds each search (deterministic runs).
	WorkLimit int
	Seed      int64
	// Progress receives one call per finished operation (from one goroutine at a time).
	Progress func(done, total int, r Report)
}

// Report is what the run did to one operation.
type Report struct {
	Operation string `json:"operation"` // folder name
	// Status is "ok", "partial" (some interventions unplaced), "unchanged" (no
	// event, no appointment changed and none passed into the frozen period: no
	// version written), "error" or "skipped" (the budget ran out first).
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	Version int    `json:"version,omitempty"`
	// Events counts the events applied; Moved the appointments moved, of which
	// AnnouncedMoved had been announced.
	Events         int    `json:"events"`
	Moved          int    `json:"moved"`
	AnnouncedMoved int    `json:"announced_moved"`
	End            string `json:"end,omitempty"`
	Violations     int    `json:"hard_violations"`
	Unplaced       int    `json:"unplaced"`
	// StaysPlanned counts the relocation stays this run planned: all of them
	// at a first solve, those the events made needed at a replan.
	StaysPlanned int     `json:"stays_planned,omitempty"`
	Seconds      float64 `json:"seconds"`
}

// Operations lists the operation folders under dir (those holding problem.json),
// sorted by name.
func Operations(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "problem.json")); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Latest is an operation's latest complete version: its problem and plan (nil when
// none was ever made), its number (0 for the base files) and the event files already
// applied by some version.
type Latest struct {
	Version int
	Problem *model.Problem
	Plan    *model.Plan
	Applied map[string]bool
	Dir     string // where the problem and plan were read
}

// LoadLatest reads an operation folder's latest complete version.
func LoadLatest(op string) (*Latest, error) {
	l := &Latest{Applied: map[string]bool{}, Dir: op}
	vs, err := versions(op)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		var names []string
		if err := readJSON(filepath.Join(op, "versions", vdir(v), "events.json"), &names); err != nil {
			return nil, err
		}
		for _, n := range names {
			l.Applied[n] = true
		}
	}
	if len(vs) > 0 {
		l.Version = vs[len(vs)-1]
		l.Dir = filepath.Join(op, "versions", vdir(l.Version))
	}
	f, err := os.Open(filepath.Join(l.Dir, "problem.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if l.Problem, err = model.Decode(f); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(l.Dir, "problem.json"), err)
	}
	pf, err := os.Open(filepath.Join(l.Dir, "plan.json"))
	if errors.Is(err, os.ErrNotExist) && l.Version == 0 {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	if l.Plan, err = model.DecodePlan(pf); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(l.Dir, "plan.json"), err)
	}
	return l, nil
}

func vdir(v int) string { return fmt.Sprintf("%04d", v) }

// versions lists the complete version numbers of an operation, ascending.
func versions(op string) ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(op, "versions"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var vs []int
	for _, e := range ents {
		if !e.IsDir() || len(e.Name()) != 4 {
			continue // temporary directories of an interrupted run start with "."
		}
		if n, err := strconv.Atoi(e.Name()); err == nil && n > 0 {
			vs = append(vs, n)
		}
	}
	sort.Ints(vs)
	return vs, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// pending reads the event files not yet applied, in name order, as one document.
func pending(op string, applied map[string]bool) (*model.Events, []string, error) {
	ents, err := os.ReadDir(filepath.Join(op, "events"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	all := &model.Events{Format: model.EventsFormat, Events: []model.Event{}}
	var names []string
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || applied[e.Name()] {
			continue
		}
		f, err := os.Open(filepath.Join(op, "events", e.Name()))
		if err != nil {
			return nil, nil, err
		}
		ev, err := model.DecodeEvents(f)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("events/%s: %w", e.Name(), err)
		}
		all.Events = append(all.Events, ev.Events...)
		names = append(names, e.Name())
	}
	return all, names, nil
}

// Run replans every operation under dir and returns one report per operation, in
// name order. Only one run at a time may work on a directory (a lock file says so).
func Run(ctx context.Context, dir string, o Options) ([]Report, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Budget <= 0 {
		o.Budget = 10 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	// a folder with no operation is refused before anything is written in it
	if ops, err := Operations(dir); err != nil {
		return nil, err
	} else if len(ops) == 0 {
		return nil, fmt.Errorf("%s: no operation here (an operation is a folder holding problem.json)", dir)
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ops, err := Operations(dir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Budget)
	defer cancel()
	// each operation's share of the budget: the whole budget over the rounds of
	// operations that run side by side
	rounds := (len(ops) + o.Workers - 1) / o.Workers
	share := o.Budget / time.Duration(max(rounds, 1))
	reports := make([]Report, len(ops))
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := Report{Operation: ops[i], Status: "skipped"}
				if ctx.Err() == nil {
					r = one(ctx, filepath.Join(dir, ops[i]), o, share)
					r.Operation = ops[i]
				}
				reports[i] = r
				mu.Lock()
				done++
				if o.Progress != nil {
					o.Progress(done, len(ops), r)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range ops {
		next <- i
	}
	close(next)
	wg.Wait()
	return reports, nil
}

// one replans one operation and writes its new version.
func one(ctx context.Context, op string, o Options, limit time.Duration) Report {
	begin := time.Now()
	r := Report{Status: "error"}
	fail := func(err error) Report {
		r.Status, r.Error = "error", err.Error()
		r.Seconds = time.Since(begin).Seconds()
		return r
	}
	l, err := LoadLatest(op)
	if err != nil {
		return fail(err)
	}
	evs, names, err := pending(op, l.Applied)
	if err != nil {
		return fail(err)
	}
	r.Events = len(evs.Events)
	set := &scheduler.Settings{TimeLimit: limit, WorkLimit: o.WorkLimit, Seed: o.Seed, Workers: 1}
	if l.Plan == nil && len(evs.Events) > 0 {
		return fail(fmt.Errorf("events are pending but the operation has no plan to replan: add plan.json or remove the events"))
	}
	out, err := ReplanOne(ctx, l.Problem, l.Plan, evs, o.Moment, set)
	if err != nil {
		return fail(err)
	}
	r = out.Report
	if r.Status == "unchanged" {
		// the latest version stays; the next run starts from it with its own now
		r.Version = l.Version
		r.Seconds = time.Since(begin).Seconds()
		return r
	}
	files := map[string]any{"problem.json": out.Problem, "plan.json": out.Plan}
	if out.Diff != nil {
		files["diff.json"] = out.Diff
	}
	if names == nil {
		names = []string{}
	}
	files["events.json"] = names
	r.Version = l.Version + 1
	if r.Violations > 0 {
		// never make a plan that breaks a hard rule the latest: keep the previous one
		r.Version = l.Version
		return fail(fmt.Errorf("the new plan breaks %d hard rules (a bug): not written, version %d stays the latest", r.Violations, l.Version))
	}
	r.Seconds = time.Since(begin).Seconds()
	files["report.json"] = r
	if err := writeVersion(op, r.Version, files); err != nil {
		return fail(err)
	}
	return pendingWritten(op, r, l.Version, names)
}

// Outcome is what ReplanOne made of an operation.
type Outcome struct {
	Problem *model.Problem
	Plan    *model.Plan
	Diff    *model.Diff // nil after a first solve
	// Report has the figures and the status: ok, partial, or unchanged (nothing
	// worth a new version); Violations above zero is a bug, never to be stored.
	Report Report
}

// ReplanOne replans an operation's latest problem and plan with its pending
// events (evs, none when nil), its now read by moment in the operation's time
// zone; without a plan (none ever made) the problem is solved from scratch. It is
// "unchanged" when there were no events, no appointment changed and none passed
// into the frozen period (done, under way, inside the notice period): the latest
// version then stays. The nightly batch of a store (rehabplan batch --store)
// replans each operation through it, as the batch of a directory does.
func ReplanOne(ctx context.Context, p *model.Problem, plan *model.Plan, evs *model.Events, moment func(*model.Problem) (time.Time, error), set *scheduler.Settings) (*Outcome, error) {
	if evs == nil {
		evs = &model.Events{Format: model.EventsFormat, Events: []model.Event{}}
	}
	out := &Outcome{}
	r := &out.Report
	r.Events = len(evs.Events)
	if plan == nil {
		if len(evs.Events) > 0 {
			return nil, fmt.Errorf("events are pending but the operation has no plan to replan")
		}
		res, err := scheduler.Solve(ctx, p, set)
		if err != nil {
			return nil, err
		}
		// the problem the plan is for: its planned stays booked, as a replan
		// leaves it, so that the next night books nothing more
		out.Problem, out.Plan = res.Problem, res.Plan
		r.Violations, r.Unplaced = len(res.Violations), len(res.Plan.Unplaced)
		r.StaysPlanned = len(res.Plan.PlannedStays())
		if res.Status == scheduler.StatusComplete {
			r.End = res.Makespan.Format(time.RFC3339)
		}
	} else {
		now, err := moment(p)
		if err != nil {
			return nil, err
		}
		rr, err := scheduler.Replan(ctx, p, plan, evs, now, set)
		if err != nil {
			return nil, err
		}
		out.Problem, out.Plan, out.Diff = rr.Problem, rr.Plan, rr.Diff
		r.Violations, r.Unplaced = len(rr.Result.Violations), len(rr.Plan.Unplaced)
		r.Moved, r.AnnouncedMoved = rr.Diff.Summary.Moved, rr.Diff.Summary.AnnouncedMoved
		r.End = rr.Diff.Summary.NewEnd
		r.StaysPlanned = len(rr.NewStays)
		// a problem stored as given, beside a plan with planned stays (rehabplan
		// solve's output), books them at every replan (Replan books them, once):
		// that is no change
		if len(evs.Events) == 0 && len(rr.Diff.Changes) == 0 && len(rr.Result.Violations) == 0 && !statusesChanged(p, rr.Problem, plan) {
			r.Status = "unchanged"
			return out, nil
		}
	}
	r.Status = "ok"
	if r.Unplaced > 0 {
		r.Status = "partial"
	}
	return out, nil
}

// Moment is when the replans are made for an operation: NowText read in its
// time zone, else Now.
func (o Options) Moment(p *model.Problem) (time.Time, error) {
	if o.NowText == "" {
		return o.Now, nil
	}
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("operation.time_zone: %w", err)
	}
	now, err := model.ParseMoment(o.NowText, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("now: %w", err)
	}
	return now, nil
}

// pendingWritten is r, unless pending events are left without a new version to
// hold them: never "ok" then, but an error with the reason (the events would
// otherwise be applied again every night).
func pendingWritten(op string, r Report, was int, names []string) Report {
	if len(names) == 0 {
		return r
	}
	if r.Version <= was {
		r.Status, r.Error = "error", fmt.Sprintf("%d pending event files but no new version was written (version %d stays the latest)", len(names), was)
		return r
	}
	if _, err := os.Stat(filepath.Join(op, "versions", vdir(r.Version), "events.json")); err != nil {
		r.Status, r.Error = "error", fmt.Sprintf("%d pending event files but version %d does not hold them: %v", len(names), r.Version, err)
	}
	return r
}

// statusesChanged reports whether a replan changed an intervention's status or
// fixed times (the clock moved appointments into the frozen period): the new
// problem is then worth a version even when no appointment moved. The moves of
// plan's planned stays that old does not book yet are in new as booking them
// makes them (model.ApplyStays: planned, nothing fixed) unless they changed.
func statusesChanged(old, new *model.Problem, plan *model.Plan) bool {
	was := make(map[string]*model.Intervention, len(old.Interventions))
	for i := range old.Interventions {
		was[old.Interventions[i].ID] = &old.Interventions[i]
	}
	moves := map[string]bool{}
	if plan != nil {
		for _, st := range plan.PlannedStays() {
			moves[st.MoveOut], moves[st.MoveBack] = true, true
		}
	}
	booked := &model.Intervention{} // a move as booking its stay makes it
	seen := 0
	for i := range new.Interventions {
		n := &new.Interventions[i]
		o := was[n.ID]
		switch {
		case o != nil:
			seen++
		case moves[n.ID]:
			o = booked
		default:
			return true
		}
		if o.StatusOf() != n.StatusOf() || o.Pinned != n.Pinned || o.Crew != n.Crew || o.Pilot != n.Pilot || o.Start != n.Start || o.End != n.End {
			return true
		}
	}
	return seen != len(old.Interventions)
}

// writeVersion writes the files into versions/.tmp-NNNN-PID, syncs them, and
// renames the directory to versions/NNNN; the rename is the commit.
func writeVersion(op string, v int, files map[string]any) error {
	base := filepath.Join(op, "versions")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(base, fmt.Sprintf(".tmp-%s-%d", vdir(v), os.Getpid()))
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(files[n]); err != nil {
			return err
		}
		if err := writeSynced(filepath.Join(tmp, n), buf.Bytes()); err != nil {
			return err
		}
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	final := filepath.Join(base, vdir(v))
	if _, err := os.Stat(final); err == nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("version %d already exists: another run wrote it", v)
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	return syncDir(base)
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// lock takes DIR/.batch.lock for this process (released on return or on death);
// the release removes the file. A run that opened the file just before another
// removed it would lock a file no longer in the folder: the lock is taken only
// once the file locked is the one the folder holds.
func lock(dir string) (func(), error) {
	path := filepath.Join(dir, ".batch.lock")
	var f *os.File
	for {
		var err error
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: another batch run holds the lock", dir)
		}
		held, err1 := f.Stat()
		there, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, there) {
			break
		}
		f.Close() // removed by the run that held it: take the new one
	}
	// leftovers of interrupted runs are incomplete versions: clear them
	ops, _ := Operations(dir)
	for _, op := range ops {
		ents, _ := os.ReadDir(filepath.Join(dir, op, "versions"))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				os.RemoveAll(filepath.Join(dir, op, "versions", e.Name()))
			}
		}
	}
	return func() {
		os.Remove(path) // while still locked: see above
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// WriteReport writes the reports as a table for people.
func WriteReport(w io.Writer, rs []Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %-8s %7s %6s %6s %9s %5s %8s  %s\n", "operation", "status", "version", "events", "moved", "announced", "hard", "unplaced", "end")
	for _, r := range rs {
		end := r.End
		if end == "" {
			end = "-"
		}
		fmt.Fprintf(&b, "%-24s %-8s %7d %6d %6d %9d %5d %8d  %s", r.Operation, r.Status, r.Version, r.Events, r.Moved, r.AnnouncedMoved, r.Violations, r.Unplaced, end)
		if r.StaysPlanned > 0 {
			fmt.Fprintf(&b, "  (%d %s planned)", r.StaysPlanned, map[bool]string{true: "stay", false: "stays"}[r.StaysPlanned == 1])
		}
		if r.Error != "" {
			fmt.Fprintf(&b, "  (%s)", r.Error)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
