package sheets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var examplePath = filepath.Join("..", "testdata", "operations", "example.json")

func readExample(t testing.TB) *model.Problem {
	t.Helper()
	f, err := os.Open(examplePath)
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

func canonical(t testing.TB, p *model.Problem) string {
	t.Helper()
	b, err := model.MarshalProblemIndent(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return "line " + itoa(i+1) + ":\nwant: " + strings.Join(la[lo:i+1], "\n") + "\ngot:  " + strings.Join(lb[lo:i+1], "\n")
		}
	}
	return "lengths differ"
}

func TestRoundTripExample(t *testing.T) {
	p := readExample(t)
	var buf bytes.Buffer
	if err := Template(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := Import(bytes.NewReader(buf.Bytes()), scheduler.French)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := canonical(t, p), canonical(t, q); a != b {
		t.Fatalf("the problem read back differs: %s", firstDiff(a, b))
	}
}
