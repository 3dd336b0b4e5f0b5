package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// flagRule is one condition on a parsed flag's value.
type flagRule struct {
	name  string // without dashes
	value any
	bad   bool
	want  string
}

// positive: a duration above zero.
func positive(name string, d time.Duration) flagRule {
	return flagRule{name, d, d <= 0, "a positive duration such as 10s or 2m"}
}

// notNegative: a duration of zero (the default it stands for) or more.
func notNegative(name string, d time.Duration) flagRule {
	return flagRule{name, d, d < 0, "a duration such as 10s or 2m, or 0 for the default"}
}

// atLeast: an integer of at least min.
func atLeast(name string, n, min int) flagRule {
	return flagRule{name, n, n < min, fmt.Sprintf("a whole number of at least %d", min)}
}

// noTimeLimit is the time limit of a search run with --work-limit and without
// --time-limit (--budget for batch): the largest duration, so that the work limit
// alone ends the run and a seed and a work limit give the same plan on a loaded
// machine as on an idle one. Ctrl-C still stops it with the best plan found.
const noTimeLimit = bench.NoTimeLimit

// workTimeLimit is the time limit a command's search runs with: limit, the value
// of its time flag timeFlag, unless a work limit is given (work > 0) and timeFlag
// is not, which is noTimeLimit. An explicit timeFlag always applies.
func workTimeLimit(fs *flag.FlagSet, timeFlag string, limit time.Duration, work int) time.Duration {
	if work <= 0 {
		return limit
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == timeFlag })
	if given {
		return limit
	}
	return noTimeLimit
}

// The searches the commands run, replaced by the test of the settings the
// commands' flags yield (TestWorkLimitSettings).
var (
	solveSearch    = scheduler.Solve
	replanSearch   = scheduler.Replan
	benchReplanRun = bench.RunReplan
	batchRun       = batch.Run
)

// checkFlags says on stderr what is wrong with the first flag that breaks its rule
// ("rehabplan: --time-limit -1s: want a positive duration ..."), and whether all
// hold.
func checkFlags(stderr io.Writer, rules ...flagRule) bool {
	for _, r := range rules {
		if r.bad {
			fmt.Fprintf(stderr, "rehabplan: --%s %v: want %s\n", r.name, r.value, r.want)
			return false
		}
	}
	return true
}

// flagHint is a hint for a flag error, or "".
func flagHint(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	// invalid value "5" for flag -time-limit: parse error
	if v, rest, ok := strings.Cut(strings.TrimPrefix(msg, "invalid value "), " for flag -"); ok && strings.HasPrefix(msg, "invalid value ") {
		name, _, _ := strings.Cut(rest, ":")
		if f := fs.Lookup(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok && isDuration(g.Get()) {
				if n, err := strconv.Unquote(v); err == nil {
					if _, err := strconv.ParseFloat(n, 64); err == nil {
						return fmt.Sprintf("; a duration needs its unit: %ss, %sm or %sh", n, n, n)
					}
				}
				return "; a duration is written like 30s, 5m or 1h30m"
			}
		}
	}
	// flag provided but not defined: -timelimit
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		best := ""
		fs.VisitAll(func(f *flag.Flag) {
			if best == "" && (strings.ReplaceAll(f.Name, "-", "") == strings.ReplaceAll(name, "-", "") ||
				strings.HasPrefix(f.Name, name) || strings.HasPrefix(name, f.Name)) {
				best = f.Name
			}
		})
		if best != "" {
			return fmt.Sprintf("; did you mean --%s?", best)
		}
	}
	return ""
}

func isDuration(v any) bool { _, ok := v.(time.Duration); return ok }

// noArguments says on stderr that a command takes no positional argument.
func noArguments(stderr io.Writer, cmd string, pos []string) bool {
	if len(pos) == 0 {
		return true
	}
	fmt.Fprintf(stderr, "rehabplan %s: unexpected argument %q (see rehabplan %s --help)\n", cmd, pos[0], cmd)
	return false
}

// documentKinds names the formats rehabplan reads, for the hint when one is given
// where another is expected.
var documentKinds = map[string]string{
	model.Format:       "a problem",
	model.PlanFormat:   "a plan",
	model.EventsFormat: "events",
}

// wrongDocument is an error when data is a rehabplan document of another format
// than want (its "format" field), or nil.
func wrongDocument(data []byte, want string) error {
	var head struct {
		Format string `json:"format"`
	}
	if json.Unmarshal(data, &head) != nil || head.Format == want {
		return nil
	}
	if kind, ok := documentKinds[head.Format]; ok {
		return fmt.Errorf("this is %s (format %q), where %s (format %q) is expected", kind, head.Format, documentKinds[want], want)
	}
	return nil
}

// progressLine returns a Settings.Progress that keeps one line on a terminal up
// to date with the best plan so far (its end, its unplaced count, the time), and
// a function that clears the line; when stderr is not a terminal, both do nothing.
func progressLine(stderr io.Writer) (func(scheduler.Progress), func()) {
	if !isTerminal(stderr) {
		return nil, func() {}
	}
	var last time.Time
	shown := false
	return func(p scheduler.Progress) {
			if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
				last, shown = now, true
				fmt.Fprintf(stderr, "\r\033[Ksearching: best end %s, %d unplaced, %.1f s", p.End.Format("2006-01-02 15:04"), p.Score.Unplaced, p.Elapsed.Seconds())
			}
		}, func() {
			if shown {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
}
