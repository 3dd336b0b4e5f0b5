package sheets

import "testing"

func TestDurationFromSheet(t *testing.T) {
	for _, tc := range []struct {
		in     string
		days   bool
		want   string
		ok     bool
		dayErr bool
	}{
		{"1 j", true, "1d", true, false},
		{"0,5 j", true, "0.5d", true, false},
		{"1,5 jours", true, "1.5d", true, false},
		{"2 h 30", true, "2h30m", true, false},
		{"2h30", true, "2h30m", true, false},
		{"24 h", false, "24h", true, false},
		{"45 min", false, "45m", true, false},
		{"1 j 2 h", true, "1d2h", true, false},
		{"1h30m", false, "1h30m", true, false},
		{"0.5d", true, "0.5d", true, false},
		{"2 j", false, "", false, true},
		{"deux jours", true, "", false, false},
		{"3", true, "", false, false},
		{"1,,5 j", true, "", false, false},
		{"", true, "", false, false},
	} {
		got, ok, dayErr := durationFromSheet(tc.in, tc.days)
		if got != tc.want || ok != tc.ok || dayErr != tc.dayErr {
			t.Errorf("durationFromSheet(%q, %v) = %q, %v, %v; want %q, %v, %v", tc.in, tc.days, got, ok, dayErr, tc.want, tc.ok, tc.dayErr)
		}
	}
}

func TestDurationToSheet(t *testing.T) {
	for in, want := range map[string]string{"1d": "1 j", "0.5d": "0,5 j", "4h30m": "4 h 30", "24h": "24 h", "45m": "45 min", "1d2h": "1 j 2 h", "bad": "bad"} {
		if got := durationToSheet(in); got != want {
			t.Errorf("durationToSheet(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDays(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"lun-ven", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
		{"Mar, Jeu", "FREQ=WEEKLY;BYDAY=TU,TH"},
		{"lundi et mercredi", "FREQ=WEEKLY;BYDAY=MO,WE"},
		{"tous les jours", "FREQ=DAILY"},
		{"sam.", "FREQ=WEEKLY;BYDAY=SA"},
		{"lun à mer", "FREQ=WEEKLY;BYDAY=MO,TU,WE"},
		{"ven-lun", ""},
		{"lun, lun", ""},
		{"bientôt", ""},
	} {
		got, ok := ruleFromDays(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ruleFromDays(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	for rule, want := range map[string]string{
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR":           "lun-ven",
		"FREQ=WEEKLY;BYDAY=TU,TH":                    "mar, jeu",
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,FR,SA":           "lun-mer, ven, sam",
		"FREQ=DAILY;UNTIL=20270301T235959":           everyDay,
		"FREQ=WEEKLY;BYDAY=1MO":                      "",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO":            "",
		"FREQ=DAILY;UNTIL=20270301":                  "",
		"FREQ=WEEKLY;BYDAY=SU,MO":                    "dim, lun",
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=bad": "",
	} {
		got, _, ok := structuredRule(rule)
		if got != want || ok != (want != "") {
			t.Errorf("structuredRule(%q) = %q, %v; want %q", rule, got, ok, want)
		}
		if ok {
			back, _ := ruleFromDays(got)
			if want != everyDay && back != rule {
				t.Errorf("%q -> %q -> %q", rule, got, back)
			}
		}
	}
}

func TestDatesAndTimes(t *testing.T) {
	for _, tc := range []struct {
		in, date, moment, clock string
	}{
		{"46391", "2027-01-04", "2027-01-04", ""},
		{"46391.3333333333", "", "2027-01-04T08:00", "" /* not a time of day */},
		{"04/01/2027", "2027-01-04", "2027-01-04", ""},
		{"2027-01-04", "2027-01-04", "2027-01-04", ""},
		{"04/01/2027 08:30", "", "2027-01-04T08:30", ""},
		{"2027-01-04T08:30:00+01:00", "", "2027-01-04T08:30:00+01:00", ""},
		{"0.354166666666667", "", "", "08:30"},
		{"8h30", "", "", "08:30"},
		{"08:00:00", "", "", "08:00"},
		{"24:00", "", "", "24:00"},
		{"31/02/2027", "", "", ""},
		{"25:00", "", "", ""},
	} {
		if d, ok := dateFromSheet(tc.in); d != tc.date || ok != (tc.date != "") {
			t.Errorf("dateFromSheet(%q) = %q, %v; want %q", tc.in, d, ok, tc.date)
		}
		if m, ok := momentFromSheet(tc.in); m != tc.moment || ok != (tc.moment != "") {
			t.Errorf("momentFromSheet(%q) = %q, %v; want %q", tc.in, m, ok, tc.moment)
		}
		if c, ok := clockFromSheet(tc.in); c != tc.clock || ok != (tc.clock != "") {
			t.Errorf("clockFromSheet(%q) = %q, %v; want %q", tc.in, c, ok, tc.clock)
		}
	}
}
