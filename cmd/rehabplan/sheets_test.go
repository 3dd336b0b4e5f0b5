package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/sheets/sheetstest"
)

const exampleJSON = "../../testdata/operations/example.json"

// The round trip: template --from the example, import, the same problem as
// canonical JSON, and the same plan with --work-limit and --seed.
func TestTemplateImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "operation.xlsx")
	code, _, stderr := runCLI("template", "--from", exampleJSON, "-o", book)
	require.Equal(t, exitOK, code, stderr)
	back := filepath.Join(dir, "back.json")
	code, _, stderr = runCLI("import", book, "-o", back)
	require.Equal(t, exitOK, code, stderr)

	var p model.Problem
	require.NoError(t, jsonUnmarshalFile(t, exampleJSON, &p))
	want, err := encodeJSON(&p)
	require.NoError(t, err)
	got, err := os.ReadFile(back)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the imported problem differs from the example")

	plans := map[string]string{}
	for name, prob := range map[string]string{"example": exampleJSON, "imported": back} {
		plan := filepath.Join(dir, name+"-plan.json")
		code, _, stderr := runCLI("solve", prob, "-o", plan, "--work-limit", "4", "--seed", "3")
		require.Equal(t, exitOK, code, stderr)
		requireVerified(t, prob, plan)
		data, err := os.ReadFile(plan)
		require.NoError(t, err)
		plans[name] = string(data)
	}
	assert.Equal(t, plans["example"], plans["imported"], "the imported problem solves to another plan")
}

func TestTemplateEmptyAndUsage(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "empty.xlsx")
	code, _, stderr := runCLI("template", "-o", book)
	require.Equal(t, exitOK, code, stderr)
	f, err := excelize.OpenFile(book)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, "Mode d'emploi", f.GetSheetList()[0])
	v, err := f.GetCellValue("Logements", "D1")
	require.NoError(t, err)
	assert.Equal(t, "Étage", v)

	for _, args := range [][]string{{"template"}, {"template", "x", "-o", book}, {"import"}, {"import", "a", "b"},
		{"import", book, "--lang", "de"}, {"export", exampleJSON, "-o", book}, {"export", exampleJSON, "plan.json"}} {
		code, _, stderr := runCLI(args...)
		assert.Equal(t, exitInvalid, code, "%q: %s", args, stderr)
	}
	code, _, stderr = runCLI("import", filepath.Join(dir, "none.xlsx"))
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "none.xlsx")
}

// TestImportBrokenWorkbooks runs the corpus of broken workbooks through the command:
// exit 2, nothing written, every expected error (the golden files of package
// sheets) on stderr, in French by default and in English with --lang en.
func TestImportBrokenWorkbooks(t *testing.T) {
	var p model.Problem
	require.NoError(t, jsonUnmarshalFile(t, exampleJSON, &p))
	base := sheetstest.Base(&p)
	dir := t.TempDir()
	for _, c := range sheetstest.Broken() {
		data, err := c.Build(base)
		require.NoError(t, err)
		book := filepath.Join(dir, c.Name+".xlsx")
		require.NoError(t, os.WriteFile(book, data, 0o644))
		for _, lang := range []string{"fr", "en"} {
			out := filepath.Join(dir, c.Name+"."+lang+".json")
			args := []string{"import", book, "-o", out}
			if lang == "en" {
				args = append(args, "--lang", "en")
			}
			code, stdout, stderr := runCLI(args...)
			assert.Equal(t, exitInvalid, code, "%s (%s): %s", c.Name, lang, stderr)
			assert.Empty(t, stdout)
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "%s: a problem was written", c.Name)
			golden, err := os.ReadFile(filepath.Join("..", "..", "sheets", "testdata", "broken", c.Name+"."+lang+".golden"))
			require.NoError(t, err)
			for _, line := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
				assert.Contains(t, stderr, line, "%s (%s)", c.Name, lang)
			}
		}
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	code, _, stderr := runCLI("solve", exampleJSON, "-o", plan, "--work-limit", "4", "--seed", "1")
	require.Equal(t, exitOK, code, stderr)
	requireVerified(t, exampleJSON, plan)
	book := filepath.Join(dir, "plan.xlsx")
	code, _, stderr = runCLI("export", exampleJSON, plan, "-o", book)
	require.Equal(t, exitOK, code, stderr)
	f, err := excelize.OpenFile(book)
	require.NoError(t, err)
	names := strings.Join(f.GetSheetList(), "|")
	f.Close()
	for _, want := range []string{"Synthèse", "Bât. B1", "Équipe plumbing-1", "Agenda des pilotes", "Rendez-vous des ménages", "Non placées", "Changements"} {
		assert.Contains(t, names, want)
	}

	// a diff of another operation, and a diff that is not one, are refused
	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"format":"rehabplan-diff/v1","operation":"other","summary":{},"changes":[],"recipients":[]}`), 0o644))
	code, _, stderr = runCLI("export", exampleJSON, plan, "--diff", other, "-o", filepath.Join(dir, "x.xlsx"))
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, `"other"`)
	code, _, stderr = runCLI("export", exampleJSON, plan, "--diff", plan, "-o", filepath.Join(dir, "x.xlsx"))
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "diff")
	_, err = os.Stat(filepath.Join(dir, "x.xlsx"))
	assert.True(t, os.IsNotExist(err))
}
