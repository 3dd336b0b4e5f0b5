package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/rehabplan/rehabplan/sheets"
)

// cmdTemplate writes the workbook to fill in, empty or holding a problem.
func cmdTemplate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("template", stderr)
	from := fs.String("from", "", "fill the workbook with this problem (rehabplan/v1 JSON)")
	out := fs.String("o", "", "write the workbook to this .xlsx file (- for stdout)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 0 || *out == "" {
		fmt.Fprintln(stderr, "usage: rehabplan template [--from PROBLEM.json] -o FILE.xlsx")
		return exitInvalid
	}
	var p *model.Problem
	if *from != "" {
		if p, err = readProblem(*from); err != nil {
			return reportInputError(stderr, *from, err)
		}
	}
	var buf bytes.Buffer
	if err := sheets.Template(&buf, p); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	if err := writeData(*out, stdout, buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}

// cmdImport reads a filled workbook (or a folder of CSV files) into a problem. On
// any error it lists them all, writes nothing and exits 2.
func cmdImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("import", stderr)
	out := fs.String("o", "", "write the problem to this file (default: stdout)")
	langS := fs.String("lang", "fr", "language of the errors: fr or en")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	var lang scheduler.Lang
	switch *langS {
	case "fr":
		lang = scheduler.French
	case "en":
		lang = scheduler.English
	default:
		fmt.Fprintf(stderr, "rehabplan: --lang: unknown language %q (want fr or en)\n", *langS)
		return exitInvalid
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: rehabplan import FILE.xlsx|DIR [-o PROBLEM.json] [--lang fr|en]")
		return exitInvalid
	}
	st, err := os.Stat(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	var p *model.Problem
	if st.IsDir() {
		p, err = sheets.ImportDir(os.DirFS(pos[0]), lang)
	} else {
		var f *os.File
		if f, err = os.Open(pos[0]); err == nil {
			p, err = sheets.Import(f, lang)
			f.Close()
		}
	}
	if err != nil {
		var se *sheets.Error
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "rehabplan: %s: %v\n", pos[0], se)
			return exitInvalid
		}
		fmt.Fprintf(stderr, "rehabplan: %s: %v\n", pos[0], err)
		return exitInvalid
	}
	if err := writeJSON(*out, stdout, p); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}

// cmdExport writes a plan (and the changes of its replan) as a workbook.
func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", stderr)
	out := fs.String("o", "", "write the workbook to this .xlsx file (- for stdout)")
	diffPath := fs.String("diff", "", "the changes of the last replan (rehabplan-diff/v1 JSON, from rehabplan replan --diff)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 2 || *out == "" {
		fmt.Fprintln(stderr, "usage: rehabplan export PROBLEM.json PLAN.json [--diff DIFF.json] -o plan.xlsx")
		return exitInvalid
	}
	p, plan, code := readProblemAndPlan(stderr, pos[0], pos[1])
	if code != exitOK {
		return code
	}
	var diff *model.Diff
	if *diffPath != "" {
		if diff, err = readDiff(*diffPath); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %s: %v\n", *diffPath, err)
			return exitInvalid
		}
		if diff.Operation != p.Operation.ID {
			fmt.Fprintf(stderr, "rehabplan: %s: the changes are of operation %q, not of %q (%s)\n", *diffPath, diff.Operation, p.Operation.ID, pos[0])
			return exitInvalid
		}
	}
	var buf bytes.Buffer
	if err := sheets.Export(&buf, p, plan, diff); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	if err := writeData(*out, stdout, buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}

// readDiff reads a diff document, refusing unknown fields and other formats.
func readDiff(path string) (*model.Diff, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > model.MaxDocumentBytes {
		return nil, fmt.Errorf("larger than %d MiB", model.MaxDocumentBytes>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d model.Diff
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("malformed diff: %v", err)
	}
	if d.Format != model.DiffFormat {
		return nil, fmt.Errorf("format: expected %q, got %q", model.DiffFormat, d.Format)
	}
	return &d, nil
}
