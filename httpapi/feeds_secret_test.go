package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// events of an ics feed: UID -> SEQUENCE, DTSTART and the whole event
type icsEv struct{ seq, start, text string }

var veventRE = regexp.MustCompile(`(?s)BEGIN:VEVENT\r\n(.*?)END:VEVENT`)

func icsEvents(t *testing.T, ics string) map[string]icsEv {
	t.Helper()
	out := map[string]icsEv{}
	for _, m := range veventRE.FindAllStringSubmatch(ics, -1) {
		body := strings.ReplaceAll(m[1], "\r\n ", "") // unfold
		var e icsEv
		uid := ""
		for _, l := range strings.Split(body, "\r\n") {
			switch {
			case strings.HasPrefix(l, "UID:"):
				uid = strings.TrimPrefix(l, "UID:")
			case strings.HasPrefix(l, "SEQUENCE:"):
				e.seq = strings.TrimPrefix(l, "SEQUENCE:")
			case strings.HasPrefix(l, "DTSTART:"):
				e.start = strings.TrimPrefix(l, "DTSTART:")
			}
		}
		e.text = body
		require.NotEmpty(t, uid)
		_, dup := out[uid]
		require.False(t, dup, "UID %s twice", uid)
		out[uid] = e
	}
	return out
}

func makeFeed(t *testing.T, ts *httptest.Server, tok, op, kind, who string) feedCreated {
	t.Helper()
	resp, body := call(t, ts, "POST", "/v1/operations/"+op+"/feeds", tok, []byte(`{"kind":"`+kind+`","who":"`+who+`"}`))
	require.Equal(t, 201, resp.StatusCode, string(body))
	var f feedCreated
	require.NoError(t, json.Unmarshal(body, &f))
	return f
}

// TestSecretFeeds: a pilot makes feeds for a household and a crew; their URLs
// need no token and show only their owner's appointments, one event per worked
// stretch, the household's in French without crews; SEQUENCE stays while an
// event does not change and rises by one when it does; a revoked feed, or one of
// a deleted operation, answers 404; the feeds' routes are the pilot's and the
// admin's, within their scope.
func TestSecretFeeds(t *testing.T) {
	ts, _, _ := roleServer(t)
	hh := makeFeed(t, ts, tokPilot, "op-a", "household", "H002")
	crew := makeFeed(t, ts, tokAdmin, "op-a", "crew", "PLB-1")
	require.True(t, strings.HasPrefix(hh.Path, "/v1/feeds/") && strings.HasSuffix(hh.Path, ".ics"))
	require.GreaterOrEqual(t, len(strings.TrimSuffix(strings.TrimPrefix(hh.Path, "/v1/feeds/"), ".ics")), 43, "32 random bytes")
	require.Equal(t, "pilot-asso", hh.CreatedBy)

	// no bearer token
	resp, body := call(t, ts, "GET", hh.Path, "", nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
	hev := icsEvents(t, string(body))
	// H002 lives in B2-A-02: its visit (1 stretch), plumbing (4) and painting (2)
	require.Len(t, hev, 7)
	for uid, e := range hev {
		require.True(t, strings.HasPrefix(uid, "B2-A-02/"), uid)
		require.Contains(t, e.text, "SUMMARY:Travaux : ")
		require.Contains(t, e.text, "LOCATION:Votre logement B2-A-02")
		require.NotContains(t, e.text, "PLB-")
		require.NotContains(t, e.text, "PNT-")
		require.Equal(t, "0", e.seq)
	}
	require.Contains(t, hev["B2-A-02/plumbing#2@op-a.rehabplan"].text, "Plomberie (2/4)")
	require.Contains(t, hev["B2-A-02/plumbing#1@op-a.rehabplan"].text, "Vos clés sont chez le pilote")

	resp, body = call(t, ts, "GET", crew.Path, "", nil)
	require.Equal(t, 200, resp.StatusCode)
	cev := icsEvents(t, string(body))
	require.NotEmpty(t, cev)
	for _, e := range cev {
		require.Regexp(t, `LOCATION:logement [^\r]+ étage \d`, e.text)
		require.Contains(t, e.text, "Accès : ")
		require.NotContains(t, e.text, "H00", "a crew's feed names no household")
	}

	// the household's feed read is audited by the feed's id; the crew's names no household
	resp, body = call(t, ts, "GET", "/v1/audit", tokAdmin, nil)
	require.Equal(t, 200, resp.StatusCode)
	var audit auditAnswer
	require.NoError(t, json.Unmarshal(body, &audit))
	require.Len(t, audit.Records, 1, string(body))
	require.Equal(t, "feed:"+hh.ID, audit.Records[0].Token)
	require.Equal(t, "H002", audit.Records[0].Household)

	// read again: nothing changed, nothing raised
	_, body = call(t, ts, "GET", hh.Path, "", nil)
	require.Equal(t, hev, icsEvents(t, string(body)))

	// a replan that moves H002's painting: that event's SEQUENCE rises, the others stay
	ev := `{"format":"rehabplan-events/v1","events":[{"id":"e2","type":"crew_absent","crew":"PNT-1","from":"2027-03-09","to":"2027-03-12"}]}`
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/events?now=2027-02-15T12:00:00%2B01:00&work_limit=200&seed=1", tokManager, []byte(ev))
	require.Equal(t, 201, resp.StatusCode, string(body))
	_, body = call(t, ts, "GET", hh.Path, "", nil)
	after := icsEvents(t, string(body))
	moved, kept := 0, 0
	for uid, e := range after {
		old, ok := hev[uid]
		switch {
		case !ok:
			require.Equal(t, "0", e.seq, "a new stretch %s", uid)
		case old.text == e.text:
			kept++
		case old.start != e.start:
			require.Equal(t, "1", e.seq, uid)
			moved++
		}
	}
	require.NotZero(t, moved, "the painting moved")
	require.NotZero(t, kept)
	for uid, e := range after {
		if strings.Contains(uid, "/visit") || strings.Contains(uid, "/plumbing") {
			require.Equal(t, hev[uid], e, "unchanged %s", uid)
		}
	}
	// the same again: no SEQUENCE rises twice for one change
	_, body = call(t, ts, "GET", hh.Path, "", nil)
	require.Equal(t, after, icsEvents(t, string(body)))

	// the list shows no secret; revoking kills the URL
	resp, body = call(t, ts, "GET", "/v1/operations/op-a/feeds", tokPilot, nil)
	require.Equal(t, 200, resp.StatusCode)
	require.NotContains(t, string(body), strings.TrimSuffix(strings.TrimPrefix(hh.Path, "/v1/feeds/"), ".ics"))
	var list feedsAnswer
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Feeds, 2)
	resp, _ = call(t, ts, "DELETE", "/v1/operations/op-a/feeds/"+hh.ID, tokPilot, nil)
	require.Equal(t, 204, resp.StatusCode)
	resp, _ = call(t, ts, "GET", hh.Path, "", nil)
	require.Equal(t, 404, resp.StatusCode)
	resp, _ = call(t, ts, "GET", crew.Path, "", nil)
	require.Equal(t, 200, resp.StatusCode, "the other feed lives on")

	// who may manage feeds
	for _, c := range []struct {
		method, path, tok string
		want              int
	}{
		{"POST", "/v1/operations/op-a/feeds", tokManager, 403},
		{"POST", "/v1/operations/op-a/feeds", tokViewer, 403},
		{"POST", "/v1/operations/op-a/feeds", tokContractor, 403},
		{"POST", "/v1/operations/op-b/feeds", tokPilot, 403},
		{"GET", "/v1/operations/op-a/feeds", readTok, 403},
		{"DELETE", "/v1/operations/op-b/feeds/" + crew.ID, tokAdmin, 404},
	} {
		resp, body := call(t, ts, c.method, c.path, c.tok, []byte(`{"kind":"crew","who":"PLB-1"}`))
		require.Equal(t, c.want, resp.StatusCode, "%s %s: %s", c.method, c.path, body)
	}

	// the operation deleted and created again: its old feeds are dead
	resp, _ = call(t, ts, "DELETE", "/v1/operations/op-a", tokAdmin, nil)
	require.Equal(t, 204, resp.StatusCode)
	prob, err := os.ReadFile("testdata/roles/problem.json")
	require.NoError(t, err)
	resp, _ = call(t, ts, "POST", "/v1/operations", tokAdmin, prob)
	require.Equal(t, 201, resp.StatusCode)
	resp, _ = call(t, ts, "GET", crew.Path, "", nil)
	require.Equal(t, 404, resp.StatusCode)
}
