package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const announceUsage = "usage: rehabplan announce PROBLEM.json PLAN.json [--until DATE] [--household H ...] [--building B ...] [--stairwell S ...] [--now T] [-o PROBLEM2.json] [--letters DIR]"

// stringList is a flag given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// requestFlags maps the fields of scheduler's request errors to the flags.
var requestFlags = map[string]string{"until": "--until", "households": "--household", "buildings": "--building",
	"stairwells": "--stairwell", "date": "--date", "now": "--now"}

// reportRequestError says which flag and value a request error is about
// ("rehabplan: --household H999: unknown household ...") and whether it was one.
func reportRequestError(stderr io.Writer, err error) bool {
	var ve *model.ValidationError
	if !errors.As(err, &ve) || ve.Document != "request" {
		return false
	}
	for _, fe := range ve.Errors {
		name, _, _ := strings.Cut(fe.Field, "[")
		flag := requestFlags[name]
		if flag == "" {
			flag = fe.Field
		}
		if fe.ID != "" {
			flag += " " + fe.ID
		}
		fmt.Fprintf(stderr, "rehabplan: %s: %s\n", flag, fe.Msg)
	}
	return true
}

// cmdAnnounce marks appointments as announced and writes the letters to the
// households.
func cmdAnnounce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("announce", stderr)
	untilS := fs.String("until", "", "announce the appointments that start before this date or moment (default: now + the notice period + 7 days, or every appointment to come of the chosen households, buildings, stairwells)")
	nowS := fs.String("now", "", "when the letters go out (default: the problem's operation.now, else the clock)")
	out := fs.String("o", "", "write the problem with the announcements to this file (default: stdout)")
	lettersDir := fs.String("letters", "", "write the letters to this directory: letters.html (A4, one household a page), letters.txt, letters.json")
	var households, buildings, stairwells stringList
	fs.Var(&households, "household", "announce only this household's appointments (repeatable)")
	fs.Var(&buildings, "building", "announce only this building's appointments (repeatable)")
	fs.Var(&stairwells, "stairwell", "announce only this stairwell's appointments (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, announceUsage)
		return exitInvalid
	}
	p, plan, code := readProblemAndPlan(stderr, pos[0], pos[1])
	if code != exitOK {
		return code
	}
	loc := p.Typed().Loc
	opt := scheduler.AnnounceOptions{Households: households, Buildings: buildings, Stairwells: stairwells}
	for _, m := range []struct {
		flag, s string
		t       *time.Time
	}{{"--until", *untilS, &opt.Until}, {"--now", *nowS, &opt.Now}} {
		if m.s == "" {
			continue
		}
		if *m.t, err = model.ParseMoment(m.s, loc); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %s %s: %v\n", m.flag, m.s, err)
			return exitInvalid
		}
	}
	res, err := scheduler.Announce(p, plan, opt)
	if err != nil {
		if reportRequestError(stderr, err) {
			return exitInvalid
		}
		return reportInputError(stderr, pos[1], err)
	}
	// everything is encoded before anything is written
	prob, err := encodeJSON(res.Problem)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	files, err := encodeLetters(*lettersDir, res.Letters)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	if err := writeData(*out, stdout, prob); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	if err := writeLetters(*lettersDir, files); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	until := "the chosen households, buildings and stairwells"
	if !res.Until.IsZero() {
		until = res.Until.In(loc).Format("2006-01-02T15:04")
	}
	fmt.Fprintf(stderr, "announced %d appointments (until %s); %d letters to households\n", len(res.Announced), until, len(res.Letters))
	if len(res.Late) > 0 {
		late := res.Late
		more := ""
		if len(late) > 10 {
			late, more = late[:10], fmt.Sprintf(" and %d more", len(res.Late)-10)
		}
		period := fmt.Sprintf("the notice period of %d days", p.NoticeDays())
		for i := range p.Trades {
			if p.TradeNoticeDays(&p.Trades[i]) != p.NoticeDays() {
				period = fmt.Sprintf("their trade's notice period, by default %d days", p.NoticeDays())
				break
			}
		}
		fmt.Fprintf(stderr, "%d told late (inside %s): %s%s\n", len(res.Late), period, strings.Join(late, ", "), more)
	}
	return exitOK
}

// letterFiles are the names of the letters' files, in the order they are written.
var letterFiles = []string{"letters.html", "letters.txt", "letters.json"}

// encodeLetters encodes the letters as the files of letterFiles (none when dir is
// empty).
func encodeLetters(dir string, letters []scheduler.Letter) (map[string][]byte, error) {
	files := map[string][]byte{}
	if dir == "" {
		return files, nil
	}
	var h, t bytes.Buffer
	if err := scheduler.WriteLettersHTML(&h, letters); err != nil {
		return nil, err
	}
	scheduler.WriteLettersText(&t, letters)
	j, err := encodeJSON(letters)
	if err != nil {
		return nil, err
	}
	files["letters.html"], files["letters.txt"], files["letters.json"] = h.Bytes(), t.Bytes(), j
	return files, nil
}

// writeLetters writes the encoded letters into dir (nothing when dir is empty).
func writeLetters(dir string, files map[string][]byte) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range letterFiles {
		if err := writeData(filepath.Join(dir, name), nil, files[name]); err != nil {
			return err
		}
	}
	return nil
}
