package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const slotsUsage = "usage: rehabplan slots PROBLEM.json PLAN.json INTERVENTION [--count 5] [--from D] [--to D] [--now T] [--json]"

// slotsFlags maps the fields of Slots's request errors to the flags.
var slotsFlags = map[string]string{"count": "--count", "from": "--from", "to": "--to", "now": "--now"}

// cmdSlots lists the best alternative times of one intervention, for a household
// on the phone, with what each costs and the event that takes it.
func cmdSlots(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("slots", stderr)
	count := fs.Int("count", 5, "how many slots to offer")
	fromS := fs.String("from", "", "no slot starts before this date or moment (default: now)")
	toS := fs.String("to", "", "no slot starts after this date (a date alone: its end) or moment (default: the operation's end)")
	nowS := fs.String("now", "", "when the slots are offered (default: the problem's operation.now, else the clock); take a slot with a replan at the same now")
	asJSON := fs.Bool("json", false, "write the answer as JSON (each slot with its appointment_rescheduled event)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 3 {
		fmt.Fprintln(stderr, slotsUsage)
		return exitInvalid
	}
	if !checkFlags(stderr, atLeast("count", *count, 1)) {
		return exitInvalid
	}
	p, plan, code := readProblemAndPlan(stderr, pos[0], pos[1])
	if code != exitOK {
		return code
	}
	loc := p.Typed().Loc
	opt := scheduler.SlotOptions{Count: *count}
	if *nowS == "" {
		*nowS = p.Operation.Now
	}
	for _, m := range []struct {
		flag, s string
		end     bool
		t       *time.Time
	}{{"--from", *fromS, false, &opt.From}, {"--to", *toS, true, &opt.To}, {"--now", *nowS, false, &opt.Now}} {
		if m.s == "" {
			continue
		}
		parseM := model.ParseMoment
		if m.end {
			parseM = model.ParseEndMoment
		}
		if *m.t, err = parseM(m.s, loc); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %s %s: %v\n", m.flag, m.s, err)
			return exitInvalid
		}
	}
	ans, err := scheduler.Slots(p, plan, pos[2], opt)
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) && ve.Document == "request" {
			for _, fe := range ve.Errors {
				name := slotsFlags[fe.Field]
				if name == "" {
					name = fe.Field
				}
				if fe.ID != "" {
					name += " " + fe.ID
				}
				fmt.Fprintf(stderr, "rehabplan: %s: %s\n", name, fe.Msg)
			}
			return exitInvalid
		}
		return reportInputError(stderr, pos[1], err)
	}
	if *asJSON {
		if err := writeJSON("", stdout, ans); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if err := writeSlots(stdout, ans, loc); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}

// writeSlots writes the answer as a table, each slot with the appointments it
// moves.
func writeSlots(w io.Writer, ans *scheduler.SlotAnswer, loc *time.Location) error {
	at := func(s string) string {
		t, err := model.ParseMoment(s, loc)
		if err != nil {
			return s
		}
		return t.In(loc).Format("Mon 2006-01-02 15:04")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (plan %s, at %s)\n", ans.Intervention, ans.Token, at(ans.Now))
	if c := ans.Current; c != nil {
		fmt.Fprintf(&b, "now:  %s to %s  %s %s\n", at(c.Start), at(c.End), c.Crew, c.Pilot)
	} else {
		fmt.Fprintln(&b, "now:  not placed")
	}
	if len(ans.Slots) == 0 {
		fmt.Fprintln(&b, "no other slot keeps every rule with the rest of the plan as it is")
	}
	fmt.Fprintf(&b, "%-2s %-20s %-20s %-16s %-10s %5s %8s\n", "#", "start", "end", "crew", "pilot", "moved", "end Δd")
	for k, s := range ans.Slots {
		fmt.Fprintf(&b, "%-2d %-20s %-20s %-16s %-10s %5d %+8d\n", k+1, at(s.Start), at(s.End), s.Crew, s.Pilot, len(s.Moved), s.EndDelayDays)
		for _, m := range s.Moved {
			fmt.Fprintf(&b, "     moves %s to %s\n", m.Intervention, at(m.Start))
		}
	}
	if len(ans.Slots) > 0 {
		fmt.Fprintln(&b, "take one with an appointment_rescheduled event (intervention, start, crew, pilot, plan: --json gives each slot's)")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
