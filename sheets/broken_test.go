package sheets_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/rehabplan/rehabplan/sheets"
	"github.com/rehabplan/rehabplan/sheets/sheetstest"
)

var update = flag.Bool("update", false, "rewrite the golden files of the broken workbooks")

func example(t testing.TB) *model.Problem {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "operations", "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := model.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrokenWorkbooks imports each broken workbook of the corpus in French and in
// English and compares the errors, one a line, with the golden files.
func TestBrokenWorkbooks(t *testing.T) {
	p := sheetstest.Base(example(t))
	if err := model.Validate(p); err != nil {
		t.Fatal(err)
	}
	cases := sheetstest.Broken()
	if len(cases) < 20 {
		t.Fatalf("%d broken workbooks, want at least 20", len(cases))
	}
	for _, c := range cases {
		data, err := c.Build(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []scheduler.Lang{scheduler.French, scheduler.English} {
			t.Run(c.Name+"/"+string(lang), func(t *testing.T) {
				q, err := sheets.Import(bytes.NewReader(data), lang)
				if err == nil {
					t.Fatalf("imported into a problem of %d interventions, want errors", len(q.Interventions))
				}
				var se *sheets.Error
				if !errors.As(err, &se) || !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("error %T %v: want a *sheets.Error matching model.ErrInvalid", err, err)
				}
				var lines []string
				for _, ce := range se.Errors {
					lines = append(lines, ce.Error())
				}
				got := strings.Join(lines, "\n") + "\n"
				golden := filepath.Join("testdata", "broken", c.Name+"."+string(lang)+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./sheets -run TestBrokenWorkbooks -update)", err)
				}
				if got != string(want) {
					t.Errorf("errors differ from %s:\ngot:\n%swant:\n%s", golden, got, want)
				}
			})
		}
	}
}
