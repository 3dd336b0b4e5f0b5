package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The documents are written and read by github.com/go-json-experiment/json (the
// encoding/json/v2 proposal; Go ships the same code as encoding/json/v2 behind
// GOEXPERIMENT=jsonv2) with the options that give encoding/json's results: the
// same bytes out (but for invalid UTF-8, written as U+FFFD itself rather than
// \ufffd), the same values in, errors of the same kinds. encoding/json
// itself made a first-plan replan of 1,000 dwellings about 18% slower; this one
// costs about 5% (bench/RESULTS.md, "JSON codecs").
var (
	v1Options     = jsonv1.DefaultOptionsV1()
	indentOptions = jsonv2.JoinOptions(v1Options, jsontext.WithIndent("  "))
	strictOptions = jsonv2.JoinOptions(v1Options, jsonv2.RejectUnknownMembers(true))
)

// MarshalPlanIndent is json.MarshalIndent(p, "", "  "), byte for byte.
func MarshalPlanIndent(p *Plan) ([]byte, error) { return jsonv2.Marshal(p, indentOptions) }

// MarshalDiffIndent is json.MarshalIndent(d, "", "  "), byte for byte.
func MarshalDiffIndent(d *Diff) ([]byte, error) { return jsonv2.Marshal(d, indentOptions) }

// MarshalProblemIndent is json.MarshalIndent(p, "", "  "), byte for byte.
func MarshalProblemIndent(p *Problem) ([]byte, error) { return jsonv2.Marshal(p, indentOptions) }

// strictUnmarshal reads one document into v, refusing unknown members and anything
// but white space after the document. Its errors name the byte or the field.
func strictUnmarshal(data []byte, v any) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data), strictOptions)
	if err := jsonv2.UnmarshalDecode(dec, v, strictOptions); err != nil {
		var se *jsonv1.SyntaxError
		var te *jsonv1.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return fmt.Errorf("field %q: expected %s, got JSON %s", fieldPath(te.Field), te.Type, te.Value)
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	if tok, err := dec.ReadToken(); err != io.EOF {
		if err != nil {
			return fmt.Errorf("malformed JSON after the document, at byte %d: %v", dec.InputOffset(), err)
		}
		return fmt.Errorf("malformed JSON: more than one document (%v at byte %d)", tok, dec.InputOffset())
	}
	return nil
}

// fieldPath writes a decoder's path ("interventions.12.duration") as the
// validation does ("interventions[12].duration").
func fieldPath(p string) string {
	var b strings.Builder
	for i, part := range strings.Split(p, ".") {
		switch {
		case part != "" && strings.Trim(part, "0123456789") == "":
			b.WriteString("[" + part + "]")
		case i > 0:
			b.WriteString("." + part)
		default:
			b.WriteString(part)
		}
	}
	return b.String()
}
