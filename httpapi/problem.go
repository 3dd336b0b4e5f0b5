package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// handlerFunc is every route's handler: it writes its answer, or returns an error
// that answerError turns into an RFC 9457 problem. A handler that returns an error
// has written nothing.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// apiError is an error that knows its answer. Handlers return one for what only
// they can name (a conflict, a bad path segment); errors of the store and of
// scheduler are mapped by answerError without one.
type apiError struct {
	Status int
	Title  string
	// Detail, when empty, is Err's message.
	Detail string
	// Fields, when empty, are Err's field errors when it is a
	// *model.ValidationError (scheduler.InvalidProblemError).
	Fields []*model.FieldError
	// Issues are errors already written as the answer lists them (a workbook's
	// cells), after Fields.
	Issues []fieldIssue
	// Header holds headers of the answer (WWW-Authenticate).
	Header http.Header
	Err    error
}

func (e *apiError) Error() string {
	msg := e.Title
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *apiError) Unwrap() error { return e.Err }

func errorf(status int, title, format string, args ...any) *apiError {
	return &apiError{Status: status, Title: title, Detail: fmt.Sprintf(format, args...)}
}

// fieldError is a 400 about one field (a query parameter, a path segment).
func fieldError(title string, fe *model.FieldError) *apiError {
	return &apiError{Status: http.StatusBadRequest, Title: title, Detail: fe.Error(), Fields: []*model.FieldError{fe}}
}

// problemBody is an RFC 9457 problem document, with the field errors of an invalid
// input as the extension member "errors".
type problemBody struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldIssue `json:"errors,omitempty"`
}

// fieldIssue is one field error of a problem: the JSON path (or the query
// parameter), the entity's kind and id, and what is wrong. An error of an
// uploaded workbook also names its sheet, row, column and cell, the value found
// and what was expected (cellIssue).
type fieldIssue struct {
	Field    string `json:"field"`
	Entity   string `json:"entity,omitempty"`
	ID       string `json:"id,omitempty"`
	Detail   string `json:"detail"`
	Sheet    string `json:"sheet,omitempty"`
	Row      int    `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Cell     string `json:"cell,omitempty"`
	Value    string `json:"value,omitempty"`
	Expected string `json:"expected,omitempty"`
}

// genericDetail is all a client learns of an unexpected failure.
const genericDetail = "the request failed; it is logged"

// answerError maps err to its answer. The order matters: an apiError says what it
// is; then the typed errors of the store and of scheduler; anything else is a 500
// whose detail says nothing of the cause (unexpected is true then: it is logged).
func answerError(err error) (ans *apiError, unexpected bool) {
	var ae *apiError
	var ve *model.ValidationError
	var mbe *http.MaxBytesError
	var tooMany errTooManyJobs
	var full errPoolFull
	var stale errPreconditionFailed
	switch {
	case errors.As(err, &ae):
		ans = &apiError{Status: ae.Status, Title: ae.Title, Detail: ae.Detail, Fields: ae.Fields, Issues: ae.Issues, Header: ae.Header}
		switch {
		case ans.Status >= 500:
			// the cause is logged, not told
			ans.Detail = orDefault(ans.Detail, genericDetail)
		case ans.Detail == "" && len(ans.Fields) == 0 && errors.As(ae.Err, &ve) && len(ve.Errors) > 0:
			ans.Detail, ans.Fields = ve.Errors[0].Error(), ve.Errors
		case ans.Detail == "" && ae.Err != nil:
			ans.Detail = ae.Err.Error()
		}
		return ans, false
	case errors.As(err, &mbe):
		return errorf(http.StatusRequestEntityTooLarge, "body too large", "at most %d bytes", mbe.Limit), false
	case errors.As(err, &ve):
		detail := ve.Error()
		if len(ve.Errors) > 0 {
			detail = ve.Errors[0].Error()
		}
		return &apiError{Status: http.StatusBadRequest, Title: "invalid " + orDefault(ve.Document, "problem"), Detail: detail, Fields: ve.Errors}, false
	case isInvalid(err):
		return &apiError{Status: http.StatusBadRequest, Title: "invalid input", Detail: err.Error()}, false
	case errors.Is(err, ErrNotFound), errors.Is(err, scheduler.ErrUnknownIntervention):
		return &apiError{Status: http.StatusNotFound, Title: "not found", Detail: err.Error()}, false
	case errors.Is(err, ErrExists):
		return &apiError{Status: http.StatusConflict, Title: "already exists", Detail: err.Error()}, false
	case errors.Is(err, ErrConflict):
		return &apiError{Status: http.StatusConflict, Title: "conflict", Detail: err.Error()}, false
	case errors.Is(err, ErrIdempotencyMismatch):
		// draft-ietf-httpapi-idempotency-key-header: a key reused with another payload is a 422
		return &apiError{Status: http.StatusUnprocessableEntity, Title: "idempotency key reused", Detail: err.Error()}, false
	case errors.As(err, &tooMany):
		return &apiError{Status: http.StatusTooManyRequests, Title: "too many jobs", Detail: err.Error(), Header: http.Header{"Retry-After": {"10"}}}, false
	case errors.As(err, &full):
		return &apiError{Status: http.StatusTooManyRequests, Title: "server busy", Detail: err.Error(), Header: full.header()}, false
	case errors.As(err, &stale):
		return &apiError{Status: http.StatusPreconditionFailed, Title: "precondition failed", Detail: err.Error()}, false
	}
	return &apiError{Status: http.StatusInternalServerError, Title: "internal error", Detail: genericDetail}, true
}

// writeError answers err as a problem. An unexpected error is logged with the
// route and its root cause only: the outer messages name the operation's
// entities, and households' data stays out of the logs.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, route string, err error) {
	ans, unexpected := answerError(err)
	if unexpected || ans.Status >= 500 {
		cause := rootCause(err)
		s.cfg.Logger.Error("request failed", "method", r.Method, "route", route, "status", ans.Status,
			"cause_type", fmt.Sprintf("%T", cause), "cause", cause.Error())
	}
	writeProblem(w, ans)
}

// rootCause is the innermost error err wraps (the first one, for joined errors).
func rootCause(err error) error {
	for {
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			if next := u.Unwrap(); next != nil {
				err = next
				continue
			}
		case interface{ Unwrap() []error }:
			if next := u.Unwrap(); len(next) > 0 && next[0] != nil {
				err = next[0]
				continue
			}
		}
		return err
	}
}

// writeProblem writes an RFC 9457 problem document.
func writeProblem(w http.ResponseWriter, e *apiError) {
	body := problemBody{Type: "about:blank", Title: e.Title, Status: e.Status, Detail: e.Detail}
	for _, fe := range e.Fields {
		body.Errors = append(body.Errors, fieldIssue{Field: fe.Field, Entity: fe.Entity, ID: fe.ID, Detail: fe.Msg})
	}
	body.Errors = append(body.Errors, e.Issues...)
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	data, err := json.Marshal(body)
	if err != nil { // strings and ints only: cannot happen
		data = []byte(`{"type":"about:blank","title":"internal error","status":500}`)
	}
	writeBody(w, e.Status, "application/problem+json", append(data, '\n'))
}

// writeJSON encodes v, indented, then writes the status and the body: an encoding
// error is returned before anything is written, so that it is answered as a 500.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the answer: %w", err)
	}
	writeBody(w, status, "application/json", buf.Bytes())
	return nil
}

// writeBody writes a body already made: content type, length, status, bytes. An
// error writing to the client is not answered (the status is out).
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// isInvalid says whether err is an invalid input (a problem, plan or events
// document, or the events applied to a problem).
func isInvalid(err error) bool { return errors.Is(err, scheduler.ErrInvalid) }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
