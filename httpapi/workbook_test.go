package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/sheets"
)

// templateOf is the template workbook filled with p.
func templateOf(t testing.TB, p *model.Problem) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, sheets.Template(&buf, p))
	return buf.Bytes()
}

// brokenWorkbook is the example's template with two cells spoiled: a floor that
// is no number and a dwelling's building that does not exist.
func brokenWorkbook(t testing.TB) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(templateOf(t, gen.Example())))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.SetCellValue(sheets.SheetDwellings, "D3", "deux"))
	require.NoError(t, f.SetCellValue(sheets.SheetDwellings, "B4", "B9"))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

// canonical is p as canonical JSON (decoded and encoded again).
func canonical(t testing.TB, data []byte) string {
	t.Helper()
	p, err := model.DecodeBytes(data)
	require.NoError(t, err)
	out, err := model.MarshalProblemIndent(p)
	require.NoError(t, err)
	return string(out)
}

// An operation is created and replaced from a filled template: the stored
// problem is the one the workbook holds; a broken workbook is a 422 listing each
// error with its sheet, row, column, value and what was expected, in French when
// Accept-Language asks for it, and nothing is stored; a workbook over the limit
// is a 413.
func TestWorkbookUpload(t *testing.T) {
	st, err := OpenBolt(filepath.Join(t.TempDir(), "rehabplan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead, adminTok: RoleAdmin}, MaxWorkbook: 1 << 20})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	p := gen.Example()
	book := templateOf(t, p)
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, book, "Content-Type", xlsxType)
	require.Equal(t, 201, resp.StatusCode, string(body))
	_, stored := call(t, ts, "GET", "/v1/operations/"+p.Operation.ID, adminTok, nil)
	want, err := json.Marshal(p)
	require.NoError(t, err)
	require.True(t, canonical(t, want) == canonical(t, stored), "the workbook's problem is stored")

	// a new version from a workbook
	p.Operation.Name = "Les Tilleuls, tranche 2"
	resp, body = call(t, ts, "PUT", "/v1/operations/"+p.Operation.ID, writeTok, templateOf(t, p), "Content-Type", xlsxType)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.JSONEq(t, `{"operation":"op-les-tilleuls","version":2}`, string(body))
	_, stored = call(t, ts, "GET", "/v1/operations/"+p.Operation.ID, readTok, nil)
	require.Contains(t, string(stored), "tranche 2")

	broken := brokenWorkbook(t)
	cases := []struct {
		name, method, path, lang, contentLang, title string
		first                                        fieldIssue
	}{
		{"create, French", "POST", "/v1/operations", "fr-FR,fr;q=0.9", "fr", "classeur invalide",
			fieldIssue{Field: "Logements!D3", Sheet: "Logements", Row: 3, Column: "Étage", Cell: "D3", Value: "deux", Expected: "attendu un nombre entier",
				Detail: "Logements, ligne 3, colonne « Étage » (D3) : trouvé « deux », attendu un nombre entier"}},
		{"replace, English", "PUT", "/v1/operations/op-les-tilleuls", "", "en", "invalid workbook",
			fieldIssue{Field: "Logements!D3", Sheet: "Logements", Row: 3, Column: "Étage", Cell: "D3", Value: "deux", Expected: "expected a whole number",
				Detail: "Logements, row 3, column \"Étage\" (D3): found \"deux\", expected a whole number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := []string{"Content-Type", xlsxType + "; charset=binary"}
			if c.lang != "" {
				hdr = append(hdr, "Accept-Language", c.lang)
			}
			resp, body := call(t, ts, c.method, c.path, writeTok, broken, hdr...)
			require.Equal(t, 422, resp.StatusCode, string(body))
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			require.Equal(t, c.contentLang, resp.Header.Get("Content-Language"))
			var pb problemBody
			require.NoError(t, json.Unmarshal(body, &pb))
			require.Equal(t, c.title, pb.Title)
			require.Len(t, pb.Errors, 2, "every error, at once: %s", body)
			require.Equal(t, c.first, pb.Errors[0])
			require.Equal(t, "Logements!B4", pb.Errors[1].Field)
			require.Equal(t, "B9", pb.Errors[1].Value)
			require.NotEmpty(t, pb.Errors[1].Expected)
		})
	}
	// nothing was stored: no new operation, no third version
	_, body = call(t, ts, "GET", "/v1/operations", readTok, nil)
	require.JSONEq(t, `{"operations":["op-les-tilleuls"]}`, string(body))
	_, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions", readTok, nil)
	var vs versionsAnswer
	require.NoError(t, json.Unmarshal(body, &vs))
	require.Len(t, vs.Versions, 2)

	// not a workbook at all, and too large
	resp, body = call(t, ts, "POST", "/v1/operations", writeTok, []byte("PK\x03\x04 not a zip"), "Content-Type", xlsxType)
	require.Equal(t, 422, resp.StatusCode, string(body))
	require.Contains(t, string(body), "xlsx")
	resp, body = call(t, ts, "POST", "/v1/operations", writeTok, make([]byte, 1<<20+1), "Content-Type", xlsxType)
	require.Equal(t, 413, resp.StatusCode, string(body))
	// the JSON body keeps its own, larger limit
	resp, body = call(t, ts, "POST", "/v1/operations", writeTok, make([]byte, 1<<20+1), "Content-Type", "application/json")
	require.Equal(t, 400, resp.StatusCode, string(body))
}

// wantsWorkbook follows the Accept header's preferences.
func TestWantsWorkbook(t *testing.T) {
	cases := []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"application/json", false},
		{xlsxType, true},
		{xlsxType + ", application/json", true},
		{"application/json, " + xlsxType + ";q=0.5", false},
		{xlsxType + ";q=0.5, */*;q=0.1", true},
		{xlsxType + ";q=0", false},
		{"*/*", false},
		{"text/html, " + xlsxType, true},
		{"garbage;;;, " + xlsxType, true},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept", c.accept)
		require.Equal(t, c.want, wantsWorkbook(r), c.accept)
	}
}

// workbookText is every sheet name and every cell's text of a workbook, one line
// per row.
func workbookText(t testing.TB, data []byte) (sheetNames []string, text string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		require.NoError(t, err)
		for _, row := range rows {
			b.WriteString(name + ": " + strings.Join(row, "|") + "\n")
		}
	}
	return f.GetSheetList(), b.String()
}

// The plan as a workbook is redacted for each role exactly as the JSON plan is: a
// profile's name only for admin and pilot (the manager reads its opaque id), no
// household for the contractor, who gets only its crew's sheet and
// assignments; the households' appointments for the other roles.
func TestPlanWorkbookPerRole(t *testing.T) {
	ts, s, _ := roleServer(t)
	mgr := testView(RoleManager, nil, "op-a", "the role tests' key", nil)
	opaque := mgr.opaque("respiratory-relocated")
	health := []string{"respiratory-relocated", "night-worker"}
	cases := []struct {
		role                  string
		profileNames, opaqueI bool
		households            bool // household ids and their appointments' sheet
		otherCrew             bool // PLB-2's sheet and work
	}{
		{RoleAdmin, true, false, true, true},
		{RolePilot, true, false, true, true},
		{RoleManager, false, true, true, true},
		{RoleViewer, false, true, true, true},
		{RoleContractor, false, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			for try := 0; try < 2; try++ { // exported, then from the answer cache
				resp, body := call(t, ts, "GET", "/v1/operations/op-a/plan", roleTokens[c.role], nil, "Accept", xlsxType)
				require.Equal(t, 200, resp.StatusCode, string(body))
				require.Equal(t, xlsxType, resp.Header.Get("Content-Type"))
				require.Equal(t, "3", resp.Header.Get(hVersion.name))
				require.Contains(t, resp.Header.Get("Content-Disposition"), `filename="op-a-v3.xlsx"`)
				require.Contains(t, resp.Header.Values("Vary"), "Accept")
				names, text := workbookText(t, body)
				// the plan's unplaced reasons name the profile respiratory-relocated
				require.Equal(t, c.profileNames, strings.Contains(text, health[0]), c.role)
				if !c.profileNames {
					require.NotContains(t, text, health[1], c.role)
				}
				require.Equal(t, c.opaqueI, strings.Contains(text, opaque), c.role)
				require.Equal(t, c.households, strings.Contains(text, "H007"), c.role)
				require.Equal(t, c.households, strings.Contains(text, "|H00"), c.role)
				require.Equal(t, c.households, contains(names, "Rendez-vous des ménages"), c.role)
				require.Equal(t, c.otherCrew, contains(names, "Équipe PLB-2"), c.role)
				require.Equal(t, c.otherCrew, strings.Contains(text, "|PLB-2"), c.role)
				require.Contains(t, names, "Équipe PLB-1")
				require.Contains(t, text, "B1-A-", "the dwellings are there")
			}
		})
	}
	// the JSON plan is still the default
	resp, body := call(t, ts, "GET", "/v1/operations/op-a/plan", tokAdmin, nil)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.True(t, json.Valid(body))
	// the workbook's reads that name households are audited
	recs, err := s.audit.ListAudit(0, 1000)
	require.NoError(t, err)
	n := 0
	for _, r := range recs {
		if r.Route == "getPlanWorkbook" {
			n++
		}
	}
	require.Equal(t, 8, n, "admin, pilot, manager and viewer, twice each; never the contractor")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// FuzzWorkbookUpload sends workbooks to POST /v1/operations and PUT
// /v1/operations/{op}: arbitrary bytes, and the example's template with one cell
// set to an arbitrary value. No answer is a 5xx; an answer is a success or a
// problem document the client can act on (400, 409, 413, 422).
func FuzzWorkbookUpload(f *testing.F) {
	st, err := OpenBolt(filepath.Join(f.TempDir(), "rehabplan.db"))
	require.NoError(f, err)
	f.Cleanup(func() { st.Close() })
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite}, MaxWorkbook: 4 << 20})
	p := gen.Example()
	book := templateOf(f, p)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, authed(httptest.NewRequest("POST", "/v1/operations", bytes.NewReader(book))))
	require.Equal(f, 201, rec.Code, rec.Body.String())

	f.Add([]byte{}, uint8(0), uint8(0), uint8(0), "")
	f.Add(book, uint8(0), uint8(0), uint8(0), "")
	f.Add(book[:len(book)/2], uint8(0), uint8(0), uint8(0), "")
	f.Add(brokenWorkbook(f), uint8(0), uint8(0), uint8(0), "")
	f.Add([]byte("PK\x03\x04"), uint8(0), uint8(0), uint8(0), "")
	f.Add([]byte{}, uint8(2), uint8(3), uint8(4), "deux")
	f.Add([]byte{}, uint8(0), uint8(1), uint8(1), "op-les-tilleuls")
	f.Add([]byte{}, uint8(4), uint8(5), uint8(3), "25:99")
	f.Add([]byte{}, uint8(12), uint8(2), uint8(0), "B1-A-01/ghost")
	f.Fuzz(func(t *testing.T, data []byte, sheet, row, col uint8, value string) {
		if len(data) == 0 {
			data = withCell(t, book, int(sheet), int(row)+1, int(col)+1, value)
		}
		for _, target := range []struct{ method, path string }{{"POST", "/v1/operations"}, {"PUT", "/v1/operations/op-les-tilleuls"}} {
			rec := httptest.NewRecorder()
			req := authed(httptest.NewRequest(target.method, target.path, bytes.NewReader(data)))
			req.Header.Set("Accept-Language", "fr")
			s.ServeHTTP(rec, req)
			switch rec.Code {
			case 200, 201:
			case 400, 409, 413, 422:
				require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
				var pb problemBody
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pb))
				require.NotEmpty(t, pb.Detail, rec.Body.String())
			default:
				t.Fatalf("%s %s answered %d: %s", target.method, target.path, rec.Code, rec.Body.String())
			}
		}
	})
}

// authed is r with the write token and the workbook's content type.
func authed(r *http.Request) *http.Request {
	r.Header.Set("Authorization", "Bearer "+writeTok)
	r.Header.Set("Content-Type", xlsxType)
	return r
}

// withCell is book with the cell at row and col of its sheet-th sheet (modulo
// their number) set to value.
func withCell(t *testing.T, book []byte, sheet, row, col int, value string) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(book))
	require.NoError(t, err)
	defer f.Close()
	names := f.GetSheetList()
	cell, err := excelize.CoordinatesToCellName(col, row)
	require.NoError(t, err)
	if err := f.SetCellValue(names[sheet%len(names)], cell, value); err != nil {
		return book // a value excelize itself refuses (too long): the template as it is
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}
