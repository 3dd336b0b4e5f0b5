package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validBytes(t *testing.T) []byte {
	t.Helper()
	data, err := json.Marshal(minimalProblem())
	require.NoError(t, err)
	return data
}

func TestDecodeReader(t *testing.T) {
	p, err := Decode(bytes.NewReader(validBytes(t)))
	require.NoError(t, err)
	assert.Equal(t, minimalProblem(), p)
}

func TestDecodeRefusesTooLargeDocuments(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxDocumentBytes+1)
	_, err := DecodeBytes(big)
	errs := fieldErrors(t, err)
	assert.Equal(t, "(document)", errs[0].Field)
	// the reader is not read beyond the limit
	_, err = Decode(io.MultiReader(bytes.NewReader(big), neverEnding{}))
	errs = fieldErrors(t, err)
	assert.Equal(t, "(document)", errs[0].Field)
}

type neverEnding struct{}

func (neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestDecodeErrors(t *testing.T) {
	valid := string(validBytes(t))
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", "", "malformed JSON"},
		{"two documents", valid + valid, "more than one document"},
		{"stray bracket after", valid + "]", "malformed JSON after the document"},
		{"stray brace after", valid + " }", "malformed JSON after the document"},
		{"number after", valid + " 3", "more than one document"},
		{"unknown nested field", strings.Replace(valid, `"trade":"visit"`, `"trade":"visit","colour":"red"`, 1), `unknown field "colour"`},
		{"wrong type", strings.Replace(valid, `"floor":0`, `"floor":"ground"`, 1), "expected int"},
		{"null", "null", `format: missing: expected "rehabplan/v1"`},
		{"array", "[]", "got JSON array"},
		{"invalid rrule", strings.Replace(valid, "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TUE", 1), "households[0].availability[0].rrule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.doc != "null" && tc.doc != "" && tc.doc != "[]" {
				require.NotEqual(t, valid, tc.doc, "the replacement applies")
			}
			_, err := DecodeBytes([]byte(tc.doc))
			fieldErrors(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDecodeReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Decode(io.MultiReader(strings.NewReader("{"), errReader{boom}))
	assert.ErrorIs(t, err, boom)
	assert.False(t, errors.Is(err, ErrInvalid), "a read error is not the document's fault")
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestFieldErrorString(t *testing.T) {
	assert.Equal(t, `interventions[3].duration (intervention "a/b"): duration "0h" is not positive`,
		(&FieldError{Field: "interventions[3].duration", Entity: "intervention", ID: "a/b", Msg: `duration "0h" is not positive`}).Error())
	assert.Equal(t, "operation.id (operation): missing", (&FieldError{Field: "operation.id", Entity: "operation", Msg: "missing"}).Error())
	assert.Equal(t, "format: x", (&FieldError{Field: "format", Msg: "x"}).Error())
	one := &ValidationError{Errors: []*FieldError{{Field: "format", Msg: "x"}}}
	assert.Equal(t, "invalid problem: format: x", one.Error())
	two := &ValidationError{Errors: []*FieldError{{Field: "a", Msg: "x"}, {Field: "b", Msg: "y"}}}
	assert.Equal(t, "invalid problem: 2 errors:\n  a: x\n  b: y", two.Error())
	assert.True(t, errors.Is(two, ErrInvalid))
}

func TestDecodePlan(t *testing.T) {
	pl, err := DecodePlan(strings.NewReader(`{"format":"rehabplan-plan/v1","operation":"op","status":"complete","seed":3,
		"assignments":[{"intervention":"a","crew":"C1","start":"2027-03-01T08:00:00+01:00","end":"2027-03-01T09:00:00+01:00"}],"unplaced":[]}`))
	require.NoError(t, err)
	assert.Len(t, pl.Assignments, 1)
	_, err = DecodePlan(strings.NewReader(`{"format":"rehabplan/v1"}`))
	assert.True(t, errors.Is(err, ErrInvalid))
	_, err = DecodePlan(strings.NewReader(`{"format":"rehabplan-plan/v1","extra":1}`))
	assert.True(t, errors.Is(err, ErrInvalid))
}

// The bundled example, when present, goes through Decode.
func TestDecodeBundledExample(t *testing.T) {
	f, err := os.Open("../testdata/operations/example.json")
	if os.IsNotExist(err) {
		t.Skip("no bundled example")
	}
	require.NoError(t, err)
	defer f.Close()
	_, err = Decode(f)
	require.NoError(t, err)
}
