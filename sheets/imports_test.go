package sheets

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsOnlyModelAndScheduler keeps the layers: the spreadsheet library (and
// its test helper package) import, of this module, only model and scheduler
// (sheetstest also sheets), never solver, constraints or internal/calendar.
func TestImportsOnlyModelAndScheduler(t *testing.T) {
	const mod = "github.com/rehabplan/rehabplan/"
	allowed := map[string]map[string]bool{
		".":          {mod + "model": true, mod + "scheduler": true},
		"sheetstest": {mod + "model": true, mod + "sheets": true},
	}
	for dir, ok := range allowed {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(path, mod) && !ok[path] {
					t.Errorf("%s imports %s: the sheets library may only use model and scheduler", name, path)
				}
			}
		}
	}
}
