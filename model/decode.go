package model

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxDocumentBytes bounds the size of a problem or plan document (absurd sizes are
// refused before parsing).
const MaxDocumentBytes = 64 << 20

// FieldError is one thing wrong with an input document: which field (a JSON path such
// as "interventions[12].duration"), of which entity (kind and id), and what.
type FieldError struct {
	Field  string // JSON path
	Entity string // "intervention", "crew", "dwelling", ... or "" for the document
	ID     string // the entity's id, when it has one
	Msg    string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Entity != "" {
		b.WriteString(" (")
		b.WriteString(e.Entity)
		if e.ID != "" {
			fmt.Fprintf(&b, " %q", e.ID)
		}
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// ErrInvalid is matched by errors.Is on every validation error.
var ErrInvalid = errors.New("invalid input")

// ValidationError lists every FieldError of a document, in document order.
type ValidationError struct {
	// Document names what was read: "problem" when empty, "plan", "events".
	Document string
	Errors   []*FieldError
}

func (e *ValidationError) Error() string {
	doc := e.Document
	if doc == "" {
		doc = "problem"
	}
	if len(e.Errors) == 1 {
		return "invalid " + doc + ": " + e.Errors[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s: %d errors:", doc, len(e.Errors))
	for _, fe := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Decode reads a problem document, refuses unknown fields and validates it.
// The error is a *ValidationError when the document is well-formed JSON but wrong.
func Decode(r io.Reader) (*Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode on a byte slice.
func DecodeBytes(data []byte) (*Problem, error) {
	p, err := decodeUnvalidated(data)
	if err != nil {
		return nil, err
	}
	if err := Validate(p); err != nil {
		return nil, err
	}
	return p, nil
}

// DecodeUnvalidated is Decode without the validation: Decode(r) is
// DecodeUnvalidated(r), then Validate on the problem (its error is Decode's). Until
// Validate accepts it, the problem must not be trusted: no result drawn from it may
// be shown.
func DecodeUnvalidated(r io.Reader) (*Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	return decodeUnvalidated(data)
}

func decodeUnvalidated(data []byte) (*Problem, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &ValidationError{Errors: []*FieldError{{Field: "(document)", Msg: fmt.Sprintf("larger than %d MiB", MaxDocumentBytes>>20)}}}
	}
	var p Problem
	if err := strictUnmarshal(data, &p); err != nil {
		return nil, &ValidationError{Errors: []*FieldError{{Field: "(document)", Msg: err.Error()}}}
	}
	return &p, nil
}

// DecodePlan reads a plan document (format "rehabplan-plan/v1").
func DecodePlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDocumentBytes {
		return nil, &ValidationError{Document: "plan", Errors: []*FieldError{{Field: "(document)", Msg: "plan too large"}}}
	}
	pl := &Plan{}
	if err := strictUnmarshal(data, pl); err != nil {
		return nil, &ValidationError{Document: "plan", Errors: []*FieldError{{Field: "(document)", Msg: err.Error()}}}
	}
	if pl.Format != PlanFormat {
		return nil, &ValidationError{Document: "plan", Errors: []*FieldError{{Field: "format", Msg: fmt.Sprintf("expected %q, got %q", PlanFormat, pl.Format)}}}
	}
	return pl, nil
}
