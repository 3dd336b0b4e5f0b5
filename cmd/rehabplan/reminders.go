package main

import (
	"fmt"
	"io"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const remindersUsage = "usage: rehabplan reminders PROBLEM.json PLAN.json --date D [--lang fr|en] [--json]"

// cmdReminders lists who to call or text on a day about the next day's
// appointments.
func cmdReminders(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reminders", stderr)
	dateS := fs.String("date", "", "the day the reminders go out, YYYY-MM-DD (required): they are about the next day's appointments, through the next working day")
	langS := fs.String("lang", "fr", "language of the crews' and pilots' lines: fr or en (households always in French)")
	asJSON := fs.Bool("json", false, "write the reminders as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 2 || *dateS == "" {
		fmt.Fprintln(stderr, remindersUsage)
		return exitInvalid
	}
	lang, err := scheduler.ParseLang(*langS)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: --lang %s: want en or fr\n", *langS)
		return exitInvalid
	}
	p, plan, code := readProblemAndPlan(stderr, pos[0], pos[1])
	if code != exitOK {
		return code
	}
	loc := p.Typed().Loc
	day, err := model.ParseDate(*dateS, loc)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: --date %s: %v\n", *dateS, err)
		return exitInvalid
	}
	rs, err := scheduler.Reminders(p, plan, day)
	if err != nil {
		if reportRequestError(stderr, err) {
			return exitInvalid
		}
		return reportInputError(stderr, pos[1], err)
	}
	if *asJSON {
		if err := writeJSON("", stdout, rs); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if err := scheduler.WriteReminders(stdout, rs, p, lang); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}
