package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// startCPUProfile starts a CPU profile written to path; the function it returns
// stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// timings collects the wall time of a command's phases (--timings). A phase
// named "a: b" is a part of phase "a"; parts are reported before their whole.
type timings struct {
	start  time.Time
	phases []phaseTime
}

type phaseTime struct {
	name string
	d    time.Duration
}

func newTimings() *timings { return &timings{start: time.Now()} }

// add records a phase; a nil *timings records nothing.
func (t *timings) add(name string, d time.Duration) {
	if t != nil {
		t.phases = append(t.phases, phaseTime{name, d})
	}
}

// since records the time since t0 as phase name.
func (t *timings) since(name string, t0 time.Time) {
	if t != nil {
		t.add(name, time.Since(t0))
	}
}

// recorder is add as a function, or nil for a nil *timings.
func (t *timings) recorder() func(string, time.Duration) {
	if t == nil {
		return nil
	}
	return t.add
}

// write prints the phases as a tree (each whole before its parts, parts in the
// order they ended) in milliseconds, then the whole command's time.
func (t *timings) write(w io.Writer) {
	if t == nil {
		return
	}
	children := map[string][]phaseTime{}
	var top []phaseTime
	known := map[string]bool{}
	for _, p := range t.phases {
		known[p.name] = true
	}
	for _, p := range t.phases {
		if i := strings.LastIndex(p.name, ": "); i >= 0 && known[p.name[:i]] {
			children[p.name[:i]] = append(children[p.name[:i]], p)
			continue
		}
		top = append(top, p)
	}
	fmt.Fprintln(w, "timings (wall time, ms):")
	var walk func(ps []phaseTime, depth int, prefix string)
	walk = func(ps []phaseTime, depth int, prefix string) {
		for _, p := range ps {
			fmt.Fprintf(w, "%s%9.1f  %s\n", strings.Repeat("  ", depth), float64(p.d)/float64(time.Millisecond), strings.TrimPrefix(p.name, prefix))
			walk(children[p.name], depth+1, p.name+": ")
		}
	}
	walk(top, 0, "")
	fmt.Fprintf(w, "%9.1f  whole command (from the flags read)\n", float64(time.Since(t.start))/float64(time.Millisecond))
}

// readProblemTimed reads and decodes a problem without validating it (the
// caller validates it: scheduler.Solve does), the read and the decode timed.
func readProblemTimed(path string, tm *timings) (*model.Problem, error) {
	t0 := time.Now()
	data, err := readDocument(path, model.Format)
	if err != nil {
		return nil, err
	}
	tm.since("read", t0)
	t0 = time.Now()
	p, err := model.DecodeUnvalidated(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tm.since("decode", t0)
	return p, nil
}
