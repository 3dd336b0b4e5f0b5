package solver

import "time"

// Timer receives the wall time of each phase of a solve as it ends (Settings.Timings):
// the phase's name in words and its duration. A nil Timer records nothing. Phases
// may nest: a part of a phase ("first construction: fewest-days placement") is
// named after it and reported before it.
type Timer func(phase string, d time.Duration)

// Since reports the time since t0 as phase; nothing when tm is nil.
func (tm Timer) Since(phase string, t0 time.Time) {
	if tm != nil {
		tm(phase, time.Since(t0))
	}
}

// Add reports d as phase; nothing when tm is nil.
func (tm Timer) Add(phase string, d time.Duration) {
	if tm != nil {
		tm(phase, d)
	}
}

// Prefixed is tm with prefix and ": " before each phase (nil stays nil).
func (tm Timer) Prefixed(prefix string) Timer {
	if tm == nil {
		return nil
	}
	return func(phase string, d time.Duration) { tm(prefix+": "+phase, d) }
}
