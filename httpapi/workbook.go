package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/rehabplan/rehabplan/sheets"
)

// Spreadsheets over HTTP: an operation created or replaced from a filled
// template (POST /v1/operations, PUT /v1/operations/{op} with the workbook's
// content type), and the plan as a workbook (GET .../plan with Accept naming
// it), redacted for the reader's role as the JSON plan is.

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// defaultMaxWorkbook bounds an uploaded workbook when the configuration does not:
// a filled template of 1,000 dwellings is well under 1 MiB.
const defaultMaxWorkbook = 16 << 20

// workbookBody is the request body of a workbook upload, in the OpenAPI document.
var workbookBody = content{mediaType: xlsxType, schema: map[string]any{"type": "string", "format": "binary",
	"description": "a workbook written by rehabplan template, filled in (its sheets and columns as the template names them)"}}

// workbookAnswer is the plan as a workbook, in the OpenAPI document.
var workbookAnswer = content{mediaType: xlsxType, schema: map[string]any{"type": "string", "format": "binary",
	"description": "the plan as rehabplan export writes it, for the reader's role: a sheet per building, per crew, the pilots' agenda, the households' appointments (not for a contractor), the unplaced interventions, the last replan's changes"}}

// sendsWorkbook tells whether the request's body is a workbook (its Content-Type).
func sendsWorkbook(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == xlsxType
}

// importWorkbook reads the request's workbook into a valid problem, at most
// MaxWorkbook bytes (a larger one is a 413). A workbook that does not give a valid
// problem is a 422 listing every error with its sheet, row, column, value and
// what was expected, in the language Accept-Language prefers.
func (s *Server) importWorkbook(w http.ResponseWriter, r *http.Request) (*model.Problem, error) {
	data, err := readAllLimited(w, r, s.cfg.MaxWorkbook)
	if err != nil {
		return nil, err
	}
	lang := acceptedLang(r.Header.Get(hAcceptLanguage.name))
	p, err := sheets.Import(bytes.NewReader(data), lang)
	var se *sheets.Error
	switch {
	case errors.As(err, &se):
		return nil, workbookProblem(se, lang)
	case err != nil:
		return nil, err
	}
	return p, nil
}

// workbookProblem is the 422 of a workbook that does not give a valid problem.
func workbookProblem(se *sheets.Error, lang scheduler.Lang) *apiError {
	fr := lang == scheduler.French
	title, detail := "invalid workbook", fmt.Sprintf("%d errors: nothing was stored", len(se.Errors))
	if fr {
		title, detail = "classeur invalide", fmt.Sprintf("%d erreurs : rien n'a été enregistré", len(se.Errors))
	}
	if len(se.Errors) == 1 {
		detail = se.Errors[0].Error()
	}
	ae := &apiError{Status: http.StatusUnprocessableEntity, Title: title, Detail: detail,
		Header: http.Header{"Content-Language": {string(lang)}, "Vary": {hAcceptLanguage.name}}}
	for _, ce := range se.Errors {
		ae.Issues = append(ae.Issues, cellIssue(ce, fr))
	}
	return ae
}

// cellIssue is one error of a workbook in a problem's "errors": field is where
// ("Logements!D12", the sheet alone, or "classeur"/"workbook"), detail the whole
// message; sheet, row, column, cell, value and expected say it part by part.
func cellIssue(ce *sheets.CellError, fr bool) fieldIssue {
	field := ce.Sheet
	switch {
	case ce.Sheet == "" && fr:
		field = "classeur"
	case ce.Sheet == "":
		field = "workbook"
	case ce.Cell != "":
		field += "!" + ce.Cell
	case ce.Row > 0:
		field += "!" + strconv.Itoa(ce.Row) + ":" + strconv.Itoa(ce.Row)
	}
	return fieldIssue{Field: field, Detail: ce.Error(), Sheet: ce.Sheet, Row: ce.Row, Column: ce.Column, Cell: ce.Cell, Value: ce.Value, Expected: ce.Expected}
}

// readAllLimited reads the body, at most limit bytes (more: a
// *http.MaxBytesError, answered 413).
func readAllLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	saved := r.Body
	defer func() { r.Body = saved }()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	var mbe *http.MaxBytesError
	if err != nil && !errors.As(err, &mbe) {
		return nil, &apiError{Status: http.StatusBadRequest, Title: "invalid request", Detail: "the body could not be read", Err: err}
	}
	return buf.Bytes(), err
}

// wantsWorkbook tells whether the request's Accept prefers the workbook to JSON:
// it names the workbook's type with a q-value above zero and at least that of
// JSON (application/json, else application/*, else */*).
func wantsWorkbook(r *http.Request) bool {
	qx, qj := -1.0, -1.0
	jsonRank := 0 // 3 exact, 2 application/*, 1 */*
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		rank := map[string]int{"application/json": 3, "application/*": 2, "*/*": 1}[mt]
		switch {
		case mt == xlsxType:
			qx = q
		case rank > jsonRank:
			qj, jsonRank = q, rank
		}
	}
	return qx > 0 && qx >= qj
}

// planWorkbook answers the plan of version b as a workbook, made from the problem,
// plan and diff as the request's view sees them (view.Workbook): from the answer
// cache, else exported in a slot of the pool and kept. A read that names
// households is audited first.
func (s *Server) planWorkbook(w http.ResponseWriter, r *http.Request, op string, b Base) error {
	if vw := s.viewFor(r, op, nil); vw.seesHouseholds() {
		if err := s.audited(r, op, "*", "getPlanWorkbook"); err != nil {
			return err
		}
	}
	key := answerKey(op, b, "plan.xlsx", s.viewFor(r, op, nil))
	body := s.answers.get(key)
	if body == nil {
		release, err := s.pool.acquire(r.Context(), s.weigh(workRead, op, b.Version))
		if err != nil {
			return err
		}
		defer release()
		v, err := s.version(op, b.Incarnation, b.Version)
		if err != nil {
			return err
		}
		p, plan, diff, opts := s.viewFor(r, op, profileIDs(v.Problem)).Workbook(v.Problem, v.Plan, v.Diff)
		var buf bytes.Buffer
		if err := sheets.ExportWith(&buf, p, plan, diff, opts); err != nil {
			return fmt.Errorf("exporting the plan: %w", err)
		}
		body = buf.Bytes()
		s.answers.put(key, body)
	}
	h := w.Header()
	h.Set(hVersion.name, strconv.Itoa(b.Version))
	withETag(h, b)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d.xlsx"`, safeFileName(op), b.Version))
	writeBody(w, http.StatusOK, xlsxType, body)
	return nil
}

// safeFileName keeps the letters, digits, '-', '_' and '.' of s (an operation's id
// in a Content-Disposition).
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
