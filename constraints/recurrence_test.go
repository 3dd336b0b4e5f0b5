package constraints

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teambition/rrule-go"
)

// The verifier returns promptly on an unvalidated problem whose recurrence never
// yields an occurrence: a sub-daily rule whose steps never reach its BY values
// (rrule-go would look for it forever) is reported as unsupported.
func TestVerifyUnreachableRecurrenceReturns(t *testing.T) {
	tests := []struct {
		rrule, want string
	}{
		{"FREQ=HOURLY;INTERVAL=24;BYHOUR=5", "never reach its BYHOUR, BYMINUTE or BYSECOND"},
		{"FREQ=HOURLY;INTERVAL=48;BYHOUR=5,10", "never reach"},
		{"FREQ=MINUTELY;INTERVAL=1440;BYMINUTE=5", "never reach"},
		{"FREQ=MINUTELY;INTERVAL=120;BYHOUR=10", "never reach"},
		{"FREQ=SECONDLY;INTERVAL=86400;BYSECOND=7", "never reach"},
		// controls: rules that reach their BY values are expanded as before
		{"FREQ=HOURLY;INTERVAL=24;BYHOUR=9", ""},
		{"FREQ=HOURLY;INTERVAL=5;BYHOUR=4", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rrule, func(t *testing.T) {
			p := vtProblem()
			p.Households[0].Availability = []model.Recurrence{{RRule: tt.rrule, Start: "09:00", Duration: "8h"}}
			data, err := json.Marshal(p)
			require.NoError(t, err)
			up, err := model.DecodeUnvalidated(bytes.NewReader(data))
			require.NoError(t, err)
			done := make(chan []Violation, 1)
			go func() { done <- Verify(up, vtPlan()) }()
			select {
			case vs := <-done:
				var msgs []string
				for _, v := range vs {
					if v.Rule == NameTenantAvailability {
						msgs = append(msgs, v.Message)
					}
				}
				if tt.want == "" {
					assert.NotContains(t, strings.Join(msgs, "\n"), "cannot be read")
					return
				}
				assert.Contains(t, strings.Join(msgs, "\n"), tt.want)
			case <-time.After(20 * time.Second):
				t.Fatalf("Verify has not returned after 20 s with availability %s", tt.rrule)
			}
		})
	}
}

// vfReachable agrees with stepping through the day as rrule-go does, on rules that
// reach their BY values and on rules that do not.
func TestRecurrenceReachability(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	freqs := []rrule.Frequency{rrule.HOURLY, rrule.MINUTELY, rrule.SECONDLY}
	units := map[rrule.Frequency]int{rrule.HOURLY: 3600, rrule.MINUTELY: 60, rrule.SECONDLY: 1}
	pick := func(n, hi int) []int {
		var out []int
		for range rng.IntN(n + 1) {
			out = append(out, rng.IntN(hi))
		}
		return out
	}
	reached, refused := 0, 0
	for i := range 3000 {
		f := freqs[i%3]
		opt := &rrule.ROption{Freq: f, Interval: []int{1, 2, 5, 7, 24, 48, 60, 90, 1440, 3600, 86400}[rng.IntN(11)],
			Byhour: pick(2, 24), Byminute: pick(2, 60), Bysecond: pick(2, 60),
			Dtstart: time.Date(2027, 3, 1, rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)}
		// step as rrule-go does, a whole cycle of the day
		unit := units[f]
		perDay := 86400 / unit
		d := opt.Dtstart
		cur := (d.Hour()*3600 + d.Minute()*60 + d.Second()) / unit
		in := func(vs []int, v int) bool {
			if len(vs) == 0 {
				return true
			}
			for _, x := range vs {
				if x == v {
					return true
				}
			}
			return false
		}
		want := false
		for range perDay {
			cur = (cur + opt.Interval) % perDay
			sec := cur * unit
			if in(opt.Byhour, sec/3600) && (f == rrule.HOURLY || in(opt.Byminute, sec/60%60)) && (f != rrule.SECONDLY || in(opt.Bysecond, sec%60)) {
				want = true
				break
			}
		}
		err := vfReachable(opt)
		assert.Equal(t, want, err == nil, fmt.Sprintf("%v interval %d from %s, by hour %v minute %v second %v: %v", f, opt.Interval, d.Format("15:04:05"), opt.Byhour, opt.Byminute, opt.Bysecond, err))
		if want {
			reached++
		} else {
			refused++
		}
	}
	assert.Greater(t, reached, 100)
	assert.Greater(t, refused, 100)
}
