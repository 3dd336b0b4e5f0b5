package sheets

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// csvFilter asks LibreOffice for every sheet (-1), comma-separated UTF-8 (76), cells
// as shown (the ninth token): dates as 04/01/2027, times as 08:00.
const csvFilter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1`

// TestLibreOfficeOpensTemplate converts the template, empty and filled with the
// example, to CSV with LibreOffice headless: LibreOffice must open it and write every
// sheet, and the CSV folder must import into the same problem.
func TestLibreOfficeOpensTemplate(t *testing.T) {
	lo, err := exec.LookPath("libreoffice")
	if err != nil {
		if os.Getenv("REHABPLAN_REQUIRE_LIBREOFFICE") != "" {
			t.Fatal("no libreoffice on this machine, and REHABPLAN_REQUIRE_LIBREOFFICE is set")
		}
		t.Skip("SKIPPED: libreoffice is not on PATH (Debian: apt-get install -y libreoffice-calc); the template was not opened in LibreOffice")
	}
	if testing.Short() {
		t.Skip("SKIPPED in -short mode: LibreOffice takes seconds to start")
	}
	p := readExample(t)
	for _, tc := range []struct {
		name   string
		filled bool
	}{{"empty", false}, {"example", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			src := p
			if !tc.filled {
				src = nil
			}
			if err := Template(&buf, src); err != nil {
				t.Fatal(err)
			}
			out := convertToCSV(t, lo, buf.Bytes())
			for _, name := range append([]string{SheetHelp, SheetOperation}, sheetNames()...) {
				if _, err := os.Stat(filepath.Join(out, "operation-"+name+".csv")); err != nil {
					t.Errorf("LibreOffice wrote no CSV for the sheet %q: %v", name, err)
				}
			}
			if !tc.filled {
				return
			}
			q, err := ImportDir(os.DirFS(out), scheduler.French)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := canonical(t, p), canonical(t, q); a != b {
				t.Fatalf("the CSV LibreOffice wrote reads back into another problem: %s", firstDiff(a, b))
			}
			// saved again by LibreOffice as .xlsx, it reads back the same
			resaved, err := os.ReadFile(filepath.Join(convert(t, lo, buf.Bytes(), "xlsx"), "operation.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			q, err = Import(bytes.NewReader(resaved), scheduler.French)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := canonical(t, p), canonical(t, q); a != b {
				t.Fatalf("the workbook LibreOffice saved reads back into another problem: %s", firstDiff(a, b))
			}
		})
	}
	// the exported plan opens too, its building sheet naming the trades by day
	t.Run("export", func(t *testing.T) {
		p, plan := solvedExample(t)
		var buf bytes.Buffer
		if err := Export(&buf, p, plan, nil); err != nil {
			t.Fatal(err)
		}
		out := convertToCSV(t, lo, buf.Bytes())
		data, err := os.ReadFile(filepath.Join(out, "operation-Bât. B1.csv"))
		if err != nil {
			t.Fatalf("LibreOffice wrote no CSV of the sheet Bât. B1: %v", err)
		}
		if !bytes.Contains(data, []byte("plumbing")) || !bytes.HasPrefix(data, []byte("Logement,Cage,Étage,Ménage,")) {
			t.Errorf("the sheet Bât. B1 as LibreOffice reads it:\n%.300s", data)
		}
	})
}

// convertToCSV has LibreOffice convert a workbook, every sheet to a CSV file, and
// returns their folder.
func convertToCSV(t *testing.T, lo string, book []byte) string {
	t.Helper()
	return convert(t, lo, book, csvFilter)
}

// convert has LibreOffice convert a workbook with a filter and returns the folder
// of what it wrote.
func convert(t *testing.T, lo string, book []byte, filter string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "operation.xlsx")
	if err := os.WriteFile(path, book, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "csv")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, lo, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", out, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, msg)
	}
	return out
}
