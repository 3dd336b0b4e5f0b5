package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: the decoder never panics; what it refuses it refuses the same way
// each time, as a *ValidationError of at most 50 errors that each name a field, in
// document order; what it accepts survives a round trip.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("../testdata/invalid/*.json")
	files = append(files, "testdata/valid.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	if data, err := json.Marshal(minimalProblem()); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeBytes(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("not a *ValidationError: %T %v", err, err)
			}
			if len(ve.Errors) == 0 || len(ve.Errors) > 50 {
				t.Fatalf("%d errors", len(ve.Errors))
			}
			for _, fe := range ve.Errors {
				if fe == nil || fe.Field == "" {
					t.Fatalf("an error without its field: %v", err)
				}
			}
			assertDocumentOrder(t, ve.Errors)
			if _, err2 := DecodeBytes(data); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("not deterministic:\n%v\n%v", err, err2)
			}
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := DecodeBytes(again); err != nil {
			t.Fatalf("accepted once, refused after a round trip: %v", err)
		}
		// what other packages call on a validated problem does not panic either
		x := NewIndex(p)
		for i := range p.Interventions {
			iv := &p.Interventions[i]
			_, _, _ = x.NeedsPilot(iv), x.AccessOf(iv), x.ProfilesOf(iv)
		}
		_ = p.HolidayDates()
		_ = p.StairwellIDs()
	})
}

// FuzzPlanDecode: the plan decoder never panics. (Not named FuzzDecodePlan: -fuzz=FuzzDecode
// must match one fuzz test only.)
func FuzzPlanDecode(f *testing.F) {
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

func FuzzDecodeEvents(f *testing.F) {
	f.Add([]byte(`{"format":"rehabplan-events/v1","events":[{"id":"e1","type":"delivery_slipped","delivery":"D1","expected":"2027-03-09T08:00"}]}`))
	f.Add([]byte(`{"format":"rehabplan-events/v1","events":[{"id":"e1","type":"crew_absent","crew":"C","from":"2027-02-02","to":"2027-02-05"},{"id":"e1","type":"nope"}]}`))
	f.Add([]byte(`{"format":"rehabplan-events/v1","events":[{"id":"e2","type":"intervention_partly_done","intervention":"I","remaining":"-3h","add":{"id":""}}]}`))
	f.Add([]byte(`{"format":"rehabplan-events/v1","events":[{"id":"e3","type":"household_changed","household":{"id":"","availability":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := DecodeEvents(bytes.NewReader(data))
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("error is not a ValidationError with errors: %v", err)
			}
			for _, fe := range ve.Errors {
				if fe.Field == "" || fe.Msg == "" {
					t.Fatalf("field error without field or message: %+v", fe)
				}
			}
			return
		}
		if ev.Format != EventsFormat {
			t.Fatalf("accepted format %q", ev.Format)
		}
		ids := map[string]bool{}
		for _, e := range ev.Events {
			if e.ID == "" || ids[e.ID] {
				t.Fatalf("accepted a missing or duplicate id %q", e.ID)
			}
			ids[e.ID] = true
		}
	})
}
