package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rehabplan/rehabplan/httpapi"
)

// storeFlags are the flags that choose a store: --store URL (PostgreSQL) or
// --data DIR (the embedded bbolt store, the default).
type storeFlags struct {
	fs    *flag.FlagSet
	store *string
	data  *string
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	return &storeFlags{
		fs:    fs,
		store: fs.String("store", "", "a PostgreSQL store: postgres://USER:PASSWORD@HOST/DB (or set REHABPLAN_STORE); without it, the bbolt store under --data"),
		data:  fs.String("data", "rehabplan-data", "directory of the embedded bbolt store (one file, rehabplan.db)"),
	}
}

// open opens the store the flags name: --store, else --data when given, else
// REHABPLAN_STORE, else the bbolt store under the default --data. It returns the
// store and what to call it in messages.
func (f *storeFlags) open() (httpapi.Dumper, string, error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["store"] && set["data"] {
		return nil, "", fmt.Errorf("--store and --data both given: a PostgreSQL store or a bbolt directory, not both")
	}
	url := *f.store
	if !set["store"] && !set["data"] {
		url = os.Getenv("REHABPLAN_STORE")
	}
	if url != "" {
		if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
			return nil, "", fmt.Errorf("--store %q: want a postgres:// URL (the bbolt store is chosen with --data DIR)", url)
		}
		st, err := httpapi.OpenPostgres(url)
		if err != nil {
			return nil, "", err
		}
		return st, "the PostgreSQL store", nil
	}
	if err := os.MkdirAll(*f.data, 0o700); err != nil {
		return nil, "", err
	}
	path := filepath.Join(*f.data, "rehabplan.db")
	st, err := httpapi.OpenBolt(path)
	if err != nil {
		return nil, "", err
	}
	return st, path, nil
}

const storeAbout = `
  export writes the store as JSON lines (stdout or -o FILE); import loads a FILE
  of them (- for standard input) into an empty store, all or nothing. One line per
  operation version, idempotency key, job record and row of a night's report
  (rehabplan batch --store), incarnations kept: a store exported from bbolt and
  imported into PostgreSQL (or back) serves every request as the first would, and
  a night moved along is not replanned again.
`

// cmdStore moves a store's content out (export) and in (import).
func cmdStore(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("store", stderr)
	fs.Usage = func() {
		commandUsage(fs, "store")
		fmt.Fprint(fs.Output(), storeAbout)
	}
	sf := addStoreFlags(fs)
	out := fs.String("o", "", "export: write to FILE instead of stdout")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) == 0 || (pos[0] != "export" && pos[0] != "import") {
		fmt.Fprintf(stderr, "rehabplan store: want export or import (see rehabplan store --help)\n")
		return exitInvalid
	}
	sub := pos[0]
	var in io.Reader
	switch {
	case sub == "export" && !noArguments(stderr, "store export", pos[1:]):
		return exitInvalid
	case sub == "import" && len(pos) != 2:
		fmt.Fprintf(stderr, "rehabplan store import: want one FILE of JSON lines (- for standard input)\n")
		return exitInvalid
	case sub == "import" && pos[1] == "-":
		in = os.Stdin
	case sub == "import":
		f, err := os.Open(pos[1])
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
		defer f.Close()
		in = f
	}
	st, name, err := sf.open()
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	defer st.Close()
	var counts map[string]int
	if sub == "export" {
		w := stdout
		var f *os.File
		if *out != "" {
			if f, err = os.Create(*out); err != nil {
				fmt.Fprintf(stderr, "rehabplan: %v\n", err)
				return exitFail
			}
			w = f
		}
		counts, err = httpapi.WriteDump(w, st)
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	} else {
		counts, err = httpapi.ReadDump(in, st)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan store %s: %s: %v\n", sub, name, err)
		return exitFail
	}
	verb := map[string]string{"export": "exported from", "import": "imported into"}[sub]
	fmt.Fprintf(stderr, "rehabplan: %s %s: %s\n", verb, name, countLine(counts))
	return exitOK
}

// countLine says how many records of each kind were moved.
func countLine(counts map[string]int) string {
	return fmt.Sprintf("%d versions, %d idempotency keys, %d job records, %d tenants' requests (%d keys), %d audit records, %d calendar feeds (%d event sequences), %d server key, %d rows of nights' reports",
		counts["version"], counts["idempotency"], counts["job"], counts["request"], counts["request_key"], counts["audit"], counts["feed"],
		counts["event_sequence"], counts["server_key"], counts["night"])
}
