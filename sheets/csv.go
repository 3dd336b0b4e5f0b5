package sheets

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// ImportDir is Import on a folder of CSV files, one a sheet with the workbook's
// columns: "Logements.csv", or "NAME-Logements.csv" as LibreOffice names the
// sheets of a workbook it converts (libreoffice --convert-to csv with sheet -1).
// Fields are separated by commas or semicolons (the first line tells), UTF-8.
// Dates and times are read as written ("04/01/2027", "08:00"). A missing file is
// an empty sheet, except Opération's.
func ImportDir(fsys fs.FS, lang scheduler.Lang) (*model.Problem, error) {
	french := isFrench(lang)
	grids, err := readCSVDir(fsys)
	if err != nil {
		return nil, &Error{french: french, Errors: []*CellError{{french: french, Expected: err.Error()}}}
	}
	return fromGrids(grids, french)
}

func readCSVDir(fsys fs.FS) (map[string]*grid, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	names := []string{SheetOperation}
	for _, d := range tableDefs {
		names = append(names, d.name)
	}
	grids := map[string]*grid{}
	total := 0
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".csv") {
			continue
		}
		base := fold(strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
		sheet := ""
		for _, n := range names {
			if base == fold(n) || strings.HasSuffix(base, "-"+fold(n)) {
				// "Logements tiroirs" also ends in "-logements"'s way: keep the longest
				if len(n) > len(sheet) {
					sheet = n
				}
			}
		}
		if sheet == "" {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if total += len(data); total > MaxWorkbookBytes {
			return nil, fmt.Errorf("%s: the files are larger than %d MiB together", e.Name(), MaxWorkbookBytes>>20)
		}
		if _, dup := grids[fold(sheet)]; dup {
			return nil, fmt.Errorf("%s: a second file for the sheet %q", e.Name(), sheet)
		}
		rows, err := readCSV(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", e.Name(), err)
		}
		grids[fold(sheet)] = &grid{name: sheet, rows: rows}
	}
	return grids, nil
}

// readCSV reads CSV text separated by commas or semicolons, whichever the first
// line has more of outside quotes.
func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	comma := ','
	if countOutsideQuotes(first, ';') > countOutsideQuotes(first, ',') {
		comma = ';'
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rows) > maxRows {
			return rows, nil
		}
		rows = append(rows, rec)
	}
}

func countOutsideQuotes(line []byte, c byte) int {
	n, in := 0, false
	for _, b := range line {
		switch {
		case b == '"':
			in = !in
		case b == c && !in:
			n++
		}
	}
	return n
}
