package main

import (
	"fmt"
	"io"

	"github.com/rehabplan/rehabplan/gen"
)

// cmdGen writes a generated operation to stdout.
func cmdGen(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("gen", stderr)
	n := fs.Int("dwellings", 60, "number of dwellings")
	seed := fs.Int64("seed", 1, "random seed")
	buildings := fs.Int("buildings", 0, "buildings (0: one per 20 dwellings)")
	pilots := fs.Int("pilots", 0, "pilots (0: one per 250 dwellings)")
	start := fs.String("start", "", "first day YYYY-MM-DD (default 2027-01-04)")
	visits := fs.Bool("visits", false, "the pilot's diagnostic meetings and satisfaction surveys")
	heating := fs.Bool("heating", false, "plumbing cuts heating (the heating season's limit binds)")
	snags := fs.Int("snags", 0, "return visits and checks kept for this many dwellings' snags")
	fs.Usage = func() {
		commandUsage(fs, "gen")
		fmt.Fprintln(fs.Output())
		fmt.Fprintln(fs.Output(), gen.Describe())
	}
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 0 || *n <= 0 || *n > 20000 {
		fs.Usage()
		return exitInvalid
	}
	if !checkFlags(stderr, atLeast("buildings", *buildings, 0), atLeast("pilots", *pilots, 0), atLeast("snags", *snags, 0)) {
		return exitInvalid
	}
	p := gen.Generate(gen.Options{Dwellings: *n, Seed: *seed, Buildings: *buildings, Pilots: *pilots, Start: *start,
		Visits: *visits, Heating: *heating, Snags: *snags})
	if err := writeJSON("", stdout, p); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}
