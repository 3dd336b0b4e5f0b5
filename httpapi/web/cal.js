// rehabplan's planning page: time in the operation's zone, and recurring windows.
// Every date, hour and shading of the page goes through here, so that the page
// shows the operation's wall time whatever the browser's own zone.
"use strict";
(function () {
  const MIN = 60000, DAY = 86400000;
  const pad = (n) => String(n).padStart(2, "0");

  // Zone: the wall clock of one IANA time zone. Intl gives the zone's offset; it is
  // asked once per UTC day (and per hour on a day when the offset changes), and the
  // wall time is then plain arithmetic: the chart reads thousands of times.
  function Zone(tz) {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric",
      day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    // ask is the offset at the instant ms, from Intl
    function ask(ms) {
      const w = {};
      const t = Math.floor(ms / 1000) * 1000;
      for (const p of parts.formatToParts(new Date(t))) if (p.type !== "literal") w[p.type] = Number(p.value);
      return Date.UTC(w.year, w.month - 1, w.day, w.hour === 24 ? 0 : w.hour, w.minute, w.second) - t;
    }
    const HOUR = 3600000, days = new Map(), hours = new Map();
    // offset is the zone's offset from UTC at the instant ms, in ms
    function offset(ms) {
      const d = Math.floor(ms / DAY);
      let o = days.get(d);
      if (o === undefined) {
        const a = ask(d * DAY), b = ask((d + 1) * DAY - 1000);
        o = a === b ? a : null; // null: the offset changes that day, ask per hour
        days.set(d, o);
      }
      if (o !== null) return o;
      const h = Math.floor(ms / HOUR);
      let oh = hours.get(h);
      if (oh === undefined) {
        const a = ask(h * HOUR), b = ask((h + 1) * HOUR - 1000);
        oh = a === b ? a : null;
        hours.set(h, oh);
      }
      return oh !== null ? oh : ask(ms);
    }
    // wall returns the wall time of the instant ms: {y, mo, d, h, mi, wd} (wd 0 is Sunday)
    function wall(ms) {
      const t = new Date(ms + offset(ms));
      return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), wd: t.getUTCDay() };
    }
    // at returns the instant of a wall time (the earlier one when the clock goes back,
    // the later one when it jumps over the time)
    function at(y, mo, d, h, mi) {
      const g = Date.UTC(y, mo - 1, d, h || 0, mi || 0);
      const before = offset(g - DAY / 2), after = offset(g + DAY / 2);
      const ok = [g - before, g - after].filter((t) => g - offset(t) === t);
      return ok.length ? Math.min(...ok) : g - before;
    }
    const key = (ms) => { const w = wall(ms); return w.y + "-" + pad(w.mo) + "-" + pad(w.d); };
    const midnight = (ms) => { const w = wall(ms); return at(w.y, w.mo, w.d); };
    return { tz, wall, at, key, midnight, offset };
  }

  // date arithmetic on "YYYY-MM-DD" keys, zone-free
  const keyParts = (k) => k.split("-").map(Number);
  const dayNumber = (k) => { const [y, m, d] = keyParts(k); return Date.UTC(y, m - 1, d) / DAY; };
  const keyOfNumber = (n) => { const d = new Date(n * DAY); return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()); };
  const weekdayOfNumber = (n) => (n + 4) % 7; // 1970-01-01 was a Thursday

  // parseDuration reads a duration such as "45m", "1h30m", "0.5d" into minutes;
  // dayMinutes is the length of "d" (the operation's working day).
  function parseDuration(s, dayMinutes) {
    let total = 0, ok = false;
    const re = /(\d+(?:\.\d+)?)\s*([dhm])/g;
    let m;
    while ((m = re.exec(String(s || "")))) {
      ok = true;
      total += Number(m[1]) * (m[2] === "d" ? dayMinutes || 480 : m[2] === "h" ? 60 : 1);
    }
    return ok ? Math.round(total) : NaN;
  }
  const parseClock = (s) => { const m = /^(\d{1,2}):(\d{2})$/.exec(String(s || "")); return m ? Number(m[1]) * 60 + Number(m[2]) : NaN; };

  const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

  // parseRule reads the RRULE forms the page can draw and word: DAILY and WEEKLY,
  // with INTERVAL, BYDAY (without ordinals), BYHOUR, BYMINUTE, BYMONTH, UNTIL and
  // COUNT. Any other form gives null: the page then says the rule as written.
  function parseRule(s) {
    const r = { freq: "", interval: 1, byday: null, byhour: null, byminute: null, bymonth: null, until: "", count: 0 };
    for (const part of String(s || "").replace(/^RRULE:/i, "").split(";")) {
      if (!part.trim()) continue;
      const [k, v] = part.split("=").map((x) => (x || "").trim().toUpperCase());
      const ints = () => v.split(",").map(Number);
      if (k === "FREQ") r.freq = v;
      else if (k === "INTERVAL") r.interval = Number(v);
      else if (k === "BYDAY") { r.byday = v.split(","); if (r.byday.some((d) => !DAYS.includes(d))) return null; }
      else if (k === "BYHOUR") r.byhour = ints();
      else if (k === "BYMINUTE") r.byminute = ints();
      else if (k === "BYMONTH") r.bymonth = ints();
      else if (k === "UNTIL") r.until = v.slice(0, 4) + "-" + v.slice(4, 6) + "-" + v.slice(6, 8);
      else if (k === "COUNT") r.count = Number(v);
      else if (k === "WKST" && v === "MO") continue;
      else return null;
    }
    if (r.freq !== "DAILY" && r.freq !== "WEEKLY") return null;
    if (!(r.interval >= 1) || [r.byhour, r.byminute, r.bymonth].some((l) => l && l.some((n) => !Number.isInteger(n)))) return null;
    return r;
  }

  // the minutes of the day at which a rule's occurrences start
  function startsOfDay(rule, startMin) {
    const hs = rule.byhour ? rule.byhour : [Math.floor(startMin / 60)];
    const ms = rule.byminute ? rule.byminute : [startMin % 60];
    const out = [];
    for (const h of hs) for (const m of ms) out.push(h * 60 + m);
    return out.sort((a, b) => a - b);
  }

  // expand lists the occurrences [start, end) of a recurrence (model.Recurrence:
  // rrule, start "HH:MM", duration, from, exdates) that overlap [lo, hi), in zone z;
  // opStart is the date of its first possible occurrence when it gives no "from".
  // It returns null for a rule it cannot read.
  function expand(rec, z, opStart, lo, hi) {
    const rule = parseRule(rec.rrule);
    const startMin = parseClock(rec.start), len = parseDuration(rec.duration, 0);
    if (!rule || isNaN(startMin) || !(len > 0)) return null;
    const from = dayNumber(rec.from || opStart);
    const last = dayNumber(z.key(hi)) + 1;
    const until = rule.until ? dayNumber(rule.until) : Infinity;
    const ex = new Set(rec.exdates || []);
    const byday = rule.byday ? new Set(rule.byday.map((d) => DAYS.indexOf(d))) : rule.freq === "WEEKLY" ? new Set([weekdayOfNumber(from)]) : null;
    const monday = (n) => n - ((weekdayOfNumber(n) + 6) % 7);
    const times = startsOfDay(rule, startMin);
    const out = [];
    let count = 0;
    const first = rule.count ? from : Math.max(from, dayNumber(z.key(lo - len * MIN)) - 1);
    for (let n = first; n <= last && n <= until; n++) {
      const step = rule.freq === "DAILY" ? n - from : (monday(n) - monday(from)) / 7;
      if (step % rule.interval !== 0) continue;
      if (byday && !byday.has(weekdayOfNumber(n))) continue;
      const [y, m, d] = keyParts(keyOfNumber(n));
      if (rule.bymonth && !rule.bymonth.includes(m)) continue;
      for (const t of times) {
        if (rule.count && count >= rule.count) return out;
        count++;
        if (ex.has(keyOfNumber(n))) continue;
        const s = z.at(y, m, d, Math.floor(t / 60), t % 60), e = s + len * MIN;
        if (e > lo && s < hi) out.push([s, e]);
      }
    }
    return out;
  }

  // merge unions sorted-or-not spans into sorted disjoint spans
  function merge(spans) {
    const s = spans.slice().sort((a, b) => a[0] - b[0]), out = [];
    for (const x of s) {
      if (out.length && x[0] <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], x[1]);
      else out.push([x[0], x[1]]);
    }
    return out;
  }

  // periodSpan reads a model.Period ({from, to}: dates or wall times; a date in
  // "to" means the end of that day) into [start, end) in zone z
  function periodSpan(p, z) {
    const one = (s, end) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(String(s || ""));
      if (!m) return NaN;
      if (/[Zz]|[+-]\d{2}:\d{2}$/.test(s) && s.length > 16) return Date.parse(s);
      if (m[4] === undefined) return z.at(+m[1], +m[2], +m[3] + (end ? 1 : 0));
      return z.at(+m[1], +m[2], +m[3], +m[4], +m[5]);
    };
    return [one(p.from, false), one(p.to, true)];
  }

  window.RPCal = { Zone, DAY, MIN, parseDuration, parseClock, parseRule, startsOfDay, expand, merge, periodSpan, dayNumber, keyOfNumber, weekdayOfNumber, DAYS };
})();
