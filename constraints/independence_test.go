package constraints

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The packages the verifier must not reach: it shares nothing with the search.
var searchPackages = []string{
	"github.com/rehabplan/rehabplan/solver",
	"github.com/rehabplan/rehabplan/internal/calendar",
}

// The verifier shares nothing with the search, function by function: no function
// or method reachable from Verify, VerifyWith, NewVerification, PrepareCalendars,
// SortViolations or a rule's Check refers to an object or a type of the solver or
// calendar packages, even though a rule's file holds its compilation too.
func TestVerifierIsIndependentPerFunction(t *testing.T) {
	leaks, reached, err := verifierLeaks(nil)
	require.NoError(t, err)
	assert.Empty(t, leaks)
	// the walk does reach the checks and the verifier's own calendar arithmetic
	for _, f := range []string{"Verify", "CrewCalendar.Check", "PlanStructure.Check", "vfExpandOne", "Verification.Inside", "vfRun"} {
		assert.Contains(t, reached, f)
	}
	assert.NotContains(t, reached, "Compile", "the walk is not everything")
}

// The analysis finds a Check that reaches the search, directly, through a helper,
// through a method of the solver's types or through a type alone.
func TestVerifierIndependenceCatchesLeaks(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"direct call", `func (leakyRule) Check(v *Verification) []Violation { _ = solver.NewCalendar(nil); return nil }`,
			"leakyRule.Check refers to solver.NewCalendar"},
		{"through a helper", `func (leakyRule) Check(v *Verification) []Violation { leakHelper(); return nil }
func leakHelper() { _ = calendar.FrenchDate }`, "leakHelper refers to calendar.FrenchDate"},
		{"through a type", `func (leakyRule) Check(v *Verification) []Violation { var w []solver.Window; _ = w; return nil }`,
			"leakyRule.Check refers to solver.Window"},
		{"through the explanations", `func (leakyRule) Check(v *Verification) []Violation { _ = frAt(v.Begin); return nil }`,
			"frAt refers to calendar.FrenchMoment"},
		{"through a compiled problem", `func (leakyRule) Check(v *Verification) []Violation { var c *Compiled; _ = c.Model; return nil }`,
			"leakyRule.Check refers to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package constraints\n\nimport (\n\t\"github.com/rehabplan/rehabplan/internal/calendar\"\n\t\"github.com/rehabplan/rehabplan/solver\"\n)\n\n" +
				"var _, _ = calendar.FrenchDate, solver.NewCalendar\n\ntype leakyRule struct{ CrewCalendar }\n\n" + tt.src + "\n"
			leaks, reached, err := verifierLeaks(map[string]string{"zz_leak.go": src})
			require.NoError(t, err)
			assert.Contains(t, reached, "leakyRule.Check")
			assert.NotEmpty(t, leaks)
			assert.Contains(t, strings.Join(leaks, "\n"), tt.want)
		})
	}
}

var (
	srcImporterOnce sync.Once
	srcImporter     types.Importer
	srcFset         = token.NewFileSet()
)

// verifierLeaks type-checks the package in this directory (its non-test files,
// plus extra files given by name and source) and lists, for each function or
// method reachable from the verifier's roots, each object or type of the search
// packages it refers to: "f refers to solver.X (file:line)". reached names the
// functions walked ("Verify", "CrewCalendar.Check").
func verifierLeaks(extra map[string]string) (leaks []string, reached []string, err error) {
	srcImporterOnce.Do(func() { srcImporter = importer.ForCompiler(srcFset, "source", nil) })
	pkg, info, files, err := checkPackage(extra)
	if err != nil {
		return nil, nil, err
	}
	decls, methods := funcDecls(files, info)
	var queue []*types.Func
	seen := map[*types.Func]bool{}
	push := func(fn *types.Func) {
		fn = fn.Origin()
		if _, ours := decls[fn]; ours && !seen[fn] {
			seen[fn] = true
			queue = append(queue, fn)
		}
	}
	verification := pkg.Scope().Lookup("Verification").Type()
	for fn, fd := range decls {
		sig := fn.Type().(*types.Signature)
		switch {
		case fd.Recv == nil && (fn.Name() == "Verify" || fn.Name() == "VerifyWith" || fn.Name() == "NewVerification" ||
			fn.Name() == "PrepareCalendars" || fn.Name() == "SortViolations"):
			push(fn)
		case fd.Recv != nil && fn.Name() == "Check" && sig.Params().Len() == 1 &&
			types.Identical(sig.Params().At(0).Type(), types.NewPointer(verification)):
			push(fn)
		}
	}
	search := map[string]bool{}
	for _, p := range searchPackages {
		search[p] = true
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		name := funcName(fn)
		reached = append(reached, name)
		found := map[string]bool{}
		report := func(what string, pos token.Pos) {
			if !found[what] {
				found[what] = true
				leaks = append(leaks, fmt.Sprintf("%s refers to %s (%s)", name, what, srcFset.Position(pos)))
			}
		}
		ast.Inspect(decls[fn], func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok {
				if tv, ok := info.Types[e]; ok && tv.Type != nil {
					if what := searchType(tv.Type, search, map[types.Type]bool{}); what != "" {
						report(what, e.Pos())
					}
				}
			}
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Uses[id]
			if obj == nil {
				return true
			}
			if obj.Pkg() != nil && search[obj.Pkg().Path()] {
				report(obj.Pkg().Name()+"."+obj.Name(), id.Pos())
			}
			callee, ok := obj.(*types.Func)
			if !ok {
				return true
			}
			push(callee)
			// a call through an interface may reach any method of that name whose
			// receiver implements the interface
			if recv := callee.Type().(*types.Signature).Recv(); recv != nil {
				if iface, ok := recv.Type().Underlying().(*types.Interface); ok {
					for _, m := range methods {
						rt := m.Type().(*types.Signature).Recv().Type()
						if m.Name() == callee.Name() && (types.Implements(rt, iface) || types.Implements(types.NewPointer(rt), iface)) {
							push(m)
						}
					}
				}
			}
			return true
		})
	}
	sort.Strings(leaks)
	sort.Strings(reached)
	return leaks, reached, nil
}

// checkPackage parses and type-checks the package in this directory (its non-test
// files, plus extra files given by name and source).
func checkPackage(extra map[string]string) (*types.Package, *types.Info, []*ast.File, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, nil, nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, nil, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(srcFset, name, nil, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		files = append(files, f)
	}
	for name, src := range extra {
		f, err := parser.ParseFile(srcFset, filepath.Join(dir, name), src, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: srcImporter}
	pkg, err := conf.Check("github.com/rehabplan/rehabplan/constraints", srcFset, files, info)
	if err != nil {
		return nil, nil, nil, err
	}
	return pkg, info, files, nil
}

// funcDecls lists every function and method of the package by object, with its
// declaration, and the methods apart.
func funcDecls(files []*ast.File, info *types.Info) (map[*types.Func]*ast.FuncDecl, []*types.Func) {
	decls := map[*types.Func]*ast.FuncDecl{}
	var methods []*types.Func
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn := info.Defs[fd.Name].(*types.Func)
			decls[fn] = fd
			if fd.Recv != nil {
				methods = append(methods, fn)
			}
		}
	}
	return decls, methods
}

// funcName names a function "f" or a method "T.m".
func funcName(fn *types.Func) string {
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return fn.Name()
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name() + "." + fn.Name()
	}
	return t.String() + "." + fn.Name()
}

// searchType names the first named type of the search packages that t is or is
// made of (through pointers, slices, maps, channels, signatures, fields), or "".
func searchType(t types.Type, search map[string]bool, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if o := t.Obj(); o.Pkg() != nil && search[o.Pkg().Path()] {
			return o.Pkg().Name() + "." + o.Name()
		}
		if args := t.TypeArgs(); args != nil {
			for i := range args.Len() {
				if w := searchType(args.At(i), search, seen); w != "" {
					return w
				}
			}
		}
		return searchType(t.Underlying(), search, seen)
	case *types.Alias:
		return searchType(types.Unalias(t), search, seen)
	case *types.Pointer:
		return searchType(t.Elem(), search, seen)
	case *types.Slice:
		return searchType(t.Elem(), search, seen)
	case *types.Array:
		return searchType(t.Elem(), search, seen)
	case *types.Map:
		if w := searchType(t.Key(), search, seen); w != "" {
			return w
		}
		return searchType(t.Elem(), search, seen)
	case *types.Chan:
		return searchType(t.Elem(), search, seen)
	case *types.Signature:
		for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
			for i := range tup.Len() {
				if w := searchType(tup.At(i).Type(), search, seen); w != "" {
					return w
				}
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if w := searchType(t.Field(i).Type(), search, seen); w != "" {
				return w
			}
		}
	}
	return ""
}
