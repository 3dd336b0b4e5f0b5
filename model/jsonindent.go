package model

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MarshalPlanIndent is json.MarshalIndent(p, "", "  "), byte for byte, written
// without reflection: plans of thousands of assignments are written at every solve
// and replan.
func MarshalPlanIndent(p *Plan) ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	w := &indentWriter{b: make([]byte, 0, 512+512*len(p.Assignments))}
	w.plan(p)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// MarshalDiffIndent is json.MarshalIndent(d, "", "  "), byte for byte.
func MarshalDiffIndent(d *Diff) ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	w := &indentWriter{b: make([]byte, 0, 1024+600*len(d.Changes))}
	w.diff(d)
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// indentWriter writes JSON as encoding/json's MarshalIndent with prefix "" and
// indent "  " does: one member or element per line, empty objects and arrays as
// {} and [], nil lists as null. Strings and floats that are not plain take
// encoding/json itself, so that escaping and number formats cannot differ.
type indentWriter struct {
	b     []byte
	depth int
	first []bool // per open object or array: nothing written in it yet
	err   error
}

func (w *indentWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *indentWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = append(w.first, true)
}

func (w *indentWriter) close(c byte) {
	w.depth--
	n := len(w.first) - 1
	empty := w.first[n]
	w.first = w.first[:n]
	if !empty {
		w.newline()
	}
	w.b = append(w.b, c)
}

// next starts a member or an element.
func (w *indentWriter) next() {
	n := len(w.first) - 1
	if !w.first[n] {
		w.b = append(w.b, ',')
	}
	w.first[n] = false
	w.newline()
}

// key starts a member; keys are plain ASCII.
func (w *indentWriter) key(k string) {
	w.next()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

// str writes a string as encoding/json does: printable ASCII other than " \\ < > &
// and valid UTF-8 other than U+2028 and U+2029 as they are; a string with anything
// else is written by encoding/json.
func (w *indentWriter) str(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !(r == utf8.RuneError && size == 1) && r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
		}
		b, err := json.Marshal(s)
		if err != nil && w.err == nil {
			w.err = err
		}
		w.b = append(w.b, b...)
		return
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

func (w *indentWriter) int(v int64) { w.b = strconv.AppendInt(w.b, v, 10) }

func (w *indentWriter) float(f float64) {
	b, err := json.Marshal(f)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, b...)
}

func (w *indentWriter) strField(k, v string) {
	w.key(k)
	w.str(v)
}

func (w *indentWriter) omitStr(k, v string) {
	if v != "" {
		w.strField(k, v)
	}
}

func (w *indentWriter) intField(k string, v int64) {
	w.key(k)
	w.int(v)
}

func (w *indentWriter) omitInt(k string, v int64) {
	if v != 0 {
		w.intField(k, v)
	}
}

func (w *indentWriter) plan(p *Plan) {
	w.open('{')
	w.strField("format", p.Format)
	w.strField("operation", p.Operation)
	w.strField("status", p.Status)
	w.intField("seed", p.Seed)
	w.key("assignments")
	if p.Assignments == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range p.Assignments {
			a := &p.Assignments[i]
			w.next()
			w.open('{')
			w.strField("intervention", a.Intervention)
			w.omitStr("crew", a.Crew)
			w.omitStr("pilot", a.Pilot)
			w.strField("start", a.Start)
			w.strField("end", a.End)
			if len(a.Segments) > 0 {
				w.key("segments")
				w.open('[')
				for _, sg := range a.Segments {
					w.next()
					w.open('{')
					w.strField("start", sg.Start)
					w.strField("end", sg.End)
					w.close('}')
				}
				w.close(']')
			}
			w.close('}')
		}
		w.close(']')
	}
	w.key("unplaced")
	if p.Unplaced == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range p.Unplaced {
			u := &p.Unplaced[i]
			w.next()
			w.open('{')
			w.strField("intervention", u.Intervention)
			w.key("reasons")
			if u.Reasons == nil {
				w.b = append(w.b, "null"...)
			} else {
				w.open('[')
				for _, r := range u.Reasons {
					w.next()
					w.open('{')
					w.strField("rule", r.Rule)
					w.strField("message", r.Message)
					w.close('}')
				}
				w.close(']')
			}
			w.close('}')
		}
		w.close(']')
	}
	if s := p.Score; s != nil {
		w.key("score")
		w.open('{')
		w.intField("hard", int64(s.Hard))
		w.intField("unplaced", int64(s.Unplaced))
		w.key("soft")
		w.float(s.Soft)
		if len(s.Terms) > 0 {
			w.key("terms")
			w.open('[')
			for _, t := range s.Terms {
				w.next()
				w.open('{')
				w.strField("goal", t.Goal)
				w.key("value")
				w.float(t.Value)
				w.key("weight")
				w.float(t.Weight)
				w.key("cost")
				w.float(t.Cost)
				w.close('}')
			}
			w.close(']')
		}
		w.close('}')
	}
	w.close('}')
}

func (w *indentWriter) slot(k string, s *Slot) {
	if s == nil {
		return
	}
	w.key(k)
	w.open('{')
	w.strField("start", s.Start)
	w.strField("end", s.End)
	w.omitStr("crew", s.Crew)
	w.omitStr("pilot", s.Pilot)
	w.close('}')
}

func (w *indentWriter) diff(d *Diff) {
	w.open('{')
	w.strField("format", d.Format)
	w.strField("operation", d.Operation)
	w.omitStr("now", d.Now)
	s := &d.Summary
	w.key("summary")
	w.open('{')
	w.intField("moved", int64(s.Moved))
	w.intField("announced_moved", int64(s.AnnouncedMoved))
	w.intField("crew_changed", int64(s.CrewChanged))
	w.intField("added", int64(s.Added))
	w.intField("cancelled", int64(s.Cancelled))
	w.intField("unplaced", int64(s.Unplaced))
	w.key("shift_hours")
	w.float(s.ShiftHours)
	w.omitStr("old_end", s.OldEnd)
	w.omitStr("new_end", s.NewEnd)
	w.close('}')
	w.key("changes")
	if d.Changes == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range d.Changes {
			c := &d.Changes[i]
			w.next()
			w.open('{')
			w.strField("intervention", c.Intervention)
			w.strField("kind", c.Kind)
			w.strField("dwelling", c.Dwelling)
			w.omitStr("household", c.Household)
			w.strField("trade", c.Trade)
			if c.Announced {
				w.key("announced")
				w.b = append(w.b, "true"...)
			}
			w.slot("old", c.Old)
			w.slot("new", c.New)
			w.omitInt("shift_minutes", int64(c.ShiftMinutes))
			w.omitStr("cause", c.Cause)
			w.close('}')
		}
		w.close(']')
	}
	w.key("recipients")
	if d.Recipients == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range d.Recipients {
			r := &d.Recipients[i]
			w.next()
			w.open('{')
			w.strField("kind", r.Kind)
			w.strField("id", r.ID)
			w.key("interventions")
			if r.Interventions == nil {
				w.b = append(w.b, "null"...)
			} else {
				w.open('[')
				for _, id := range r.Interventions {
					w.next()
					w.str(id)
				}
				w.close(']')
			}
			w.strField("notice", r.Notice)
			w.close('}')
		}
		w.close(']')
	}
	w.close('}')
}
