package model

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: the decoder never panics, and what it accepts survives a round trip.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("../testdata/invalid/*.json")
	files = append(files, "testdata/valid.json", "../testdata/operations/example.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeBytes(data)
		if err != nil {
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := DecodeBytes(again); err != nil {
			t.Fatalf("accepted once, refused after a round trip: %v", err)
		}
	})
}

// FuzzDecodePlan: the plan decoder never panics.
func FuzzDecodePlan(f *testing.F) {
	f.Add([]byte(`{"format":"rehabplan-plan/v1","operation":"x","status":"complete","seed":0,"assignments":[],"unplaced":[]}`))
	f.Add([]byte(`{"format":"rehabplan-plan/v1","assignments":[{"intervention":"a","start":"2027-01-01T08:00:00+01:00"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodePlan(bytesReader(data))
	})
}

func bytesReader(b []byte) *bytesReaderT { return &bytesReaderT{b: b} }

type bytesReaderT struct{ b []byte }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
