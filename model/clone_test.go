package model_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// jsonClone is the reference: a round trip through JSON.
func jsonClone(t *testing.T, p *model.Problem) *model.Problem {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var q model.Problem
	require.NoError(t, json.Unmarshal(b, &q))
	return &q
}

// fill sets every field reachable from v: strings, numbers, booleans, pointers, and
// lists: of n elements when not inside another list, of inner elements inside one
// (0 makes empty, non-nil lists).
func fill(v reflect.Value, n, inner int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x<&é")
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Float64:
		v.SetFloat(0.1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n, inner)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			fill(v.Index(i), inner, inner)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), n, inner)
		}
	case reflect.Map:
		panic("Clone does not know maps: " + v.Type().String())
	}
}

// shares reports a slice or pointer of a that b also holds (same backing array or
// pointee), with its path.
func shares(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shares(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() == 0 || b.Len() == 0 {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		for i := 0; i < a.Len() && i < b.Len(); i++ {
			if s := shares(a.Index(i), b.Index(i), path+"[]"); s != "" {
				return s
			}
		}
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if s := shares(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); s != "" {
				return s
			}
		}
	}
	return ""
}

func checkClone(t *testing.T, name string, p *model.Problem) {
	t.Helper()
	c := p.Clone()
	require.True(t, reflect.DeepEqual(jsonClone(t, p), c), "%s: Clone differs from a JSON round trip", name)
	require.Empty(t, shares(reflect.ValueOf(p), reflect.ValueOf(c), "problem"), "%s: the clone shares memory with the original", name)
}

func TestCloneEveryField(t *testing.T) {
	for _, n := range [][2]int{{0, 0}, {1, 0}, {1, 1}, {2, 2}} {
		var p model.Problem
		fill(reflect.ValueOf(&p).Elem(), n[0], n[1])
		checkClone(t, "filled", &p)
	}
	var zero model.Problem
	checkClone(t, "zero", &zero)
	require.Nil(t, (*model.Problem)(nil).Clone())
}

func TestCloneDocuments(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.json")
	files = append(files, "testdata/valid.json")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var p model.Problem
		if json.Unmarshal(b, &p) != nil {
			continue
		}
		checkClone(t, f, &p)
		n++
	}
	require.Greater(t, n, 10)
	for _, d := range []int{3, 40} {
		p := gen.Generate(gen.Options{Dwellings: d, Seed: 3})
		checkClone(t, "generated", p)
	}
	checkClone(t, "example", gen.Example())
}
