package batch

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// firstWithDelivery is the earliest appointment of op's plan that needs a delivery:
// its intervention, delivery and end.
func firstWithDelivery(t *testing.T, op string) (iv, delivery string, end time.Time, loc *time.Location) {
	t.Helper()
	l, err := LoadLatest(op)
	require.NoError(t, err)
	loc, err = model.LoadLocation(l.Problem.Operation.TimeZone)
	require.NoError(t, err)
	needs := map[string][]string{}
	for _, x := range l.Problem.Interventions {
		needs[x.ID] = x.Deliveries
	}
	var start time.Time
	for _, a := range l.Plan.Assignments {
		if len(needs[a.Intervention]) == 0 {
			continue
		}
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		if iv == "" || s.Before(start) {
			e, err := model.ParseMoment(a.End, loc)
			require.NoError(t, err)
			iv, delivery, start, end = a.Intervention, needs[a.Intervention][0], s, e
		}
	}
	require.NotEmpty(t, iv, "no appointment needs a delivery")
	return iv, delivery, end, loc
}

// A slip of a delivery whose work has begun is refused: the operation is an error
// naming the work, no version is written, and the event stays pending.
func TestRunRefusesASlipOfBegunWork(t *testing.T) {
	dir := operations(t)
	op := filepath.Join(dir, "op-a")
	iv, delivery, end, loc := firstWithDelivery(t, op)
	writeJSONFile(t, filepath.Join(op, "events", "001-slip.json"), model.Events{Format: model.EventsFormat,
		Events: []model.Event{{ID: "slip", Type: model.EventDeliverySlipped, Delivery: delivery, Expected: end.AddDate(0, 1, 0).In(loc).Format("2006-01-02")}}})
	for night := 0; night < 2; night++ {
		rs, err := Run(context.Background(), dir, Options{Now: end.Add(2 * time.Hour), WorkLimit: 2, Workers: 1})
		require.NoError(t, err)
		r := rs[0]
		require.Equal(t, "op-a", r.Operation)
		require.Equal(t, "error", r.Status, "%+v", r)
		require.Contains(t, r.Error, "cannot slip")
		require.Contains(t, r.Error, iv)
		vs, err := versions(op)
		require.NoError(t, err)
		require.Empty(t, vs, "a version was written for a refused event")
	}
}

// pendingWritten never lets "ok" stand for pending events without a new version.
func TestPendingEventsNeedANewVersion(t *testing.T) {
	op := t.TempDir()
	require.NoError(t, writeVersion(op, 1, map[string]any{"events.json": []string{"001.json"}}))
	cases := []struct {
		name    string
		version int
		names   []string
		status  string
	}{
		{"no events, no version", 0, nil, "ok"},
		{"events, no new version", 0, []string{"001.json"}, "error"},
		{"events, version written", 1, []string{"001.json"}, "ok"},
		{"events, version missing", 2, []string{"001.json"}, "error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := pendingWritten(op, Report{Status: "ok", Version: tc.version}, 0, tc.names)
			require.Equal(t, tc.status, r.Status, "%+v", r)
			if tc.status == "error" {
				require.Contains(t, r.Error, "pending event")
			}
		})
	}
}

// NowText takes the forms of replan --now, each in the operation's time zone.
func TestRunNowForms(t *testing.T) {
	cases := []struct {
		name, now string
		want      func(loc *time.Location) time.Time
	}{
		{"date", "2027-02-01", func(loc *time.Location) time.Time { return time.Date(2027, 2, 1, 0, 0, 0, 0, loc) }},
		{"local time", "2027-02-01T12:00", func(loc *time.Location) time.Time { return time.Date(2027, 2, 1, 12, 0, 0, 0, loc) }},
		{"RFC 3339", "2027-02-01T11:00:00Z", func(*time.Location) time.Time { return time.Date(2027, 2, 1, 11, 0, 0, 0, time.UTC) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := operations(t)
			rs, err := Run(context.Background(), dir, Options{NowText: tc.now, WorkLimit: 2, Workers: 2})
			require.NoError(t, err)
			for _, r := range rs {
				require.NotEqual(t, "error", r.Status, "%+v", r)
				if r.Operation == "op-b" {
					continue // solved from scratch: no now
				}
				l, err := LoadLatest(filepath.Join(dir, r.Operation))
				require.NoError(t, err)
				loc, err := model.LoadLocation(l.Problem.Operation.TimeZone)
				require.NoError(t, err)
				now, err := model.ParseMoment(l.Problem.Operation.Now, loc)
				require.NoError(t, err, "%s: operation.now %q", r.Operation, l.Problem.Operation.Now)
				require.True(t, now.Equal(tc.want(loc)), "%s: now %s", r.Operation, now)
			}
		})
	}
	t.Run("not a time", func(t *testing.T) {
		rs, err := Run(context.Background(), operations(t), Options{NowText: "tomorrow", WorkLimit: 2, Workers: 1})
		require.NoError(t, err)
		i := slices.IndexFunc(rs, func(r Report) bool { return r.Operation == "op-a" })
		require.Equal(t, "error", rs[i].Status)
		require.Contains(t, rs[i].Error, `now: "tomorrow" is not a date`)
	})
}
