// Package pgtest gives tests a PostgreSQL database: the server named by
// REHABPLAN_TEST_POSTGRES, or else a throwaway one started from the PostgreSQL
// binaries installed on the machine (initdb and pg_ctl, as Debian's postgresql
// package installs them), on a Unix socket in a temporary directory. When neither
// can be had the test is skipped with a message saying why, or fails when
// REHABPLAN_REQUIRE_POSTGRES=1 (as in CI).
//
// A test package that uses it stops the throwaway server in its TestMain:
//
//	func TestMain(m *testing.M) { code := m.Run(); pgtest.Stop(); os.Exit(code) }
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	once    sync.Once
	baseURL string // the server's URL, "" when none
	whyNot  string // why there is none
	dataDir string // the throwaway server's directory, "" when not ours
	pgCtl   string
	cred    *syscall.Credential
)

// TB is what Schema needs of a test (testing.TB has it): the package does not
// import testing, which production code never does (a test checks it).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
}

// Schema returns the URL of a new, empty schema of the test server (its
// search_path set), dropped when the test ends. It skips the test when there is
// no server, or fails it when REHABPLAN_REQUIRE_POSTGRES=1.
func Schema(t TB) string {
	t.Helper()
	once.Do(start)
	if baseURL == "" {
		if os.Getenv("REHABPLAN_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (REHABPLAN_REQUIRE_POSTGRES=1) but none: %s", whyNot)
		}
		t.Skipf("no PostgreSQL: %s (set REHABPLAN_TEST_POSTGRES=postgres://... or install postgresql)", whyNot)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := connect(ctx, baseURL)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", baseURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", baseURL, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := connect(ctx, baseURL); err == nil {
			conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	})
	return WithParam(baseURL, "search_path", schema)
}

// connect opens one connection to the server at u, which may carry the pool's
// parameters (pool_max_conns...), as the store's URL may.
func connect(ctx context.Context, u string) (*pgx.Conn, error) {
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, err
	}
	return pgx.ConnectConfig(ctx, cfg.ConnConfig)
}

// WithParam adds a parameter to a postgres:// URL (or a key=value one).
func WithParam(u, k, v string) string {
	if !strings.Contains(u, "://") {
		return u + " " + k + "=" + v
	}
	pu, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := pu.Query()
	q.Set(k, v)
	pu.RawQuery = q.Encode()
	return pu.String()
}

// start finds or starts the server, once per test binary.
func start() {
	if u := os.Getenv("REHABPLAN_TEST_POSTGRES"); u != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := connect(ctx, u)
		if err != nil {
			whyNot = fmt.Sprintf("REHABPLAN_TEST_POSTGRES names a server that does not answer: %v", err)
			return
		}
		conn.Close(ctx)
		baseURL = u
		return
	}
	u, err := startThrowaway()
	if err != nil {
		whyNot = err.Error()
		return
	}
	baseURL = u
}

// binDir finds the directory of initdb and pg_ctl: on the PATH, or Debian's
// /usr/lib/postgresql/VERSION/bin (the newest).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestV := "", -1
	for _, d := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if _, e := os.Stat(filepath.Join(d, "initdb")); e == nil && err == nil && v > bestV {
			best, bestV = d, v
		}
	}
	if best == "" {
		return "", errors.New("REHABPLAN_TEST_POSTGRES is not set and initdb and pg_ctl are not installed")
	}
	return best, nil
}

// startThrowaway runs initdb and pg_ctl start in a temporary directory, the
// server listening on a Unix socket there only. As root (PostgreSQL refuses to
// run as root) it runs them as the postgres user.
func startThrowaway() (string, error) {
	bin, err := binDir()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "rehabplan-pgtest-")
	if err != nil {
		return "", err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return "", errors.New("running as root and there is no postgres user to run a throwaway server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "rehabplan", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("starting a throwaway PostgreSQL: %v", err)
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off", dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return "", fmt.Errorf("starting a throwaway PostgreSQL: %v %s", err, log)
	}
	dataDir, pgCtl = data, filepath.Join(bin, "pg_ctl")
	q := url.Values{"host": {dir}, "user": {"rehabplan"}}
	return "postgres:///postgres?" + q.Encode(), nil
}

// Stop stops the throwaway server and removes its directory (nothing when the
// server was REHABPLAN_TEST_POSTGRES's or none was started).
func Stop() {
	if dataDir == "" {
		return
	}
	cmd := exec.Command(pgCtl, "-D", dataDir, "-m", "immediate", "-w", "stop")
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	cmd.Run()
	os.RemoveAll(filepath.Dir(dataDir))
	dataDir = ""
}
