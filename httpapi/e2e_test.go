package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// binary builds cmd/rehabplan once per test run.
func rehabplanBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rehabplan-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "rehabplan")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, "../cmd/rehabplan").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("%v: %s", err, out)
		}
	})
	require.NoError(t, buildOnce.err)
	return buildOnce.path
}

type served struct {
	cmd  *exec.Cmd
	base string
}

// serve starts the binary on a loopback port over store: a bbolt directory, or
// a postgres:// URL. A PostgreSQL store whose last server was killed may still
// hold the serve lock a moment, until the database sees the session end: the
// start is tried again for up to 10 s.
func serve(t *testing.T, store string, flags ...string) *served {
	t.Helper()
	where := []string{"--data", store}
	if strings.HasPrefix(store, "postgres://") {
		where = []string{"--store", store}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, out := startServe(t, where, flags)
		if s != nil {
			return s
		}
		if where[0] != "--store" || !strings.Contains(out, "is served by") || time.Now().After(deadline) {
			t.Fatalf("the server did not start: %s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startServe starts the binary once: the server, or nil and what it said.
func startServe(t *testing.T, where, flags []string) (*served, string) {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--shutdown-timeout", "5s"}, where...)
	cmd := exec.Command(rehabplanBinary(t), append(args, flags...)...)
	cmd.Env = append(os.Environ(), "REHABPLAN_TOKENS="+writeTok+":write,"+readTok+":read")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stderr)
	addr, out := "", ""
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "rehabplan: listening on "); ok {
			addr = a
			break
		}
		out += sc.Text() + "\n"
	}
	if addr == "" {
		cmd.Wait()
		return nil, out
	}
	go io.Copy(io.Discard, stderr)
	return &served{cmd: cmd, base: "http://" + addr}, out
}

func (s *served) do(t *testing.T, method, path, tok string, body []byte, hdr ...string) (int, []byte, error) {
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// TestEndToEnd drives the real binary on loopback: create the bundled example,
// solve it, slip a delivery, read the new version, its diff and a household's feed.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := serve(t, t.TempDir())
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	code, body, _ = s.do(t, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=4", writeTok, nil)
	require.Equal(t, 202, code, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	for deadline := time.Now().Add(60 * time.Second); st.State == "running"; {
		require.True(t, time.Now().Before(deadline))
		time.Sleep(50 * time.Millisecond)
		_, body, _ = s.do(t, "GET", "/v1/jobs/"+st.ID, readTok, nil)
		require.NoError(t, json.Unmarshal(body, &st))
	}
	require.Equal(t, "done", st.State, st.Error)
	_, body, _ = s.do(t, "GET", "/v1/operations/op-les-tilleuls/plan", readTok, nil)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(gen.Example(), &plan))

	ev := []byte(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`)
	code, body, _ = s.do(t, "POST", "/v1/operations/op-les-tilleuls/events?now=2027-02-01T12:00:00%2B01:00&work_limit=4", writeTok, ev, "Idempotency-Key", "e2e-slip")
	require.Equal(t, 201, code, string(body))
	_, body, _ = s.do(t, "GET", "/v1/operations/op-les-tilleuls/versions/3", readTok, nil)
	var v3 Version
	require.NoError(t, json.Unmarshal(body, &v3))
	require.NotNil(t, v3.Plan)
	require.Empty(t, scheduler.Verify(v3.Problem, v3.Plan))
	code, body, _ = s.do(t, "GET", "/v1/operations/op-les-tilleuls/diff?from=2&to=3", readTok, nil)
	require.Equal(t, 200, code)
	var d model.Diff
	require.NoError(t, json.Unmarshal(body, &d))
	require.NotZero(t, d.Summary.Moved)
	code, body, _ = s.do(t, "GET", "/v1/operations/op-les-tilleuls/calendars/household/H001", writeTok, nil)
	require.Equal(t, 200, code)
	require.Contains(t, string(body), "BEGIN:VEVENT")

	// SIGTERM: a clean stop
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		t.Fatal("no clean stop within 10 s")
	}
}

// TestKilledServerKeepsAcknowledgedWrites kills the server with SIGKILL during
// writes (creations, PUTs with If-Match, DELETEs), 20 times: after each restart
// every acknowledged write is there, and every acknowledged deletion too; on
// each store (PostgreSQL through serve --store).
func TestKilledServerKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	forEachStore(t, func(t *testing.T, k storeKind) {
		dir := t.TempDir()
		if k.name == "postgres" {
			dir = pgtest.Schema(t)
		}
		killDuringWrites(t, dir)
	})
}

// killDuringWrites is TestKilledServerKeepsAcknowledgedWrites on the store dir
// (a bbolt directory or a postgres:// URL).
//
// One long function: four clients' loop and the checks after each restart share the
// record of what was acknowledged.
func killDuringWrites(t *testing.T, dir string) {
	rng := rand.New(rand.NewPCG(3, 4))
	small := gen.Generate(gen.Options{Dwellings: 2, Seed: 1})
	// operation -> versions acknowledged, or -1: deletion acknowledged, or -2:
	// a deletion was sent, its answer lost with the server
	acked := map[string]int{}
	check := func(s *served, round int) {
		for op, n := range acked {
			code, body, err := s.do(t, "GET", "/v1/operations/"+op+"/versions", readTok, nil)
			require.NoError(t, err)
			if n == -2 {
				require.Contains(t, []int{200, 404}, code)
				acked[op] = 1 // either way, what was acknowledged
				if code == 404 {
					acked[op] = -1
				}
				continue
			}
			if n < 0 {
				require.Equal(t, 404, code, "round %d: acknowledged deletion of %s lost: %s", round, op, body)
				continue
			}
			require.Equal(t, 200, code, "round %d: acknowledged operation %s lost", round, op)
			var vs struct{ Versions []VersionInfo }
			require.NoError(t, json.Unmarshal(body, &vs))
			require.GreaterOrEqual(t, len(vs.Versions), n, "round %d: %s lost versions", round, op)
		}
	}
	deletions := 0
	for round := 0; round < 20; round++ {
		s := serve(t, dir)
		code, _, err := s.do(t, "GET", "/readyz", readTok, nil)
		require.NoError(t, err)
		require.Equal(t, 200, code, "the store must open cleanly after a kill")
		check(s, round)
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := 0; c < 4; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for k := 0; ; k++ {
					select {
					case <-stop:
						return
					default:
					}
					p := *small
					p.Operation.ID = fmt.Sprintf("op-%d-%d-%d", round, c, k)
					op := "/v1/operations/" + p.Operation.ID
					b, _ := json.Marshal(&p)
					req, err := http.NewRequest("POST", s.base+"/v1/operations", bytes.NewReader(b))
					require.NoError(t, err)
					req.Header.Set("Authorization", "Bearer "+writeTok)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return // the server is gone
					}
					resp.Body.Close()
					if resp.StatusCode != 201 {
						continue
					}
					mu.Lock()
					acked[p.Operation.ID] = 1
					mu.Unlock()
					code, _, err := s.do(t, "PUT", op, writeTok, b, "If-Match", resp.Header.Get("ETag"))
					if err != nil {
						return
					}
					if code == 200 {
						mu.Lock()
						acked[p.Operation.ID] = 2
						mu.Unlock()
					}
					if k%2 == 1 {
						mu.Lock()
						before := acked[p.Operation.ID]
						acked[p.Operation.ID] = -2 // sent: deleted or not
						mu.Unlock()
						code, _, err = s.do(t, "DELETE", op, writeTok, nil)
						if err != nil {
							return
						}
						mu.Lock()
						acked[p.Operation.ID] = before
						if code == 204 {
							acked[p.Operation.ID] = -1
							deletions++
						}
						mu.Unlock()
					}
				}
			}(c)
		}
		time.Sleep(time.Duration(50+rng.IntN(300)) * time.Millisecond)
		require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
		s.cmd.Wait()
		close(stop)
		wg.Wait()
	}
	require.Greater(t, len(acked), 20)
	require.Greater(t, deletions, 5)
	// a last start to check the writes of the last round
	s := serve(t, dir)
	check(s, 20)
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// TestKilledServerResumesItsJobs kills the server right after it accepted a solve
// job: at its next start the job runs again under the same id and stores its plan.
func TestKilledServerResumesItsJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	dir := t.TempDir()
	s := serve(t, dir)
	b, err := json.Marshal(gen.Example())
	require.NoError(t, err)
	code, body, err := s.do(t, "POST", "/v1/operations", writeTok, b)
	require.NoError(t, err)
	require.Equal(t, 201, code, string(body))
	code, body, err = s.do(t, "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=60s&work_limit=400&seed=2", writeTok, nil)
	require.NoError(t, err)
	require.Equal(t, 202, code, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	s.cmd.Wait()

	s = serve(t, dir)
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body, err = s.do(t, "GET", "/v1/jobs/"+st.ID, readTok, nil)
		require.NoError(t, err)
		require.Equal(t, 200, code, "the acknowledged job was lost: %s", body)
		require.NoError(t, json.Unmarshal(body, &st))
		if st.State != "running" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the resumed job never ended")
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, "done", st.State, st.Error)
	require.Equal(t, 1, st.Resumed, "the job ended before the kill: the test proves nothing")
	code, body, err = s.do(t, "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	require.NoError(t, err)
	require.Equal(t, 200, code, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(gen.Example(), &plan))
}

// TestSlowAndIdleClientsAreCut: a body sent a byte at a time, a connection that
// sends nothing, and an idle keep-alive connection are each closed by the server
// after its timeouts (issue 14, defect 3: only the headers' timeout was set).
func TestSlowAndIdleClientsAreCut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := serve(t, t.TempDir(), "--read-timeout", "1s", "--idle-timeout", "1s")
	defer func() { s.cmd.Process.Kill(); s.cmd.Wait() }()
	addr := strings.TrimPrefix(s.base, "http://")
	// closedWithin says whether the server closes conn within d (reading and
	// discarding what it sends), while send keeps writing.
	closedWithin := func(conn net.Conn, d time.Duration) bool {
		conn.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
	cases := []struct {
		name string
		talk func(conn net.Conn)
	}{
		{"a body at a byte every 200 ms, no token", func(conn net.Conn) {
			fmt.Fprintf(conn, "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
			go func() {
				for i := 0; i < 1000; i++ {
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
		}},
		{"a body at a byte every 200 ms, with a token", func(conn net.Conn) {
			fmt.Fprintf(conn, "POST /v1/operations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{", writeTok)
			go func() {
				for i := 0; i < 1000; i++ {
					if _, err := conn.Write([]byte(" ")); err != nil {
						return
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
		}},
		{"nothing sent", func(net.Conn) {}},
		{"idle after an answer", func(conn net.Conn) {
			fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			t0 := time.Now()
			tc.talk(conn)
			require.True(t, closedWithin(conn, 6*time.Second), "the connection is still open after 6 s")
			t.Logf("closed after %s", time.Since(t0).Round(10*time.Millisecond))
		})
	}
	code, _, err := s.do(t, "GET", "/healthz", readTok, nil)
	require.NoError(t, err)
	require.Equal(t, 200, code)
}
