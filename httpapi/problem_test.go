package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Every kind of error a handler may return gets its status, and the field errors
// of an invalid input keep their field, entity and id.
func TestAnswerError(t *testing.T) {
	invalid := &model.ValidationError{Document: "events", Errors: []*model.FieldError{
		{Field: "events[0].crew", Entity: "event", ID: "g", Msg: "unknown crew \"ghost\""},
		{Field: "events[1].id", Msg: "required"},
	}}
	cases := []struct {
		name       string
		err        error
		status     int
		title      string
		detail     string // "" : not checked
		fields     int
		unexpected bool
	}{
		{"unknown operation", fmt.Errorf("operation %q: %w", "x", ErrNotFound), 404, "not found", `operation "x": not found`, 0, false},
		{"unknown intervention", fmt.Errorf("explaining: %w", &scheduler.UnknownInterventionError{ID: "B1/x"}), 404, "not found", "", 0, false},
		{"already exists", fmt.Errorf("operation %q: %w", "x", ErrExists), 409, "already exists", "", 0, false},
		{"invalid input", fmt.Errorf("decoding: %w", invalid), 400, "invalid events", invalid.Errors[0].Error(), 2, false},
		{"invalid, matched by ErrInvalid only", fmt.Errorf("replan: %w", scheduler.ErrInvalid), 400, "invalid input", "", 0, false},
		{"events that do not fit", &apiError{Status: 422, Title: "events cannot be applied", Err: invalid}, 422, "events cannot be applied", invalid.Errors[0].Error(), 2, false},
		{"a conflict said by the handler", errorf(409, "not running", "job is %s", "done"), 409, "not running", "job is done", 0, false},
		{"a write on a stale base", fmt.Errorf("operation %q: %w", "x", &ConflictError{Operation: "x", Base: Base{"i", 2}, Current: Base{"i", 3}}), 409, "conflict", "", 0, false},
		{"an idempotency key reused", fmt.Errorf("operation %q: %w", "x", ErrIdempotencyMismatch), 422, "idempotency key reused", "", 0, false},
		{"too many jobs", errTooManyJobs{2}, 429, "too many jobs", "", 0, false},
		{"body too large", fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 10}), 413, "body too large", "at most 10 bytes", 0, false},
		{"unexpected", errors.New("disk on fire, household H001"), 500, "internal error", genericDetail, 0, true},
		{"a 500 a handler names keeps its cause to itself", &apiError{Status: 500, Title: "internal error", Err: errors.New("H001 secret")}, 500, "internal error", genericDetail, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ans, unexpected := answerError(tc.err)
			require.Equal(t, tc.status, ans.Status)
			require.Equal(t, tc.title, ans.Title)
			if tc.detail != "" {
				require.Equal(t, tc.detail, ans.Detail)
			}
			require.NotEmpty(t, ans.Detail)
			require.Len(t, ans.Fields, tc.fields)
			if tc.fields > 0 {
				require.Equal(t, *invalid.Errors[0], *ans.Fields[0])
			}
			require.Equal(t, tc.unexpected, unexpected)
			if tc.status >= 500 {
				require.NotContains(t, ans.Detail, "H001")
			}
		})
	}
}
