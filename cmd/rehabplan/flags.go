package main

import (
	"fmt"
	"io"
	"time"
)

// flagRule is one condition on a parsed flag's value.
type flagRule struct {
	name  string // without dashes
	value any
	bad   bool
	want  string
}

// positive: a duration above zero.
func positive(name string, d time.Duration) flagRule {
	return flagRule{name, d, d <= 0, "a positive duration such as 10s or 2m"}
}

// atLeast: an integer of at least min.
func atLeast(name string, n, min int) flagRule {
	return flagRule{name, n, n < min, fmt.Sprintf("a whole number of at least %d", min)}
}

// checkFlags says on stderr what is wrong with the first flag that breaks its rule
// ("rehabplan: --time-limit -1s: want a positive duration ..."), and whether all
// hold.
func checkFlags(stderr io.Writer, rules ...flagRule) bool {
	for _, r := range rules {
		if r.bad {
			fmt.Fprintf(stderr, "rehabplan: --%s %v: want %s\n", r.name, r.value, r.want)
			return false
		}
	}
	return true
}

// noArguments says on stderr that a command takes no positional argument.
func noArguments(stderr io.Writer, cmd string, pos []string) bool {
	if len(pos) == 0 {
		return true
	}
	fmt.Fprintf(stderr, "rehabplan %s: unexpected argument %q (it takes flags only; see rehabplan %s -h)\n", cmd, pos[0], cmd)
	return false
}
