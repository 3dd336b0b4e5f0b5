package sheets

import "github.com/rehabplan/rehabplan/model"

// Sheet names of the workbook Template writes and Import reads. A folder of CSV files
// holds one file per sheet, named after it ("Logements.csv"), or as LibreOffice
// names the sheets it converts ("classeur-Logements.csv").
const (
	SheetHelp          = "Mode d'emploi"
	SheetOperation     = "Opération"
	SheetBuildings     = "Bâtiments et cages"
	SheetDwellings     = "Logements"
	SheetHouseholds    = "Ménages"
	SheetAvailability  = "Disponibilités"
	SheetProfiles      = "Profils"
	SheetCrews         = "Équipes"
	SheetPilots        = "Pilotes"
	SheetTrades        = "Corps d'état et enchaînements"
	SheetDeliveries    = "Livraisons"
	SheetUnits         = "Logements tiroirs"
	SheetRelocations   = "Relogements"
	SheetInterventions = "Interventions"
	sheetLists         = "Listes"
)

// kind says how a column's cells are written and read.
type kind int

const (
	kText     kind = iota
	kInt           // whole number
	kFloat         // decimal number
	kBool          // oui/non
	kDate          // a date
	kMoment        // a date, or a date and a time
	kClock         // a time of day
	kDuration      // a duration, working days allowed
	kLag           // a duration in hours and minutes
	kList          // comma-separated items
	kEnum          // one of an enumeration
	kDays          // days of the week
)

// enum is an enumeration of the model with its French labels, in the model's order.
type enum struct {
	values []string // model values
	labels []string // French labels, same order
}

var (
	enumAccess     = enum{[]string{model.AccessTenant, model.AccessKeys, model.AccessNone}, []string{"locataire", "clés", "aucun"}}
	enumStatus     = enum{[]string{model.StatusPlanned, model.StatusAnnounced, model.StatusConfirmed, model.StatusDone, model.StatusMissed}, []string{"prévue", "annoncée", "confirmée", "faite", "manquée"}}
	enumRelocation = enum{[]string{model.RoleMoveOut, model.RoleDuring, model.RoleMoveBack}, []string{"départ", "pendant", "retour"}}
	enumScope      = enum{[]string{"dwelling", "stairwell"}, []string{"logement", "cage"}}
	enumNoisy      = enum{[]string{"relocated", "hours"}, []string{"relogé", "créneaux"}}
	enumHolidays   = enum{[]string{"FR", "none"}, []string{"FR", "aucun"}}
	enumBool       = enum{[]string{"oui", "non"}, []string{"oui", "non"}}
	enumStage      = enum{[]string{model.StageDiagnostic, model.StageAcceptance, model.StageSurvey}, []string{"diagnostic", "réception", "enquête"}}
)

// label is the French label of a model value ("" stays "").
func (e enum) label(v string) string {
	for i, x := range e.values {
		if x == v {
			return e.labels[i]
		}
	}
	return v
}

// value reads a label (or the model's value itself) into the model's value.
func (e enum) value(s string) (string, bool) {
	f := fold(s)
	if f == "" {
		return "", true
	}
	for i := range e.values {
		if f == fold(e.labels[i]) || f == fold(e.values[i]) {
			return e.values[i], true
		}
	}
	return "", false
}

// column is one column of a sheet: its key (the model's field where there is one),
// its title (row 1), its explanation (row 2), how it is read, its drop-down.
type column struct {
	key   string
	title string
	help  string
	kind  kind
	enum  enum
	// ref names the sheet and column whose ids fill this column's drop-down list.
	ref *idRef
}

type idRef struct{ sheet, col string }

var (
	refTrades     = &idRef{SheetTrades, "A"}
	refBuildings  = &idRef{SheetBuildings, "A"}
	refStairwells = &idRef{SheetBuildings, "C"}
	refDwellings  = &idRef{SheetDwellings, "A"}
	refHouseholds = &idRef{SheetHouseholds, "A"}
	refCrews      = &idRef{SheetCrews, "A"}
	refPilots     = &idRef{SheetPilots, "A"}
	refUnits      = &idRef{SheetUnits, "A"}
	refOwners     = &idRef{sheetLists, "A"} // every id a row of Disponibilités can name
)

// sheetDef is a table sheet: a header row, an explanation row, then one row per
// entity.
type sheetDef struct {
	name string
	cols []column
}

// Operation parameters: the sheet Opération is a list of (parameter, value) rows.
type param struct {
	key   string // the model's JSON path under the problem
	label string
	help  string
	kind  kind
	enum  enum
}

var operationParams = []param{
	{"operation.id", "Identifiant", "Identifiant court de l'opération (lettres, chiffres, tirets).", kText, enum{}},
	{"operation.name", "Nom", "Nom de l'opération, libre.", kText, enum{}},
	{"operation.time_zone", "Fuseau horaire", "Fuseau horaire IANA du chantier : Europe/Paris en métropole.", kText, enum{}},
	{"operation.start", "Début", "Premier jour de l'horizon de planification (JJ/MM/AAAA).", kDate, enum{}},
	{"operation.end", "Fin", "Dernier jour de l'horizon, inclus (JJ/MM/AAAA).", kDate, enum{}},
	{"operation.holidays", "Jours fériés", "FR : jours fériés français ; aucun : pas de jour férié. Vide : FR.", kEnum, enumHolidays},
	{"operation.extra_holidays", "Fermetures supplémentaires", "Dates de fermeture du chantier en plus des fériés, séparées par des virgules (JJ/MM/AAAA).", kList, enum{}},
	{"operation.working_day", "Journée de travail", "Durée d'une journée « 1 j » dans les durées d'intervention, en heures (« 8 h », « 7 h 30 »). Vide : 8 h.", kLag, enum{}},
	{"operation.notice_days", "Délai de prévenance (jours)", "Jours entre l'avis au ménage et le rendez-vous. Vide : 7.", kInt, enum{}},
	{"operation.contact.name", "Contact : nom", "Qui répond aux ménages, imprimé sur les avis (« Mme Durand, pilote social »).", kText, enum{}},
	{"operation.contact.phone", "Contact : téléphone", "Téléphone dédié à l'opération, imprimé sur les avis.", kText, enum{}},
	{"operation.contact.email", "Contact : courriel", "Adresse électronique dédiée à l'opération.", kText, enum{}},
	{"operation.contact.hours", "Contact : permanence", "Heures de permanence, en toutes lettres (« du lundi au vendredi de 9 h à 12 h »).", kText, enum{}},
	{"operation.contact.address", "Contact : adresse", "Lieu de la permanence (le bureau de chantier).", kText, enum{}},
	{"operation.now", "Maintenant", "Date et heure de la planification, pour une replanification (JJ/MM/AAAA HH:MM). Vide en général.", kMoment, enum{}},
	{"operation.policy.makespan", "Poids : fin de l'opération", "Coût d'un jour de plus sur la fin de l'opération. Vide : 20 ; 0 : objectif ignoré.", kFloat, enum{}},
	{"operation.policy.dwelling_end", "Poids : fin moyenne des logements", "Coût d'un jour de plus sur la fin moyenne des travaux des logements. Vide : 1.", kFloat, enum{}},
	{"operation.policy.disturbed_days", "Poids : jours perturbés", "Coût de chaque jour de travaux dans un logement au-delà du premier. Vide : 5.", kFloat, enum{}},
	{"operation.policy.preferred", "Poids : hors créneaux préférés", "Coût de chaque heure d'intervention hors des créneaux préférés du ménage. Vide : 1.", kFloat, enum{}},
	{"operation.policy.soft_deadline", "Poids : échéance souhaitée dépassée", "Coût de chaque jour après l'échéance souhaitée d'une intervention. Vide : 20.", kFloat, enum{}},
	{"operation.policy.heating_season.from", "Saison de chauffe : début", "Premier jour de la saison de chauffe, MM-JJ (« 10-15 »). Vide : 15 octobre.", kText, enum{}},
	{"operation.policy.heating_season.to", "Saison de chauffe : fin", "Dernier jour de la saison de chauffe, MM-JJ (« 04-15 »). Vide : 15 avril.", kText, enum{}},
	{"operation.policy.max_heating_cut_hours", "Sans chauffage au plus (heures)", "En saison de chauffe, heures au plus sans chauffage pour un ménage. Vide : 48.", kInt, enum{}},
	{"operation.policy.survey_weeks", "Enquête de satisfaction (semaines)", "Semaines au moins entre la réception et l'enquête de satisfaction. Vide : 6.", kInt, enum{}},
	{"operation.policy.snag_deadline_days", "Levée des réserves (jours)", "Jours au plus après la réception pour la reprise d'une réserve. Vide : 30.", kInt, enum{}},
	{"operation.policy.burden_days", "Seuil de gêne (jours)", "Un ménage dérangé plus de jours que cela est signalé au bailleur. Vide : 21.", kInt, enum{}},
	{"operation.policy.burden", "Poids : jours au-delà du seuil de gêne", "Coût de chaque jour de gêne au-delà du seuil. Vide : 20.", kFloat, enum{}},
	{"operation.policy.same_pilot", "Poids : visite avec un autre pilote", "Coût de chaque visite d'un ménage avec un autre pilote que le sien (un seul interlocuteur). Vide : 50.", kFloat, enum{}},
	{"operation.rehousing", "Relogements choisis par le planning", "oui : le planning choisit les séjours en logement tiroir des ménages que les travaux priveraient d'eau ou de salle de bains au-delà de la limite de leur profil.", kBool, enumBool},
	{"operation.rehousing.removal_trade", "Relogements : corps d'état du déménagement", "Corps d'état des déménagements aller et retour. Vide : removal.", kText, enum{}},
	{"operation.rehousing.cleaning_days", "Relogements : jours de ménage", "Jours pleins où un logement tiroir reste vide entre deux ménages. Vide : 2.", kInt, enum{}},
}

var opCols = []column{
	{key: "param", title: "Paramètre", help: "Ne pas modifier cette colonne."},
	{key: "value", title: "Valeur", help: "À remplir."},
	{key: "help", title: "Explication", help: ""},
}

var buildingsDef = sheetDef{SheetBuildings, []column{
	{key: "id", title: "Bâtiment", help: "Identifiant du bâtiment, répété sur chaque ligne de ses cages.", kind: kText},
	{key: "name", title: "Nom du bâtiment", help: "Nom usuel, libre.", kind: kText},
	{key: "stairwell", title: "Cage", help: "Identifiant de la cage d'escalier, unique sur l'opération : une ligne par cage.", kind: kText},
}}

var dwellingsDef = sheetDef{SheetDwellings, []column{
	{key: "id", title: "Logement", help: "Identifiant du logement, unique.", kind: kText},
	{key: "building", title: "Bâtiment", help: "Bâtiment du logement (liste).", kind: kText, ref: refBuildings},
	{key: "stairwell", title: "Cage", help: "Cage d'escalier du logement (liste).", kind: kText, ref: refStairwells},
	{key: "floor", title: "Étage", help: "Étage, 0 pour le rez-de-chaussée.", kind: kInt},
	{key: "rooms", title: "Pièces", help: "Nombre de pièces (facultatif).", kind: kInt},
	{key: "household", title: "Ménage", help: "Identifiant pseudonyme du ménage occupant ; vide si vacant.", kind: kText, ref: refHouseholds},
	{key: "vacant", title: "Vacant", help: "oui si le logement est vide.", kind: kBool, enum: enumBool},
	{key: "max_crews", title: "Équipes simultanées max", help: "Équipes pouvant travailler en même temps dans le logement. Vide : 1.", kind: kInt},
}}

var householdsDef = sheetDef{SheetHouseholds, []column{
	{key: "id", title: "Ménage", help: "Identifiant pseudonyme du ménage (jamais de nom).", kind: kText},
	{key: "keys_with_pilot", title: "Clés au pilote", help: "oui si le ménage laisse ses clés au pilote.", kind: kBool, enum: enumBool},
	{key: "profiles", title: "Profils", help: "Profils de contraintes, séparés par des virgules (feuille Profils).", kind: kList},
	{key: "furniture_m3", title: "Cubage (m³)", help: "Volume du mobilier relevé par le pilote : il fixe la durée et l'effectif des déménagements du ménage.", kind: kFloat},
	{key: "pilot", title: "Pilote référent", help: "Le pilote interlocuteur du ménage pour toutes ses visites. Vide : choisi par le planning.", kind: kText},
}}

// Natures of the rows of Disponibilités: who they belong to and which list.
type nature struct {
	key, label string
	owner      string // "household", "crew", "pilot", "profile", "operation"
	period     bool   // a period (from, to, reason), not a recurrence
}

var natures = []nature{
	{"availability", "présence du ménage", "household", false},
	{"preferred", "préférence du ménage", "household", false},
	{"carer_availability", "présence de l'aidant", "household", false},
	{"absences", "absence du ménage", "household", true},
	{"site_hours", "horaires du chantier", "operation", false},
	{"calendar", "calendrier de l'équipe", "crew", false},
	{"unavailable", "indisponibilité de l'équipe", "crew", true},
	{"office_hours", "permanence du pilote", "pilot", false},
	{"pilot_absences", "absence du pilote", "pilot", true},
	{"noisy_hours", "heures bruyantes autorisées", "profile", false},
	{"sessions", "permanence supplémentaire du pilote", "pilot", false},
	{"favours", "heures du pilote pour un ménage", "pilot", false},
}

func natureLabels() []string {
	out := make([]string, len(natures))
	for i, n := range natures {
		out[i] = n.label
	}
	return out
}

var availabilityDef = sheetDef{SheetAvailability, []column{
	{key: "nature", title: "Nature", help: "Ce que décrit la ligne (liste) : présence, préférence, absence, calendrier, permanence...", kind: kText},
	{key: "owner", title: "Qui", help: "Identifiant du ménage, de l'équipe, du pilote ou du profil ; vide pour les horaires du chantier.", kind: kText, ref: refOwners},
	{key: "days", title: "Jours", help: "Jours de la semaine : « lun-ven », « mar, jeu », « tous les jours ». Vide pour une absence.", kind: kDays},
	{key: "from_time", title: "De", help: "Heure de début (HH:MM) ; pour une absence, heure du premier jour (facultatif).", kind: kClock},
	{key: "to_time", title: "À", help: "Heure de fin (HH:MM) ; pour une absence, heure du dernier jour (facultatif).", kind: kClock},
	{key: "from_date", title: "Du", help: "Premier jour (JJ/MM/AAAA) ; vide : dès le début de l'opération. Obligatoire pour une absence.", kind: kMoment},
	{key: "to_date", title: "Au", help: "Dernier jour inclus (JJ/MM/AAAA) ; vide : sans fin. Obligatoire pour une absence.", kind: kMoment},
	{key: "exdates", title: "Sauf les", help: "Dates exclues, séparées par des virgules (JJ/MM/AAAA).", kind: kList},
	{key: "rrule", title: "RRULE", help: "Cas rares : règle RFC 5545 (FREQ=MONTHLY;BYDAY=1MO) à la place de Jours et Au.", kind: kText},
	{key: "duration", title: "Durée", help: "Avec RRULE ou pour une plage de plus de 24 h : durée de chaque plage (« 4 h 30 ») à la place de À.", kind: kLag},
	{key: "reason", title: "Motif", help: "Pour une absence ou une indisponibilité : motif, libre.", kind: kText},
	{key: "household", title: "Pour le ménage", help: "Pour des heures du pilote pour un ménage : le ménage (liste), seul à pouvoir les utiliser.", kind: kText, ref: refHouseholds},
}}

var profilesDef = sheetDef{SheetProfiles, []column{
	{key: "id", title: "Profil", help: "Identifiant du profil de contraintes (jamais de diagnostic).", kind: kText},
	{key: "max_interventions_per_day", title: "Interventions max par jour", help: "Vide : pas de limite.", kind: kInt},
	{key: "no_work_before", title: "Pas de travaux avant", help: "Heure (HH:MM).", kind: kClock},
	{key: "no_work_after", title: "Pas de travaux après", help: "Heure (HH:MM).", kind: kClock},
	{key: "noisy_dusty", title: "Bruit et poussière", help: "relogé : seulement pendant un relogement ; créneaux : seulement aux heures bruyantes autorisées (Disponibilités).", kind: kEnum, enum: enumNoisy},
	{key: "power_cut_with_pilot", title: "Coupure électrique avec le pilote", help: "oui : une coupure d'électricité demande le pilote présent.", kind: kBool, enum: enumBool},
	{key: "max_water_out_days", title: "Jours sans eau max", help: "Jours calendaires entre la première et la dernière coupure d'eau.", kind: kInt},
	{key: "max_bathroom_out_days", title: "Jours sans salle de bains max", help: "Jours calendaires entre le premier et le dernier chantier qui prive de salle de bains.", kind: kInt},
	{key: "max_disturbed_days_per_week", title: "Jours perturbés max par semaine", help: "Jours avec travaux par semaine.", kind: kInt},
	{key: "needs_carer", title: "Aidant nécessaire", help: "oui : la présence de l'aidant remplace celle du ménage.", kind: kBool, enum: enumBool},
}}

var crewsDef = sheetDef{SheetCrews, []column{
	{key: "id", title: "Équipe", help: "Identifiant de l'équipe.", kind: kText},
	{key: "contractor", title: "Entreprise", help: "Entreprise, libre.", kind: kText},
	{key: "trades", title: "Corps d'état", help: "Corps d'état de l'équipe, séparés par des virgules.", kind: kList},
	{key: "size", title: "Effectif", help: "Nombre d'ouvriers. Vide : 1.", kind: kInt},
}}

var pilotsDef = sheetDef{SheetPilots, []column{
	{key: "id", title: "Pilote", help: "Identifiant du pilote social.", kind: kText},
	{key: "saturday", title: "Permanence le samedi", help: "oui : permanence le samedi de 9 h à 12 h.", kind: kBool, enum: enumBool},
	{key: "contact", title: "Contact", help: "Téléphone ou adresse imprimés sur les avis aux ménages.", kind: kText},
}}

// The trades sheet holds two tables side by side: trades (A-O), sequences (Q-W).
var tradesDef = sheetDef{SheetTrades, []column{
	{key: "id", title: "Corps d'état", help: "Identifiant du corps d'état.", kind: kText},
	{key: "name", title: "Nom", help: "Nom, libre.", kind: kText},
	{key: "noisy", title: "Bruyant", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "dusty", title: "Poussiéreux", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "cuts_water", title: "Coupe l'eau", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "cuts_power", title: "Coupe l'électricité", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "cuts_heating", title: "Coupe le chauffage", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "stage", title: "Visite du pilote", help: "diagnostic (avant tous les travaux), réception, enquête (de satisfaction, après la réception) ; vide : travaux.", kind: kEnum, enum: enumStage},
	{key: "access", title: "Accès", help: "Qui doit ouvrir : locataire, clés (locataire ou clés au pilote), aucun. Vide : clés.", kind: kEnum, enum: enumAccess},
	{key: "needs_pilot", title: "Pilote requis", help: "oui : le pilote assiste.", kind: kBool, enum: enumBool},
	{key: "pilot_only", title: "Pilote seul", help: "oui : visite faite par le pilote seul, sans équipe.", kind: kBool, enum: enumBool},
	{key: "default_duration", title: "Durée par défaut", help: "Si la feuille Interventions est vide : une intervention par logement de cette durée (« 1 j », « 2 h 30 »).", kind: kDuration},
	{key: "preparation", title: "À préparer", help: "Ce que le ménage prépare avant le passage, imprimé sur l'avis (« vider les placards de la cuisine »). Vide : le texte par défaut des corps d'état courants.", kind: kText},
	{key: "notice_days", title: "Délai de prévenance (jours)", help: "Jours entre l'avis au ménage et le rendez-vous pour ce corps d'état. Vide : celui de l'opération.", kind: kInt},
	{key: "cuts_bathroom", title: "Prive de salle de bains", help: "oui / non", kind: kBool, enum: enumBool},
	{key: "", title: "", help: ""},
	{key: "before", title: "Avant", help: "Enchaînement : ce corps d'état d'abord...", kind: kText, ref: refTrades},
	{key: "after", title: "Après", help: "... puis celui-ci.", kind: kText, ref: refTrades},
	{key: "min_lag", title: "Délai min", help: "Temps écoulé minimal entre les deux, en heures (« 24 h » de séchage).", kind: kLag},
	{key: "min_lag_working_days", title: "Délai min (jours ouvrés)", help: "Délai minimal en jours ouvrés du chantier.", kind: kInt},
	{key: "max_lag", title: "Délai max", help: "Temps écoulé maximal entre les deux, en heures.", kind: kLag},
	{key: "scope", title: "Portée", help: "logement : dans chaque logement ; cage : toute la cage (colonnes montantes). Vide : logement.", kind: kEnum, enum: enumScope},
	{key: "dwellings", title: "Logements concernés", help: "Vide : tous ; sinon identifiants séparés par des virgules.", kind: kList},
}}

// seqFrom is the index of the first column of the sequences table.
const seqFrom = 16

var deliveriesDef = sheetDef{SheetDeliveries, []column{
	{key: "id", title: "Livraison", help: "Identifiant de la livraison.", kind: kText},
	{key: "materials", title: "Matériaux", help: "Ce qui est livré, libre.", kind: kText},
	{key: "expected", title: "Arrivée prévue", help: "Date et heure où les matériaux sont sur le chantier (JJ/MM/AAAA HH:MM).", kind: kMoment},
}}

var unitsDef = sheetDef{SheetUnits, []column{
	{key: "id", title: "Logement tiroir", help: "Identifiant du logement tiroir.", kind: kText},
	{key: "building", title: "Bâtiment", help: "Bâtiment où il se trouve (facultatif).", kind: kText, ref: refBuildings},
	{key: "available_from", title: "Disponible du", help: "Premier jour où il peut accueillir un ménage (JJ/MM/AAAA) ; vide : dès le début.", kind: kDate},
	{key: "available_to", title: "Disponible au", help: "Dernier jour où il peut accueillir un ménage (JJ/MM/AAAA) ; vide : jusqu'à la fin.", kind: kDate},
}}

var relocationsDef = sheetDef{SheetRelocations, []column{
	{key: "household", title: "Ménage", help: "Ménage relogé.", kind: kText, ref: refHouseholds},
	{key: "unit", title: "Logement tiroir", help: "Logement tiroir occupé.", kind: kText, ref: refUnits},
	{key: "from", title: "Du", help: "Début du séjour (JJ/MM/AAAA).", kind: kMoment},
	{key: "to", title: "Au", help: "Fin du séjour, incluse (JJ/MM/AAAA).", kind: kMoment},
}}

var interventionsDef = sheetDef{SheetInterventions, []column{
	{key: "id", title: "Intervention", help: "Identifiant ; vide : logement/corps d'état.", kind: kText},
	{key: "dwelling", title: "Logement", help: "Logement (liste).", kind: kText, ref: refDwellings},
	{key: "trade", title: "Corps d'état", help: "Corps d'état (liste).", kind: kText, ref: refTrades},
	{key: "duration", title: "Durée", help: "« 1 j », « 0,5 j », « 2 h 30 » ; 1 j = la journée de travail.", kind: kDuration},
	{key: "crew_size", title: "Effectif requis", help: "Ouvriers nécessaires. Vide : 1.", kind: kInt},
	{key: "needs_pilot", title: "Pilote requis", help: "oui / non ; vide : selon le corps d'état.", kind: kBool, enum: enumBool},
	{key: "access", title: "Accès", help: "locataire, clés, aucun ; vide : selon le corps d'état.", kind: kEnum, enum: enumAccess},
	{key: "release", title: "Pas avant", help: "Ne commence pas avant (JJ/MM/AAAA [HH:MM]).", kind: kMoment},
	{key: "deadline", title: "Fin au plus tard", help: "Se termine au plus tard (JJ/MM/AAAA [HH:MM]).", kind: kMoment},
	{key: "soft_deadline", title: "Échéance souhaitée", help: "Souhait : chaque jour de retard coûte.", kind: kMoment},
	{key: "deliveries", title: "Livraisons", help: "Livraisons attendues, séparées par des virgules.", kind: kList},
	{key: "after", title: "Après", help: "Interventions (tout logement) qui doivent être finies avant, séparées par des virgules.", kind: kList},
	{key: "relocation", title: "Relogement", help: "départ, pendant ou retour si l'intervention est liée au relogement du ménage.", kind: kEnum, enum: enumRelocation},
	{key: "status", title: "Statut", help: "prévue (vide), annoncée, confirmée (par le ménage), faite, manquée.", kind: kEnum, enum: enumStatus},
	{key: "pinned", title: "Figée", help: "oui : ne pas déplacer.", kind: kBool, enum: enumBool},
	{key: "crew", title: "Équipe", help: "Pour une intervention annoncée ou faite : l'équipe.", kind: kText, ref: refCrews},
	{key: "pilot", title: "Pilote", help: "Pour une intervention annoncée ou faite : le pilote présent.", kind: kText, ref: refPilots},
	{key: "start", title: "Début", help: "Pour une intervention annoncée ou faite : début (JJ/MM/AAAA HH:MM).", kind: kMoment},
	{key: "end", title: "Fin", help: "Pour une intervention annoncée ou faite : fin (JJ/MM/AAAA HH:MM).", kind: kMoment},
	{key: "snag_of", title: "Reprise de la réserve de", help: "Pour la reprise d'une réserve : la réception (intervention) qui l'a relevée.", kind: kText},
	{key: "check_of", title: "Vérification de", help: "Pour la vérification du pilote : la reprise (intervention) vérifiée.", kind: kText},
}}

// tableDefs lists the table sheets in workbook order (Opération comes before them).
var tableDefs = []*sheetDef{&buildingsDef, &dwellingsDef, &householdsDef, &availabilityDef, &profilesDef,
	&crewsDef, &pilotsDef, &tradesDef, &deliveriesDef, &unitsDef, &relocationsDef, &interventionsDef}

// colIndex is the index of the column of key in d.
func (d *sheetDef) colIndex(key string) int {
	for i, c := range d.cols {
		if c.key == key {
			return i
		}
	}
	return -1
}
