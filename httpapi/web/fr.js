// rehabplan's planning page: French words for what the problem holds as ids and
// rules. A "label" on a trade or a profile wins; the standard ids have French
// defaults here; then the trade's name; then the id itself.
"use strict";
(function () {
  const C = window.RPCal;
  const TRADES = {
    visit: "Visite technique", "strip-out": "Dépose et curage", plumbing: "Plomberie", electrics: "Électricité",
    plasterboard: "Plâtrerie", tiling: "Carrelage et faïence", sanitary: "Appareils sanitaires", kitchen: "Cuisine",
    ventilation: "Ventilation", windows: "Menuiseries extérieures", painting: "Peinture",
    acceptance: "Réception des travaux", removal: "Déménagement", heating: "Chauffage",
    diagnostic: "Entretien de diagnostic", survey: "Enquête de satisfaction",
  };
  const PROFILES = {
    elderly: "personne âgée", "reduced-mobility": "mobilité réduite", respiratory: "insuffisance respiratoire",
    "respiratory-relocated": "insuffisance respiratoire, relogé pendant les travaux", "medical-equipment": "appareil médical électrique",
    infant: "nourrisson", "night-worker": "travaille de nuit", carer: "aidant nécessaire",
  };
  const RULES = {
    "crew-calendar": "horaires des équipes", "tenant-availability": "présence du locataire",
    "pilot-office-hours": "horaires du pilote", "trade-sequence": "ordre des corps d'état",
    "release-delivery-deadline": "dates de démarrage, livraisons et échéances", "dwelling-capacity": "place dans le logement",
    "household-profile": "profil du ménage", relocation: "relogement", "frozen-appointments": "rendez-vous confirmés",
    "local-time": "heure locale", heating: "chauffage en saison de chauffe",
    "pilot-visits": "diagnostic et enquête de satisfaction", snags: "réserves et reprises",
    "plan-structure": "cohérence du planning", search: "recherche",
  };
  const STATUS = { complete: "complet", partial: "partiel", violated: "non conforme" };

  function labeller(problem) {
    const trades = new Map((problem.trades || []).map((t) => [t.id, t]));
    const profiles = new Map((problem.profiles || []).map((p) => [p.id, p]));
    const trade = (id) => { const t = trades.get(id) || {}; return t.label || TRADES[id] || t.name || id; };
    const profile = (id) => { const p = profiles.get(id) || {}; return p.label || PROFILES[id] || p.name || id; };
    return { trade, profile };
  }
  const rule = (id) => RULES[id] || id;

  const DAY_NAMES = { MO: "lundi", TU: "mardi", WE: "mercredi", TH: "jeudi", FR: "vendredi", SA: "samedi", SU: "dimanche" };
  const WEEK = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
  // list joins with commas and a final "et"
  const list = (xs) => (xs.length <= 1 ? xs.join("") : xs.slice(0, -1).join(", ") + " et " + xs[xs.length - 1]);
  // clock words a time of day: 13 h, 8 h 30, minuit
  function clock(min) {
    min = ((min % 1440) + 1440) % 1440;
    const h = Math.floor(min / 60), m = min % 60;
    if (h === 0 && m === 0) return "minuit";
    return h + " h" + (m ? " " + String(m).padStart(2, "0") : "");
  }
  // days words a BYDAY list: runs of three or more days read "du lundi au vendredi"
  function days(byday) {
    const idx = [...new Set(byday.map((d) => WEEK.indexOf(d)))].sort((a, b) => a - b);
    if (idx.length === 7) return "tous les jours";
    const runs = [];
    for (const i of idx) {
      const r = runs[runs.length - 1];
      if (r && r[1] === i - 1) r[1] = i; else runs.push([i, i]);
    }
    const words = [];
    for (const [a, b] of runs) {
      if (b - a >= 2) words.push("du " + DAY_NAMES[WEEK[a]] + " au " + DAY_NAMES[WEEK[b]]);
      else for (let i = a; i <= b; i++) words.push(DAY_NAMES[WEEK[i]]);
    }
    return idx.length === 1 ? "le " + words[0] : list(words);
  }
  // the French dates: "1er mars 2027" for the first of a month, "2 mars 2027"
  // after (Intl writes "1 mars"); with the weekday, "lundi 1er mars 2027"
  const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
  const MONTHS_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
  const WEEKDAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
  const dayOfMonth = (d) => (d === 1 ? "1er" : String(d));
  // date words a wall date {y, mo, d, wd}: "lundi 1er mars 2027" (no weekday when
  // wd is missing, short month and weekday when short: "lun. 1er mars 2027")
  function date(w, short) {
    const day = dayOfMonth(w.d) + " " + (short ? MONTHS_SHORT : MONTHS)[w.mo - 1] + " " + w.y;
    if (w.wd === undefined) return day;
    return (short ? WEEKDAYS[w.wd].slice(0, 3) + "." : WEEKDAYS[w.wd]) + " " + day;
  }
  const longDate = (k) => {
    const [y, m, d] = k.split("-").map(Number);
    return date({ y, mo: m, d });
  };

  // recurrence words a model.Recurrence: "mardi et jeudi, de 13 h à 18 h". A rule
  // the page cannot read is given as written.
  function recurrence(rec) {
    const r = C.parseRule(rec.rrule), start = C.parseClock(rec.start), len = C.parseDuration(rec.duration, 0);
    if (!r || isNaN(start) || !(len > 0)) return "selon la règle " + rec.rrule + (rec.start ? " à " + rec.start : "") + (rec.duration ? " pendant " + rec.duration : "");
    let when;
    if (r.byday) when = days(r.byday);
    else if (r.freq === "DAILY") when = r.interval === 1 ? "tous les jours" : "un jour sur " + r.interval;
    else when = "le " + DAY_NAMES[C.DAYS[C.weekdayOfNumber(C.dayNumber(rec.from || "2024-01-01"))]];
    if (r.freq === "WEEKLY" && r.interval > 1) when = (r.interval === 2 ? "une semaine sur deux" : "une semaine sur " + r.interval) + ", " + when;
    if (r.freq === "DAILY" && r.interval > 1 && r.byday) when = "un jour sur " + r.interval + ", " + when;
    if (r.bymonth) when += " en " + list(r.bymonth.map((m) => MONTHS[m - 1] || String(m)));
    const spans = C.startsOfDay(r, start).map((s) => {
      const e = s + len;
      const next = e > 1440 ? (e >= 2880 ? " " + Math.floor(e / 1440) + " jours plus tard" : " le lendemain") : "";
      return "de " + clock(s) + " à " + clock(e) + next;
    });
    let out = when + ", " + list(spans);
    if (rec.from) out += ", à partir du " + longDate(rec.from);
    if (r.until) out += ", jusqu'au " + longDate(r.until);
    if (r.count) out += ", " + r.count + " fois";
    if (rec.exdates && rec.exdates.length) out += ", sauf le " + list(rec.exdates.map(longDate));
    return out;
  }

  // hours words a number of minutes: "45 min", "3 h", "1 h 30"
  function hours(min) {
    min = Math.round(min);
    if (min < 60) return min + " min";
    const h = Math.floor(min / 60), m = min % 60;
    return h + " h" + (m ? " " + String(m).padStart(2, "0") : "");
  }
  const plural = (n, one, many) => n + " " + (n > 1 ? many : one);
  // work words an intervention's length in working days and hours: "4 h",
  // "1 jour de travail et 4 h" (a working day is dayMin minutes)
  function work(min, dayMin) {
    if (!(min > 0)) return "–";
    dayMin = dayMin || 480;
    const d = Math.floor(min / dayMin + 1e-9), rest = Math.round(min - d * dayMin);
    if (!d) return hours(rest);
    return plural(d, "jour de travail", "jours de travail") + (rest ? " et " + hours(rest) : "");
  }
  // span words an elapsed time given in hours: "3 h", "2 jours et 5 h", "6 semaines et 2 jours"
  function span(h) {
    const min = Math.round(h * 60);
    if (min < 1440) return hours(min);
    const d = Math.floor(min / 1440), r = min - d * 1440;
    if (d >= 14) { const w = Math.floor(d / 7), dd = d % 7; return plural(w, "semaine", "semaines") + (dd ? " et " + plural(dd, "jour", "jours") : ""); }
    return plural(d, "jour", "jours") + (r >= 60 ? " et " + hours(r - (r % 60)) : "");
  }
  const n = (x) => new Intl.NumberFormat("fr-FR").format(x);

  window.RPFr = { labeller, rule, recurrence, work, span, hours, clock, days, list, n, date, longDate, dayOfMonth, MONTHS, MONTHS_SHORT, WEEKDAYS, status: (s) => STATUS[s] || s, TRADES, PROFILES, RULES };
})();
