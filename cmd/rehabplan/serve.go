package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/httpapi"
)

// cmdServe runs the HTTP service.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", ":8080", "listen address")
	sf := addStoreFlags(fs)
	tokens := fs.String("tokens", "", "file of bearer tokens, one \"TOKEN ROLE\" per line (role read or write); or set REHABPLAN_TOKENS=\"TOKEN:ROLE,...\"")
	cors := fs.String("cors-origin", "", "comma-separated origins allowed to call from a browser")
	maxJobs := fs.Int("max-jobs", 2, "solve jobs running at once")
	maxSolve := fs.Duration("max-solve-time", 5*time.Minute, "longest solve or replan")
	grace := fs.Duration("shutdown-timeout", 20*time.Second, "on SIGTERM, how long running jobs get to store their best plan")
	pos, err := parse(fs, args)
	if err != nil || !noArguments(stderr, "serve", pos) {
		return exitInvalid
	}
	if !checkFlags(stderr, atLeast("max-jobs", *maxJobs, 1), positive("max-solve-time", *maxSolve), positive("shutdown-timeout", *grace)) {
		return exitInvalid
	}
	toks, err := loadTokens(*tokens, os.Getenv("REHABPLAN_TOKENS"))
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	if len(toks) == 0 {
		fmt.Fprintln(stderr, "rehabplan: no tokens: give --tokens FILE or REHABPLAN_TOKENS (nobody could call the API)")
		return exitInvalid
	}
	store, _, err := sf.open()
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	defer store.Close()
	if pg, ok := store.(*httpapi.PGStore); ok {
		host, _ := os.Hostname()
		if err := pg.HoldServe(fmt.Sprintf("rehabplan serve pid %d on %s", os.Getpid(), host)); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	}
	var origins []string
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv := httpapi.New(httpapi.Config{Store: store, Tokens: toks, CORSOrigins: origins, MaxJobs: *maxJobs, MaxSolveTime: *maxSolve, Logger: logger})
	if n, err := srv.ResumeJobs(); err != nil {
		fmt.Fprintf(stderr, "serve: resuming the jobs of the last run: %v\n", err)
		return exitFail
	} else if n > 0 {
		logger.Info("resumed the solve jobs the last run left running", "jobs", n)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stderr, "rehabplan: listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	case <-ctx.Done():
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), *grace)
		defer cancel()
		srv.Shutdown(sctx)
		hs.Shutdown(sctx)
	}
	return exitOK
}

// loadTokens reads "TOKEN ROLE" lines from a file and "TOKEN:ROLE" pairs from env.
func loadTokens(path, env string) (map[string]string, error) {
	toks := map[string]string{}
	add := func(tok, role, where string) error {
		if role != httpapi.RoleRead && role != httpapi.RoleWrite {
			return fmt.Errorf("%s: role %q (read or write)", where, role)
		}
		if len(tok) < 16 {
			return fmt.Errorf("%s: a token of fewer than 16 characters is too easy to guess", where)
		}
		toks[tok] = role
		return nil
	}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) != 2 {
				return nil, fmt.Errorf("%s line %d: want \"TOKEN ROLE\"", path, n)
			}
			if err := add(fields[0], fields[1], fmt.Sprintf("%s line %d", path, n)); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	for i, pair := range strings.Split(env, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		tok, role, ok := strings.Cut(pair, ":")
		if !ok {
			return nil, fmt.Errorf("REHABPLAN_TOKENS entry %d: want TOKEN:ROLE", i+1)
		}
		if err := add(tok, role, fmt.Sprintf("REHABPLAN_TOKENS entry %d", i+1)); err != nil {
			return nil, err
		}
	}
	return toks, nil
}
