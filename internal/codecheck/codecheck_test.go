package codecheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/rehabplan/rehabplan"

// root is the module's root, two levels up from this package.
var root = filepath.Join("..", "..")

type goFile struct {
	path string // relative to the root, slash-separated
	dir  string
	file *ast.File
	fset *token.FileSet
}

// sources parses every non-test Go file of the module.
func sources(t *testing.T) []goFile {
	t.Helper()
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		out = append(out, goFile{path: rel, dir: filepath.ToSlash(filepath.Dir(rel)), file: f, fset: fset})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d Go files under %s", len(out), root)
	}
	return out
}

func imports(f *ast.File) []string {
	var out []string
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out = append(out, p)
	}
	return out
}

func TestNoProductionFileImportsTesting(t *testing.T) {
	for _, f := range sources(t) {
		if slices.Contains(imports(f.file), "testing") {
			t.Errorf("%s imports testing: a checking mode is switched on by the tests that want it", f.path)
		}
	}
}

// The shells (service, command, batch) go through the public door: scheduler
// and model, never the engine or the rules.
func TestShellsImportOnlyThePublicDoor(t *testing.T) {
	shells := []string{"httpapi", "cmd/rehabplan", "batch"}
	inner := []string{module + "/solver", module + "/constraints", module + "/internal/calendar"}
	seen := 0
	for _, f := range sources(t) {
		if !slices.Contains(shells, f.dir) {
			continue
		}
		seen++
		for _, p := range imports(f.file) {
			for _, in := range inner {
				if p == in || strings.HasPrefix(p, in+"/") {
					t.Errorf("%s imports %s: shells import scheduler and model only", f.path, p)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no file of the shells found")
	}
}

// The layers point one way: solver <- constraints <- scheduler <- shells.
func TestLayersPointOneWay(t *testing.T) {
	forbidden := map[string][]string{
		"solver":      {"model", "constraints", "scheduler", "internal/calendar", "httpapi", "batch"},
		"model":       {"solver", "constraints", "scheduler", "internal/calendar", "httpapi", "batch"},
		"constraints": {"scheduler", "httpapi", "batch"},
		"scheduler":   {"httpapi", "batch", "cmd/rehabplan"},
	}
	for _, f := range sources(t) {
		for _, p := range imports(f.file) {
			for _, bad := range forbidden[f.dir] {
				if p == module+"/"+bad {
					t.Errorf("%s (package %s) imports %s", f.path, f.dir, p)
				}
			}
		}
	}
}

// longWhy is how the doc comment of a function over 100 lines says why it is one
// piece.
const longWhy = "One long function:"

func TestLongFunctionsSayWhy(t *testing.T) {
	for _, f := range sources(t) {
		for _, d := range f.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			n := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1
			if n <= 100 {
				continue
			}
			if fd.Doc == nil || !strings.Contains(fd.Doc.Text(), longWhy) {
				t.Errorf("%s: %s is %d lines; split it, or say why in its doc comment (%q)", f.path, fd.Name.Name, n, longWhy)
			}
		}
	}
}

// The README's "Dependencies" section names, in backquotes, exactly the modules
// go.mod requires directly.
func TestReadmeDependenciesAreGoMods(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var direct []string
	inRequire := false
	for _, line := range strings.Split(string(mod), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inRequire = true
			continue
		case line == ")":
			inRequire = false
			continue
		case strings.HasPrefix(line, "require "):
			line, inRequire = strings.TrimPrefix(line, "require "), false
		case !inRequire:
			continue
		}
		if f := strings.Fields(line); len(f) >= 2 && !strings.Contains(line, "// indirect") {
			direct = append(direct, f[0])
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "\n## Dependencies")
	if i < 0 {
		t.Fatal("README has no \"## Dependencies\" section")
	}
	s = s[i+1:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	var named []string
	for _, m := range regexp.MustCompile("`([a-z0-9.-]+\\.[a-z]+/[^` ]+)`").FindAllStringSubmatch(s, -1) {
		if !slices.Contains(named, m[1]) {
			named = append(named, m[1])
		}
	}
	sort.Strings(direct)
	sort.Strings(named)
	if !slices.Equal(direct, named) {
		t.Fatalf("go.mod requires %v directly; README's Dependencies names %v", direct, named)
	}
}
