package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidProblemPasses(t *testing.T) {
	data, err := os.ReadFile("testdata/valid.json")
	require.NoError(t, err)
	p, err := DecodeBytes(data)
	require.NoError(t, err)
	assert.Len(t, p.Interventions, 4)
}

// Every file of testdata/invalid is refused with its expected message, which names
// the field and the entity.
func TestInvalidCorpus(t *testing.T) {
	files, err := filepath.Glob("../testdata/invalid/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 20)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".expected")
			require.NoError(t, err)
			_, err = DecodeBytes(data)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalid))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), strings.TrimSpace(string(want)))
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		day  int
		want int
		err  bool
	}{
		{"45m", 480, 45, false},
		{"1h30m", 480, 90, false},
		{"0.5d", 480, 240, false},
		{"2d", 420, 840, false},
		{"1d", 0, 0, true},
		{"-1h", 480, 0, true},
		{"", 480, 0, true},
		{"3w", 480, 0, true},
		{"h", 480, 0, true},
		{"99999d", 480, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in, tt.day)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFrenchHolidays2027(t *testing.T) {
	var got []string
	for _, d := range FrenchHolidays(2027) {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-08", "2027-05-06", "2027-05-17",
		"2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"}, got)
}

func TestValidationErrorsAreCapped(t *testing.T) {
	p := &Problem{Format: Format, Operation: Operation{ID: "x", TimeZone: "Europe/Paris", Start: "2027-01-01", End: "2027-02-01"}}
	for i := 0; i < 200; i++ {
		p.Interventions = append(p.Interventions, Intervention{ID: "", Dwelling: "nope"})
	}
	var ve *ValidationError
	require.ErrorAs(t, Validate(p), &ve)
	assert.LessOrEqual(t, len(ve.Errors), 50)
}
