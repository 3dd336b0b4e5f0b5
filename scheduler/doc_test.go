package scheduler

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every exported type's documentation names it: go doc shows a type's own
// comment, not that of the group it was declared in with other types.
func TestTypeDocsNameTheirType(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/rehabplan/rehabplan/scheduler")
	require.NoError(t, err)
	seen := map[string]string{}
	for _, typ := range pkg.Types {
		seen[typ.Name] = typ.Doc
		assert.Contains(t, typ.Doc, typ.Name, "the documentation of type %s does not name it: %q", typ.Name, typ.Doc)
	}
	require.Contains(t, seen, "Violation")
	assert.True(t, strings.HasPrefix(seen["Violation"], "Violation is one breach of a hard rule"), seen["Violation"])
}
