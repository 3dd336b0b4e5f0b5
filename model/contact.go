package model

import (
	"strconv"
	"strings"
	"unicode"
)

// DefaultPreparations is what a household is asked to do before the visit of each
// standard trade (the trade ids rehabplan gen uses), in French, the tenants'
// language. A trade's own Preparation replaces its default.
var DefaultPreparations = map[string]string{
	"visit":        "Merci d'être présent(e) pendant toute la visite et de rendre accessibles toutes les pièces, y compris les placards techniques et les compteurs.",
	"strip-out":    "Merci de vider entièrement la cuisine et la salle de bains (placards, meubles, objets) et de protéger ou déplacer les meubles des pièces voisines. L'eau sera coupée.",
	"plumbing":     "Merci de dégager l'accès à l'évier, au lavabo, à la baignoire ou la douche, aux WC et au compteur d'eau. L'eau sera coupée pendant l'intervention.",
	"electrics":    "Merci de dégager 1 m devant le tableau électrique et les prises, et d'éteindre les appareils sensibles (ordinateur, box). L'électricité sera coupée.",
	"plasterboard": "Merci de dégager 1 m le long des murs des pièces concernées et de couvrir les meubles qui restent : le chantier fera de la poussière.",
	"tiling":       "Merci de laisser la salle de bains et la cuisine vides. L'eau sera coupée.",
	"sanitary":     "Merci de laisser la salle de bains et les WC vides. L'eau sera coupée pendant la pose.",
	"kitchen":      "Merci de vider les placards de la cuisine et de libérer le plan de travail. L'eau sera coupée.",
	"ventilation":  "Merci de dégager l'accès aux bouches d'aération de la cuisine, de la salle de bains et des WC.",
	"windows":      "Merci de dégager 1 m devant les fenêtres et de retirer rideaux, voilages et objets posés sur les rebords.",
	"painting":     "Merci de dégager les murs (cadres, étagères) et de regrouper les meubles au centre des pièces.",
	"acceptance":   "Merci d'être présent(e) : nous vérifierons ensemble les travaux réalisés dans votre logement.",
	"removal":      "Merci d'avoir mis en cartons les objets à emporter et de signaler les meubles fragiles.",
	"snag":         "Merci de rendre accessible la partie du logement concernée par la reprise.",
	"diagnostic":   "Merci d'être présent(e) pour cet entretien d'environ une heure avec le pilote : nous ferons ensemble le point sur votre situation et vos besoins pendant les travaux.",
	"survey":       "Merci de nous accorder un moment pour nous dire ce que vous pensez des travaux réalisés et de leur déroulement.",
	"heating":      "Merci de dégager l'accès aux radiateurs et à la chaudière. Le chauffage sera coupé pendant l'intervention : prévoyez de quoi vous couvrir.",
}

// PreparationOf is what the household is asked to do before a visit of trade t:
// its own text, else the default of its id, else "".
func PreparationOf(t *Trade) string {
	if t == nil {
		return ""
	}
	if t.Preparation != "" {
		return t.Preparation
	}
	return DefaultPreparations[t.ID]
}

// contact checks the operation's contact: a phone of 6 to 20 digits (with spaces,
// dots, dashes, brackets and a leading +) and an e-mail address of the form a@b.c.
func (v *validator) contact() {
	c := v.p.Operation.Contact
	if c == nil {
		return
	}
	const e = "operation"
	id := v.p.Operation.ID
	if c.Phone == "" && c.Email == "" {
		v.add("operation.contact", e, id, "a contact needs a phone or an e-mail address for the households")
	}
	if c.Phone != "" {
		if msg := checkPhone(c.Phone); msg != "" {
			v.add("operation.contact.phone", e, id, "%s", msg)
		}
	}
	if c.Email != "" {
		if msg := checkEmail(c.Email); msg != "" {
			v.add("operation.contact.email", e, id, "%s", msg)
		}
	}
	for _, f := range []struct{ name, s string }{{"name", c.Name}, {"hours", c.Hours}, {"address", c.Address}} {
		if len(f.s) > 500 {
			v.add("operation.contact."+f.name, e, id, "%d bytes, longer than 500", len(f.s))
		}
	}
}

func checkPhone(s string) string {
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r) && r < 128:
			digits++
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		case r == '+' && i == 0:
		default:
			return "a phone number holds digits, spaces, dots, dashes, brackets and a leading +, not " + strconv.Quote(string(r))
		}
	}
	if digits < 6 || digits > 20 {
		return "a phone number has 6 to 20 digits"
	}
	return ""
}

func checkEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;") {
		return "not an e-mail address (name@domain)"
	}
	dom := s[at+1:]
	if !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") {
		return "not an e-mail address: the domain " + strconv.Quote(dom) + " has no dot"
	}
	return ""
}
