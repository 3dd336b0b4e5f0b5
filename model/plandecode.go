package model

import (
	"strconv"
	"unicode/utf8"
)

// decodePlanFast reads a plan document written as rehabplan writes them: members
// named exactly as the tags, each once, strings without escapes, no null, nothing
// after the document but white space. It is encoding/json's strict decoding of
// such documents, without reflection; anything else (ok false) takes
// encoding/json, which gives the same result or the error.
func decodePlanFast(data []byte) (pl *Plan, ok bool) {
	s := &planScan{b: data}
	pl = &Plan{}
	if !s.object(planFields, func(k int) bool {
		switch k {
		case 0:
			pl.Format, ok = s.str()
		case 1:
			pl.Operation, ok = s.str()
		case 2:
			pl.Status, ok = s.str()
		case 3:
			pl.Seed, ok = s.int64()
		case 4:
			pl.Assignments, ok = planArray(s, assignmentFast)
		case 5:
			pl.Unplaced, ok = planArray(s, unplacedFast)
		case 6:
			pl.Score, ok = scoreFast(s)
		}
		return ok
	}) {
		return nil, false
	}
	s.ws()
	if s.i != len(s.b) {
		return nil, false
	}
	return pl, true
}

var (
	planFields       = []string{"format", "operation", "status", "seed", "assignments", "unplaced", "score"}
	assignmentFields = []string{"intervention", "crew", "pilot", "start", "end", "segments"}
	segmentFields    = []string{"start", "end"}
	unplacedFields   = []string{"intervention", "reasons"}
	reasonFields     = []string{"rule", "message"}
	scoreFields      = []string{"hard", "unplaced", "soft", "terms"}
	termFields       = []string{"goal", "value", "weight", "cost"}
)

func assignmentFast(s *planScan) (a Assignment, ok bool) {
	ok = s.object(assignmentFields, func(k int) (ok bool) {
		switch k {
		case 0:
			a.Intervention, ok = s.str()
		case 1:
			a.Crew, ok = s.str()
		case 2:
			a.Pilot, ok = s.str()
		case 3:
			a.Start, ok = s.str()
		case 4:
			a.End, ok = s.str()
		case 5:
			a.Segments, ok = planArray(s, func(s *planScan) (g Segment, ok bool) {
				ok = s.object(segmentFields, func(k int) (ok bool) {
					if k == 0 {
						g.Start, ok = s.str()
					} else {
						g.End, ok = s.str()
					}
					return ok
				})
				return g, ok
			})
		}
		return ok
	})
	return a, ok
}

func unplacedFast(s *planScan) (u Unplaced, ok bool) {
	ok = s.object(unplacedFields, func(k int) (ok bool) {
		if k == 0 {
			u.Intervention, ok = s.str()
			return ok
		}
		u.Reasons, ok = planArray(s, func(s *planScan) (r Reason, ok bool) {
			ok = s.object(reasonFields, func(k int) (ok bool) {
				if k == 0 {
					r.Rule, ok = s.str()
				} else {
					r.Message, ok = s.str()
				}
				return ok
			})
			return r, ok
		})
		return ok
	})
	return u, ok
}

func scoreFast(s *planScan) (*Score, bool) {
	sc := &Score{}
	ok := s.object(scoreFields, func(k int) (ok bool) {
		var n int64
		switch k {
		case 0:
			n, ok = s.int64()
			sc.Hard, ok = int(n), ok && n == int64(int(n))
		case 1:
			n, ok = s.int64()
			sc.Unplaced, ok = int(n), ok && n == int64(int(n))
		case 2:
			sc.Soft, ok = s.float()
		case 3:
			sc.Terms, ok = planArray(s, func(s *planScan) (t ScoreTerm, ok bool) {
				ok = s.object(termFields, func(k int) (ok bool) {
					switch k {
					case 0:
						t.Goal, ok = s.str()
					case 1:
						t.Value, ok = s.float()
					case 2:
						t.Weight, ok = s.float()
					case 3:
						t.Cost, ok = s.float()
					}
					return ok
				})
				return t, ok
			})
		}
		return ok
	})
	return sc, ok
}

// planArray reads an array (an empty one is an empty list, not nil).
func planArray[T any](s *planScan, elem func(*planScan) (T, bool)) ([]T, bool) {
	if !s.lit('[') {
		return nil, false
	}
	out := []T{}
	if s.lit(']') {
		return out, true
	}
	for {
		v, ok := elem(s)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.lit(']') {
			return out, true
		}
		if !s.lit(',') {
			return nil, false
		}
	}
}

type planScan struct {
	b []byte
	i int
}

func (s *planScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// lit skips white space and the byte c, if it comes next.
func (s *planScan) lit(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// object reads an object whose members are among fields, each at most once;
// member calls value with the member's index, the scanner at its value.
func (s *planScan) object(fields []string, member func(int) bool) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	var seen uint64
	for {
		s.ws()
		k, ok := s.str()
		if !ok {
			return false
		}
		f := -1
		for j, name := range fields {
			if name == k {
				f = j
				break
			}
		}
		if f < 0 || seen&(1<<f) != 0 || !s.lit(':') {
			return false
		}
		seen |= 1 << f
		s.ws()
		if !member(f) {
			return false
		}
		if s.lit('}') {
			return true
		}
		if !s.lit(',') {
			return false
		}
	}
}

// str reads a string without escapes or control characters, in valid UTF-8.
func (s *planScan) str() (string, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return "", false
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			v := s.b[start:j]
			if !ascii && !utf8.Valid(v) {
				return "", false
			}
			s.i = j + 1
			return string(v), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// number reads a JSON number literal; integer says it has no fraction nor exponent.
func (s *planScan) number() (lit string, integer, ok bool) {
	b, j := s.b, s.i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		digits()
	default:
		return "", false, false
	}
	integer = true
	if j < len(b) && b[j] == '.' {
		j++
		integer = false
		if !digits() {
			return "", false, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		integer = false
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return "", false, false
		}
	}
	lit = string(b[s.i:j])
	s.i = j
	return lit, integer, true
}

func (s *planScan) int64() (int64, bool) {
	lit, integer, ok := s.number()
	if !ok || !integer {
		return 0, false
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	return n, err == nil
}

func (s *planScan) float() (float64, bool) {
	lit, _, ok := s.number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(lit, 64)
	return f, err == nil
}
