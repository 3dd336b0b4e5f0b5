package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// proc is a subprocess of the built binary, its stderr kept.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{} // closed once it ended and its stderr is read
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// startProc starts the binary with args and waits for a line of its stderr
// matching ready; it returns the process and the match's first group.
func startProc(t *testing.T, env []string, ready *regexp.Regexp, args ...string) (*proc, string) {
	t.Helper()
	p := &proc{cmd: exec.Command(binary(t), args...), done: make(chan struct{})}
	p.cmd.Env = env
	pr, pw := io.Pipe()
	p.cmd.Stderr = io.MultiWriter(p, pw)
	require.NoError(t, p.cmd.Start())
	go func() { p.cmd.Wait(); pw.Close(); close(p.done) }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[len(m)-1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case m, ok := <-found:
		require.True(t, ok, "%v ended before it was ready: %s", args, p.log())
		return p, m
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("%v not ready in 30 s: %s", args, p.log())
	}
	return nil, ""
}

// httpDo calls one instance with the test's token.
func httpDo(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer queue-test-token-abcdef")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// TestServicesAndWorkersShareOneDatabase is issue 19's acceptance: three serve
// instances and two workers, subprocesses of the built binary, on loopback and
// one PostgreSQL. An operation created through one instance is solved by a
// worker and read through another. Then workers are killed (SIGKILL) at random
// moments 20 times while solve jobs run, each restarted: every job ends once,
// done, and every operation has its solved version once (none lost, none
// doubled).
//
// One long function: the scenario reads in order, its processes set up and
// torn down in one place.
func TestServicesAndWorkersShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five processes and kills workers 20 times")
	}
	url := pgtest.Schema(t)
	binary(t) // built before the clock of the scenario starts
	env := []string{"REHABPLAN_TOKENS=queue-test-token-abcdef:admin", "HOME=/tmp", "PATH=/usr/bin:/bin"}
	listening := regexp.MustCompile(`listening on (\S+)`)
	started := regexp.MustCompile(`(worker started)`)
	var serves []*proc
	var addrs []string
	for range 3 {
		p, addr := startProc(t, env, listening, "serve", "--store", url, "--addr", "127.0.0.1:0", "--take-jobs", "0")
		serves = append(serves, p)
		addrs = append(addrs, "http://"+addr)
	}
	workerArgs := []string{"worker", "--store", url, "--lease", "1s", "--poll", "100ms"}
	workers := make([]*proc, 2)
	var ended []*proc // every worker process, killed or not: their logs
	for i := range workers {
		workers[i], _ = startProc(t, env, started, workerArgs...)
		ended = append(ended, workers[i])
	}
	t.Cleanup(func() {
		for _, p := range append(serves, workers...) {
			p.cmd.Process.Signal(syscall.SIGTERM)
		}
		for _, p := range append(serves, workers...) {
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				p.cmd.Process.Kill()
				<-p.done
			}
		}
	})

	// created through one instance, solved by a worker, read through another
	example, err := json.Marshal(gen.Example())
	require.NoError(t, err)
	code, body := httpDo(t, "POST", addrs[0]+"/v1/operations", example)
	require.Equal(t, 201, code, string(body))
	code, body = httpDo(t, "POST", addrs[0]+"/v1/operations/op-les-tilleuls/solve?work_limit=20", nil)
	require.Equal(t, 202, code, string(body))
	var job httpapi.JobStatus
	require.NoError(t, json.Unmarshal(body, &job))
	deadline := time.Now().Add(30 * time.Second)
	for job.State == "running" {
		require.True(t, time.Now().Before(deadline), "job still running: %s", body)
		time.Sleep(100 * time.Millisecond)
		code, body = httpDo(t, "GET", addrs[1]+"/v1/jobs/"+job.ID, nil)
		require.Equal(t, 200, code, string(body))
		require.NoError(t, json.Unmarshal(body, &job))
	}
	require.Equal(t, "done", job.State, job.Error)
	code, body = httpDo(t, "GET", addrs[2]+"/v1/operations/op-les-tilleuls/plan", nil)
	require.Equal(t, 200, code, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	assert.Empty(t, scheduler.Verify(gen.Example(), &plan))
	workerLogs := func() string {
		var b strings.Builder
		for _, p := range ended {
			b.WriteString(p.log())
		}
		return b.String()
	}
	assert.Contains(t, workerLogs(), "job="+job.ID, "a worker ran it")
	for _, p := range serves {
		assert.NotContains(t, p.log(), "job ended", "no service ran it (--take-jobs 0)")
	}

	// solve jobs of 1 s each on operations of their own, workers killed
	const ops = 24
	ids := map[string]string{} // job -> operation
	for i := range ops {
		p := gen.Example()
		p.Operation.ID = fmt.Sprintf("op-%02d", i)
		doc, err := json.Marshal(p)
		require.NoError(t, err)
		addr := addrs[i%3]
		code, body := httpDo(t, "POST", addr+"/v1/operations", doc)
		require.Equal(t, 201, code, string(body))
		code, body = httpDo(t, "POST", addr+"/v1/operations/"+p.Operation.ID+"/solve?time_limit=1s", nil)
		require.Equal(t, 202, code, string(body))
		var st httpapi.JobStatus
		require.NoError(t, json.Unmarshal(body, &st))
		ids[st.ID] = p.Operation.ID
	}
	for k := range 20 {
		i := k % 2
		time.Sleep(time.Duration(200+rand.IntN(700)) * time.Millisecond)
		require.NoError(t, workers[i].cmd.Process.Kill())
		<-workers[i].done
		workers[i], _ = startProc(t, env, started, workerArgs...)
		ended = append(ended, workers[i])
	}
	st, err := httpapi.OpenPostgres(url)
	require.NoError(t, err)
	defer st.Close()
	deadline = time.Now().Add(90 * time.Second)
	resumed := 0
	for id, op := range ids {
		var rec *httpapi.JobRecord
		for {
			rec, err = st.GetJob(id)
			require.NoError(t, err)
			if rec.State != "running" {
				break
			}
			require.True(t, time.Now().Before(deadline), "job %s still running", id)
			time.Sleep(200 * time.Millisecond)
		}
		assert.Equal(t, "done", rec.State, "job %s: %s", id, rec.Error)
		assert.Equal(t, 2, rec.Version, "job %s", id)
		resumed += rec.Resumed
		vs, err := st.Versions(op)
		require.NoError(t, err)
		if assert.Len(t, vs, 2, "%s: created, then solved once", op) {
			assert.Equal(t, "solved", vs[1].Kind)
		}
	}
	logs := workerLogs()
	for id := range ids {
		assert.LessOrEqual(t, strings.Count(logs, "msg=\"job ended\" job="+id), 1, "job %s ended once", id)
	}
	t.Logf("%d jobs, 20 workers killed: %d claims taken again after a death", ops, resumed)
	assert.GreaterOrEqual(t, resumed, 5, "the kills hit jobs while they ran")

	// SIGTERM stops a worker cleanly
	require.NoError(t, workers[0].cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-workers[0].done:
	case <-time.After(20 * time.Second):
		t.Fatal("a worker did not stop on SIGTERM")
	}
	assert.Equal(t, 0, workers[0].cmd.ProcessState.ExitCode())
	assert.Contains(t, workers[0].log(), "worker stopped")
}
