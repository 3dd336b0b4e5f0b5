package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
)

// Lang is the language of explanations: English (the default, also the zero
// value) or French, the language of the pilots and works managers.
type Lang string

// Languages of explanations.
const (
	English Lang = "en"
	French  Lang = "fr"
)

// ParseLang reads a language code: "en", "fr", or "" (English).
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case "", English:
		return English, nil
	case French:
		return French, nil
	}
	return "", fmt.Errorf("unknown language %q (want %q or %q)", s, English, French)
}

// Check says whether l is a known language ("" counts as English).
func (l Lang) Check() error {
	_, err := ParseLang(string(l))
	return err
}

// phrase is a piece of an explanation in each language. plural tells French
// verbs how to agree ("les horaires ... ne laissent", "le séjour ... ne laisse").
type phrase struct {
	en, fr string
	plural bool
}

func (p phrase) in(l Lang) string {
	if l == French {
		return p.fr
	}
	return p.en
}

// frQ quotes an id the French way, with non-breaking spaces: « H002 ».
func frQ(s string) string { return "«\u00a0" + s + "\u00a0»" }

// frAt writes a moment after "le": "mardi 2 mars 2027 à 08:00".
func frAt(t time.Time) string { return calendar.FrenchMoment(t) }
