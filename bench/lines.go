package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on what the loaders accept, so that a malformed or hostile file gives an
// error instead of an enormous allocation or an overflowing time.
const (
	// MaxValue bounds every duration, demand and capacity.
	MaxValue = 1<<31 - 1
	// MaxTotalDuration bounds the sum of the durations of one instance, far below
	// solver.MaxTime.
	MaxTotalDuration = 1 << 40
	// maxLine bounds the length of one line.
	maxLine = 1 << 20
)

// ParseError is returned by every loader: the 1-based line (0 when the error is
// not about one line) and what was wrong or expected.
type ParseError struct {
	Format string // "jobshop", "flowshop", "rcpsp", "rcp", "bounds"
	Line   int
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", e.Format, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Format, e.Msg)
}

// line is one line of input with its 1-based number.
type line struct {
	no     int
	text   string
	fields []string
}

// readLines reads every line of r. Blank lines are kept (fields empty) so that
// callers decide whether they matter.
func readLines(format string, r io.Reader) ([]line, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var out []line
	for n := 1; sc.Scan(); n++ {
		t := sc.Text()
		out = append(out, line{no: n, text: t, fields: strings.Fields(t)})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{format, len(out) + 1, fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		return nil, &ParseError{format, len(out) + 1, err.Error()}
	}
	return out, nil
}

// atoi parses a field as an integer in [lo, hi]; what names it in the error.
func atoi(format string, ln line, field, what string, lo, hi int) (int, error) {
	v, err := strconv.Atoi(field)
	if err != nil {
		return 0, &ParseError{format, ln.no, fmt.Sprintf("%s: expected an integer, got %q", what, field)}
	}
	if v < lo || v > hi {
		return 0, &ParseError{format, ln.no, fmt.Sprintf("%s: %d is outside [%d, %d]", what, v, lo, hi)}
	}
	return v, nil
}

func errf(format string, no int, msg string, args ...any) error {
	return &ParseError{format, no, fmt.Sprintf(msg, args...)}
}

// endLine is the number reported for a missing line after the last one.
func endLine(ls []line) int {
	if len(ls) == 0 {
		return 1
	}
	return ls[len(ls)-1].no + 1
}
