// rehabplan's planning page: plain JavaScript, no build step. cal.js reads time in
// the operation's zone, fr.js words ids and rules in French.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const C = window.RPCal, F = window.RPFr, DAY = C.DAY;
  const NS = "http://www.w3.org/2000/svg";
  const LEFT = 200, TOP = 40; // the row labels' column and the time axis, both sticky
  const state = { token: sessionStorage.getItem("rehabplan-token") || "", op: "", version: null, me: null,
    problem: null, plan: null, diff: null, oldPlan: null, holidays: new Set(), job: null,
    zone: C.Zone("Europe/Paris"), L: null, m: null, active: null, selected: "", detailsSeq: 0, outcomeSeq: 0 };
  const collator = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });
  const natural = (a, b) => collator.compare(a, b);
  const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  function show(msg, ok) {
    const m = $("message");
    m.textContent = msg;
    m.className = ok ? "ok" : "";
    m.hidden = !msg;
  }

  async function api(method, path, body, headers) {
    const h = Object.assign({ Authorization: "Bearer " + state.token }, headers || {});
    const resp = await fetch(path, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
    const text = await resp.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    if (!resp.ok) {
      let msg = (data && data.detail) || resp.statusText;
      if (resp.status === 401) msg = "Jeton invalide ou expiré : saisissez un nouveau jeton.";
      else if (resp.status === 403) msg = "Ce jeton permet de consulter, pas de modifier.";
      else if (resp.status === 422) msg = "Replanification impossible : " + msg;
      else if (resp.status === 429) msg = "Trop de calculs en cours : réessayez dans un instant.";
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return data;
  }
  const opPath = (rest) => "/v1/operations/" + encodeURIComponent(state.op) + (rest || "");

  // the page's dates, built from the zone's wall clock (Intl's format is too slow
  // for the thousands of bars of a large plan)
  // (RPFr.date writes "1er" for the first of a month)
  const MO = F.MONTHS, MOS = F.MONTHS_SHORT;
  const p2 = (n) => String(n).padStart(2, "0");
  const time = (ms) => { const w = state.zone.wall(ms); return p2(w.h) + ":" + p2(w.mi); };
  const longDay = (ms) => F.date(state.zone.wall(ms));
  const when = (ms) => { const w = state.zone.wall(ms); return F.date(w, true) + ", " + p2(w.h) + ":" + p2(w.mi); };
  const monthYear = (ms) => { const w = state.zone.wall(ms); return MO[w.mo - 1] + " " + w.y; };
  // fromTo words an appointment: "mardi 5 janvier 2027, de 08:00 à 12:00"
  function fromTo(s, e) {
    const z = state.zone;
    if (z.key(s) === z.key(e - 1)) return longDay(s) + ", de " + time(s) + " à " + time(e);
    return "du " + longDay(s) + " à " + time(s) + " au " + longDay(e) + " à " + time(e);
  }

  // ---- what the token may do (GET /v1/me): the page shows only the actions
  // its role may take (the server refuses the others anyway)
  const ROLES = { admin: "administrateur", manager: "chargé d'opération", pilot: "pilote social", contractor: "entreprise", viewer: "lecteur" };
  const WRITES = ["startSolve", "postEvents", "announce", "confirm", "createOperation", "replaceOperation"];
  const may = (action) => !!state.me && state.me.actions.includes(action);
  const mayEvent = (type) => !!state.me && state.me.events.includes(type);
  function rights(me) {
    state.me = me;
    for (const e of document.querySelectorAll("[data-needs]")) e.hidden = !e.dataset.needs.split(" ").some(may);
    const forms = [...document.querySelectorAll("#actions form[data-action]")];
    for (const f of forms) f.hidden = !mayEvent(f.dataset.action);
    $("actions").hidden = forms.every((f) => f.hidden);
    $("lifecycle").hidden = !may("announce") && !may("confirm");
    const mode = $("upload-mode");
    for (const o of mode.options) o.disabled = !may(o.value === "new" ? "createOperation" : "replaceOperation");
    if (mode.selectedOptions[0] && mode.selectedOptions[0].disabled) { const o = [...mode.options].find((x) => !x.disabled); if (o) mode.value = o.value; }
    if (!state.job || !may("cancelJob")) $("cancel").hidden = true;
    const who = me ? (ROLES[me.role] || me.role) + " (" + me.id + ")" : "jeton inconnu";
    $("rights").textContent = "Connecté : " + who + (!WRITES.some(may) ? " : consultation seule ; les actions qui modifient le planning sont masquées." :
      !may("startSolve") ? " : les actions réservées aux chargés d'opération sont masquées." : ".");
    $("rights").dataset.role = me ? me.role : "";
  }

  async function login(ev) {
    ev.preventDefault();
    state.token = $("token").value.trim();
    delete $("rights").dataset.role;
    try {
      const r = await api("GET", "/v1/operations");
      sessionStorage.setItem("rehabplan-token", state.token);
      let me = null;
      try { me = await api("GET", "/v1/me"); } catch (e) { /* nothing offered that writes */ }
      rights(me);
      $("app").hidden = false;
      const sel = $("operation");
      sel.innerHTML = "";
      for (const id of r.operations.slice().sort(natural)) sel.add(new Option(id, id));
      show(r.operations.length ? "" : "Aucune opération : créez-en une par l'API.", true);
      // a token that may not read the operation (a contractor): nothing of the
      // page but its name, nothing left of an earlier token's plan
      const blind = r.operations.length > 0 && !may("getOperation");
      $("app").classList.toggle("blind", blind);
      if (blind) {
        state.op = ""; state.plan = null; state.problem = null; state.m = null; state.diff = null; state.oldPlan = null;
        $("gantt").innerHTML = ""; $("version").textContent = "";
        show("Ce jeton (" + (ROLES[me && me.role] || "sans rôle connu") + ") ne donne pas accès au planning de l'opération : vos rendez-vous sont dans l'agenda de vos équipes (flux de calendrier).");
        return;
      }
      if (r.operations.length) { await loadOperation(sel.value); followHash(); }
    } catch (e) { show(e.message); }
  }

  async function loadOperation(op) {
    state.op = op;
    state.problem = await api("GET", opPath());
    const hol = await api("GET", opPath("/holidays"));
    state.holidays = new Set(hol.dates);
    state.plan = null;
    try {
      const vs = await api("GET", opPath("/versions"));
      const planned = vs.versions.filter((v) => v.has_plan);
      if (planned.length) {
        const v = await api("GET", opPath("/versions/" + planned[planned.length - 1].version));
        state.plan = v.plan; state.version = v.version; state.problem = v.problem;
      }
    } catch (e) { show(e.message); }
    const tz = (state.problem.operation && state.problem.operation.time_zone) || "Europe/Paris";
    state.zone = C.Zone(tz);
    state.L = F.labeller(state.problem);
    missedItems = null;
    fillForms();
    $("version").textContent = (state.plan ? "version " + state.version + " (" + F.status(state.plan.status) + ")" : "pas encore de planning : lancez le calcul") +
      " · heures de l'opération : " + tz;
    build();
    outcome();
    if (state.selected) details(state.selected); // never leave the panel on an older plan
    document.dispatchEvent(new CustomEvent("rp:loaded"));
  }

  function fillForms() {
    const p = state.problem;
    const d = $("slip-delivery"); d.innerHTML = "";
    for (const x of (p.deliveries || []).slice().sort((a, b) => natural(a.id, b.id))) d.add(new Option(x.id + " (" + x.expected.slice(0, 10) + ")", x.id));
    const c = $("absent-crew"); c.innerHTML = "";
    for (const x of p.crews.slice().sort((a, b) => natural(a.id, b.id))) c.add(new Option(x.id + " – " + x.trades.map(state.L.trade).join(", "), x.id));
    $("missed-iv").value = ""; delete $("missed-iv").dataset.value;
  }

  // ---- the chart's model: rows, bars by row, calendars; rebuilt on load and on
  // a change of grouping, then laid out on a change of scale, then drawn for the
  // visible window only on every scroll

  function dwellingOrder(a, b) {
    return natural(a.building, b.building) || natural(a.stairwell, b.stairwell) || natural(a.id, b.id);
  }

  // the calendar spans of a list of recurrences over the chart, merged; null when
  // one of them cannot be read
  const spanCache = new Map();
  function spans(recs, lo, hi) {
    const k = state.zone.tz + "|" + state.problem.operation.start + "|" + lo + "|" + hi + "|" + JSON.stringify(recs);
    if (!spanCache.has(k)) { if (spanCache.size > 200) spanCache.clear(); spanCache.set(k, spansOf(recs, lo, hi)); }
    return spanCache.get(k);
  }
  function spansOf(recs, lo, hi) {
    const out = [];
    for (const r of recs) {
      const s = C.expand(r, state.zone, state.problem.operation.start, lo, hi);
      if (!s) return null;
      out.push(...s);
    }
    return C.merge(out);
  }
  const OFFICE = [{ rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "09:00", duration: "3h" }, { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "13:30", duration: "4h" }];
  const SITE = [{ rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "08:00", duration: "4h" }, { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "13:00", duration: "4h" }];
  const officeHours = (pl) => (pl.office_hours && pl.office_hours.length ? pl.office_hours : OFFICE)
    .concat(pl.saturday ? [{ rrule: "FREQ=WEEKLY;BYDAY=SA", start: "09:00", duration: "3h" }] : []);
  const crewHours = (c) => (c.calendar && c.calendar.length ? c.calendar : state.problem.operation.site_hours && state.problem.operation.site_hours.length ? state.problem.operation.site_hours : SITE);

  function rowsOf(by, lo, hi) {
    const p = state.problem, L = state.L, out = [];
    const hh = new Map((p.households || []).map((h) => [h.id, h]));
    const periods = (ps) => (ps || []).map((x) => C.periodSpan(x, state.zone)).filter((s) => !isNaN(s[0]) && !isNaN(s[1]));
    if (by === "dwelling") {
      let b = null, s = null;
      for (const d of p.dwellings.slice().sort(dwellingOrder)) {
        if (d.building !== b) { b = d.building; s = null; out.push({ group: true, label: "Bâtiment " + b, h: 20 }); }
        if (d.stairwell !== s) { s = d.stairwell; out.push({ group: true, label: "Cage " + s, h: 20 }); }
        const h = d.household ? hh.get(d.household) : null;
        const profiles = h && h.profiles ? h.profiles.map(L.profile) : [];
        out.push({ key: d.id, label: d.id + (d.vacant ? " (vacant)" : ""), flag: profiles.join(", "), h: 20,
          title: "logement " + d.id + ", étage " + d.floor + (h ? ", ménage " + h.id : d.vacant ? ", vacant" : "") + (profiles.length ? " – profil : " + profiles.join(", ") : ""),
          off: h ? periods(h.absences) : [] });
      }
    } else if (by === "crew") {
      for (const c of p.crews.slice().sort((a, b) => natural(a.id, b.id))) {
        const trades = c.trades.map(L.trade).join(", ");
        out.push({ key: c.id, label: c.id, flag: trades, h: 20, title: "équipe " + c.id + (c.contractor ? " (" + c.contractor + ")" : "") + " – " + trades,
          cal: spans(crewHours(c), lo, hi), calTitle: "horaires de l'équipe", off: periods(c.unavailable) });
      }
    } else {
      for (const pl of (p.pilots || []).slice().sort((a, b) => natural(a.id, b.id))) {
        out.push({ key: pl.id, label: "pilote " + pl.id, flag: pl.contact || "", h: 48, title: "pilote " + pl.id + (pl.contact ? " – " + pl.contact : ""),
          cal: spans(officeHours(pl), lo, hi), calTitle: "horaires de bureau du pilote", off: periods(pl.absences), tall: true });
      }
    }
    return out;
  }

  function build() {
    const svg = $("gantt");
    state.m = null;
    svg.innerHTML = "";
    $("gantt-size").style.width = "0px"; $("gantt-size").style.height = "0px";
    legend();
    if (!state.plan || !state.plan.assignments.length) return;
    const p = state.problem, z = state.zone, by = $("group").value;
    const ivs = new Map(p.interventions.map((iv) => [iv.id, iv]));
    let lo = Infinity, hi = -Infinity;
    const byId = new Map();
    for (const a of state.plan.assignments) {
      a.s = Date.parse(a.start); a.e = Date.parse(a.end);
      byId.set(a.intervention, a);
      if (a.s < lo) lo = a.s;
      if (a.e > hi) hi = a.e;
    }
    const oldBy = new Map();
    if (state.oldPlan) for (const a of state.oldPlan.assignments) { a.s = Date.parse(a.start); a.e = Date.parse(a.end); oldBy.set(a.intervention, a); if (a.e > hi) hi = a.e; }
    const t0 = z.midnight(lo), t1 = z.midnight(hi) + 2 * DAY;
    // the days of the chart, at their local midnights (a day is 23 or 25 hours
    // when the clocks change)
    const days = [];
    for (let n = C.dayNumber(z.key(t0)); ; n++) {
      const [y, mo, d] = C.keyOfNumber(n).split("-").map(Number);
      const ms = z.at(y, mo, d);
      if (ms >= t1) break;
      days.push({ key: C.keyOfNumber(n), ms, end: z.at(y, mo, d + 1), wd: C.weekdayOfNumber(n), d, mo, y });
    }
    // a day on which no crew works (by the crews' calendars) is shaded as a day off
    const work = spans([...new Map(p.crews.map((c) => { const h = crewHours(c); return [JSON.stringify(h), h]; })).values()].flat(), t0, t1);
    const worked = new Set();
    if (work) for (const [s, e] of work) for (let t = z.midnight(s); t < e; t += DAY / 2) worked.add(z.key(t));
    for (const d of days) { d.holiday = state.holidays.has(d.key); d.off = work ? !worked.has(d.key) : d.wd === 0 || d.wd === 6; }
    const rows = rowsOf(by, t0, t1);
    const keyOf = by === "dwelling" ? (a) => (ivs.get(a.intervention) || {}).dwelling : by === "crew" ? (a) => a.crew : (a) => a.pilot;
    const byRow = new Map();
    for (const a of state.plan.assignments) {
      const k = keyOf(a);
      if (k === undefined || k === "") continue;
      if (!byRow.has(k)) byRow.set(k, []);
      byRow.get(k).push(a);
    }
    for (const l of byRow.values()) l.sort((a, b) => a.s - b.s || natural(a.intervention, b.intervention));
    const rowOf = new Map();
    let y = 0;
    rows.forEach((r, i) => { r.y = y; y += r.h; r.bars = r.key !== undefined ? byRow.get(r.key) || [] : []; if (r.key !== undefined) rowOf.set(r.key, i); });
    const moved = new Set();
    if (state.diff) for (const c of state.diff.changes) if (c.kind === "moved" || c.kind === "added") moved.add(c.intervention);
    // the pilots' office hours, shaded behind every row at the scale of a day or a week
    const office = by === "dwelling" ? spans((p.pilots || []).flatMap(officeHours), t0, t1) : null;
    const colours = new Map(p.trades.map((t, i) => [t.id, "hsl(" + Math.round((i * 360) / Math.max(1, p.trades.length)) + ", 65%, 70%)"]));
    state.m = { by, rows, rowOf, byId, ivs, keyOf, oldBy, moved, t0, t1, days, H: y, office, colours, officeOK: office !== null };
    if (state.active && !(state.active.row < rows.length)) state.active = null;
    if (state.active && state.active.iv) { const a = byId.get(state.active.iv); state.active = a ? { row: rowOf.get(keyOf(a)), iv: a.intervention } : null; }
    layout();
  }

  function layout() {
    const m = state.m;
    if (!m) return;
    const zoom = $("zoom").value, wrap = $("gantt-wrap");
    const vw = wrap.clientWidth || 900;
    m.pxDay = zoom === "day" ? 600 : zoom === "week" ? 120 : zoom === "month" ? 28 : Math.max(1, (vw - LEFT) / m.days.length);
    m.W = LEFT + m.days.length * m.pxDay;
    $("gantt-size").style.width = m.W + "px";
    $("gantt-size").style.height = TOP + m.H + "px";
    const a = state.active;
    if (a && a.row < m.rows.length) { // a change of scale keeps the active appointment in view
      rowVisible(a.row);
      const b = a.iv && m.byId.get(a.iv);
      if (b) timeVisible(b.s, b.e);
    }
    render();
  }

  // bar draws the k-th appointment of row i (its stretches, its old place when it
  // moved, its words in a tall row); it returns the element's id when it is active
  function bar(row, r, i, k, y, X) {
    const m = state.m, a = r.bars[k], act = state.active;
    const NSel = (name, attrs) => { const e = document.createElementNS(NS, name); for (const n in attrs) e.setAttribute(n, attrs[n]); row.appendChild(e); return e; };
    const iv = m.ivs.get(a.intervention) || {};
    const isMoved = m.moved.has(a.intervention), o = isMoved && m.oldBy.get(a.intervention);
    if (o) NSel("rect", { class: "ghost", x: X(o.s), y: y + 3, width: Math.max(2, X(o.e) - X(o.s)), height: r.h - 6, "aria-hidden": "true" });
    let segs = a.segments && a.segments.length ? a.segments.map((s) => [Date.parse(s.start), Date.parse(s.end)]) : [[a.s, a.e]];
    if (segs.length > 1 && segs.some(([s, e]) => X(e) - X(s) < 3)) segs = [[a.s, a.e]]; // stretches too thin to draw apart
    const name = state.L.trade(iv.trade) + (m.by === "dwelling" ? "" : ", logement " + iv.dwelling);
    const label = name + ", " + fromTo(a.s, a.e) + (a.crew && m.by !== "crew" ? ", équipe " + a.crew : "") + (isMoved ? ", déplacé" : "");
    const isActive = act && act.iv === a.intervention;
    const id = "bar-" + i + "-" + k;
    segs.forEach(([s, e], seg) => {
      const attrs = { class: "bar" + (isMoved ? " moved" : "") + (isActive ? " active" : ""), x: X(s), y: y + 3, width: Math.max(2, X(e) - X(s)), height: r.h - 6,
        fill: m.colours.get(iv.trade) || "#ccc", "data-iv": a.intervention, "data-start": a.start };
      if (seg === 0) Object.assign(attrs, { id, role: "gridcell", "aria-label": label });
      else attrs["aria-hidden"] = "true";
      NSel("rect", attrs); // its tooltip is added when the pointer comes (see "mouseover")
    });
    if (r.tall && X(a.e) - X(a.s) > 60) NSel("text", { class: "inbar", x: X(a.s) + 3, y: y + r.h / 2 + 4, "aria-hidden": "true" }).textContent = iv.dwelling + " " + state.L.trade(iv.trade);
    return isActive ? id : "";
  }

  let pending = 0;
  const schedule = () => { if (!pending) pending = requestAnimationFrame(() => { pending = 0; render(); }); };

  // render draws the visible window of the chart: the rows and days in view only
  // (a plan of 1,000 dwellings holds 30,000 bars; drawing them all took seconds).
  // One long function: it draws the layers in their order (background, rows and
  // bars, today, labels, axis), and each layer needs the window computed at the top.
  function render() {
    const m = state.m, svg = $("gantt"), wrap = $("gantt-wrap");
    if (!m) return;
    const vw = wrap.clientWidth, vh = wrap.clientHeight, sl = wrap.scrollLeft, st = wrap.scrollTop;
    svg.setAttribute("width", vw); svg.setAttribute("height", vh);
    svg.innerHTML = "";
    const frag = document.createDocumentFragment();
    const el = (parent, name, attrs, text) => {
      const e = document.createElementNS(NS, name);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      parent.appendChild(e);
      return e;
    };
    const title = (e, text) => { el(e, "title", {}, text); return e; };
    const X = (t) => LEFT + ((t - m.t0) / DAY) * m.pxDay - sl;
    const tv0 = m.t0 + ((sl - m.pxDay) / m.pxDay) * DAY, tv1 = m.t0 + ((sl + vw) / m.pxDay) * DAY;
    const bandH = vh - TOP, wide = m.pxDay >= 60;
    // the rows in view
    let i0 = 0, lo = 0, hi = m.rows.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (m.rows[mid].y + m.rows[mid].h <= st) lo = mid + 1; else hi = mid; }
    i0 = lo;
    let i1 = i0;
    while (i1 < m.rows.length && m.rows[i1].y < st + vh - TOP) i1++;
    const Y = (r) => TOP + r.y - st;
    // background: days off, holidays, office hours
    const clipDefs = el(frag, "defs", {});
    el(el(clipDefs, "clipPath", { id: "chart-area" }), "rect", { x: LEFT, y: TOP, width: Math.max(0, vw - LEFT), height: bandH });
    const bg = el(frag, "g", { "aria-hidden": "true", "clip-path": "url(#chart-area)" });
    for (let i = i0; i < i1; i++) if (i % 2 && !m.rows[i].group) el(bg, "rect", { class: "stripe", x: LEFT, y: Y(m.rows[i]), width: vw - LEFT, height: m.rows[i].h });
    for (const d of m.days) {
      if (d.end < tv0 || d.ms > tv1) continue;
      const x = X(d.ms), w = X(d.end) - x;
      if (d.holiday) title(el(bg, "rect", { class: "holiday", x, y: TOP, width: w, height: bandH }), "jour férié, " + longDay(d.ms));
      else if (d.off) title(el(bg, "rect", { class: "weekend", x, y: TOP, width: w, height: bandH }), "aucune équipe ne travaille, " + longDay(d.ms));
    }
    const band = (list, y, h, cls, t) => {
      if (!list) return;
      for (const [s, e] of list) if (e > tv0 && s < tv1) title(el(bg, "rect", { class: cls, x: X(s), y, width: Math.max(1, X(e) - X(s)), height: h }), t);
    };
    if (wide && m.office) band(m.office, TOP, bandH, "office", "horaires de bureau du pilote");
    for (let i = i0; i < i1; i++) {
      const r = m.rows[i];
      if (wide) band(r.cal, Y(r), r.h, "office", r.calTitle);
      band(r.off, Y(r) + 1, r.h - 2, "absence", "absent");
    }
    // the rows: a header and the bars in view
    const act = state.active;
    let activeId = "";
    const body = el(frag, "g", { role: "rowgroup" });
    for (let i = i0; i < i1; i++) {
      const r = m.rows[i], y = Y(r);
      const rowG = el(body, "g", { role: "row", "aria-rowindex": i + 1 });
      const row = el(rowG, "g", { "clip-path": "url(#chart-area)" });
      // bars narrower than 3 px less than 2 px apart, of one colour, are drawn as one cluster
      // (at the scale of the whole operation a crew's row holds hundreds of them);
      // the active and the moved ones are always drawn on their own
      let run = null;
      const flush = () => {
        if (!run) return;
        if (run.k.length === 1) bar(row, r, i, run.k[0], y, X);
        else el(row, "rect", { class: "bar cluster", x: run.x0, y: y + 3, width: run.x1 - run.x0, height: r.h - 6, fill: run.fill, "aria-hidden": "true",
          "data-ivs": run.k.map((k) => r.bars[k].intervention).join("\n") });
        run = null;
      };
      for (let k = 0; k < r.bars.length; k++) {
        const a = r.bars[k];
        if (a.e < tv0 || a.s > tv1) continue;
        const x0 = X(a.s), x1 = Math.max(x0 + 2, X(a.e)), fill = m.colours.get((m.ivs.get(a.intervention) || {}).trade) || "#ccc";
        const alone = x1 - x0 >= 3 || (act && act.iv === a.intervention) || m.moved.has(a.intervention);
        if (!alone && run && run.fill === fill && x0 <= run.x1 + 2) { run.x1 = Math.max(run.x1, x1); run.k.push(k); continue; }
        flush();
        if (alone) { const id = bar(row, r, i, k, y, X); if (id) activeId = id; } else run = { x0, x1, fill, k: [k] };
      }
      flush();
      r.drawn = rowG;
    }
    // today
    const now = Date.now();
    if (now > tv0 && now < tv1) title(el(frag, "line", { class: "today", x1: X(now), x2: X(now), y1: TOP - 6, y2: vh, "aria-hidden": "true" }), "aujourd'hui, " + when(now));
    // the row labels, over the bars that scroll under them
    const labels = el(frag, "g", {});
    for (let i = i0; i < i1; i++) {
      const r = m.rows[i], y = Y(r);
      const h = el(r.drawn || labels, "text", { class: r.group ? "group" : "label", x: 4, y: y + 14, id: "row-" + i, role: "rowheader" });
      h.textContent = r.label;
      if (!r.group) {
        h.setAttribute("aria-label", r.title + (r.bars.length ? ", " + r.bars.length + " rendez-vous" : ", aucun rendez-vous"));
        title(h, r.title);
        if (r.flag) title(el(labels, "text", { class: "flag", x: m.by === "crew" ? 104 : 84, y: y + 14, "aria-hidden": "true" }, (m.by === "dwelling" ? "⚑ " : "") + clip(r.flag, m.by === "crew" ? 15 : 18)), r.flag);
      }
      if (act && act.row === i && !act.iv) { h.classList.add("active"); activeId = h.id; }
      if (r.drawn) r.drawn.insertBefore(h, r.drawn.firstChild);
      r.drawn = null;
    }
    el(labels, "line", { class: "rule", x1: LEFT - 0.5, x2: LEFT - 0.5, y1: 0, y2: vh, "aria-hidden": "true" });
    axis(el(frag, "g", { "aria-hidden": "true" }), el, X, tv0, tv1, vw);
    svg.appendChild(frag);
    const wrapEl = $("gantt-wrap");
    wrapEl.setAttribute("aria-rowcount", m.rows.length);
    if (activeId) wrapEl.setAttribute("aria-activedescendant", activeId); else wrapEl.removeAttribute("aria-activedescendant");
  }
  const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  // axis draws the time axis: months with their year above, days (or hours at the
  // scale of a day) below
  function axis(g, el, X, tv0, tv1, vw) {
    const m = state.m, z = state.zone;
    el(g, "rect", { class: "paper", x: 0, y: 0, width: vw, height: TOP });
    el(g, "line", { class: "rule", x1: 0, x2: vw, y1: TOP - 0.5, y2: TOP - 0.5 });
    // spanLabel writes the first of the words that fits between x0 and x1
    const spanLabel = (x0, x1, words, y, cls) => {
      const x = Math.max(x0, LEFT) + 3;
      const fit = [].concat(words).find((w) => x1 - x > 7 * w.length);
      if (fit) el(g, "text", { class: cls, x, y }, fit);
    };
    if (m.pxDay < 4) { // the whole operation on one screen: years, then months
      for (const d of m.days) {
        if (d.d !== 1 && d !== m.days[0]) continue;
        const x = X(d.ms);
        el(g, "line", { class: "tick", x1: x, x2: x, y1: 18, y2: TOP });
        const next = z.at(d.y, d.mo + 1, 1);
        spanLabel(x, X(next), [MO[d.mo - 1], MOS[d.mo - 1], MO[d.mo - 1].slice(0, 1).toUpperCase()], 34, "label");
        if (d.mo === 1 || d === m.days[0]) spanLabel(x, X(z.at(d.y + 1, 1, 1)), String(d.y), 14, "year");
      }
    } else {
      for (const d of m.days) {
        if (d.end < tv0 || d.ms > tv1) continue;
        const x = X(d.ms);
        if (d.d === 1 || d.ms <= tv0 + DAY || d === m.days[0]) {
          const start = d.d === 1 ? d.ms : Math.max(d.ms, tv0);
          el(g, "line", { class: "tick", x1: x, x2: x, y1: 0, y2: 18 });
          spanLabel(d.d === 1 ? x : LEFT, X(z.at(d.y, d.mo + 1, 1)), monthYear(start), 14, "year");
        }
        el(g, "line", { class: "tick", x1: x, x2: x, y1: 20, y2: TOP });
        if (m.pxDay >= 20) el(g, "text", { class: "label", x: x + 2, y: 34 }, m.pxDay >= 100 ? F_DAYSHORT(d.ms) : String(d.d));
        if (m.pxDay >= 300) for (let h = 2; h < 24; h += 2) {
          const hx = X(z.at(d.y, d.mo, d.d, h, 0)); // the wall hour h of that day, in the operation's zone
          el(g, "line", { class: "tick hour", x1: hx, x2: hx, y1: 28, y2: TOP, "data-hour": h });
          el(g, "text", { class: "hour", x: hx + 2, y: 26 }, h + " h");
        }
      }
    }
    // the corner over the labels' column: what the rows are, and the zone of the hours
    el(g, "rect", { class: "paper", x: 0, y: 0, width: LEFT, height: TOP - 1 });
    el(g, "text", { class: "corner", x: 4, y: 14 }, { dwelling: "logements", crew: "équipes", pilot: "pilotes" }[m.by]);
    el(g, "text", { class: "corner", x: 4, y: 32 }, "heures : " + z.tz);
    el(g, "line", { class: "rule", x1: LEFT - 0.5, x2: LEFT - 0.5, y1: 0, y2: TOP });
  }
  const F_DAYSHORT = (ms) => { const w = state.zone.wall(ms); return F.WEEKDAYS[w.wd].slice(0, 3) + ". " + F.dayOfMonth(w.d); };

  function legend() {
    const ul = $("legend-items");
    ul.innerHTML = "";
    const p = state.problem;
    if (!p) return;
    const item = (cls, fill, text) => {
      const li = document.createElement("li");
      const s = document.createElementNS(NS, "svg");
      s.setAttribute("width", 22); s.setAttribute("height", 14); s.setAttribute("aria-hidden", "true");
      const r = document.createElementNS(NS, cls === "today" ? "line" : "rect");
      if (cls === "today") { r.setAttribute("x1", 11); r.setAttribute("x2", 11); r.setAttribute("y1", 0); r.setAttribute("y2", 14); } else { r.setAttribute("x", 1); r.setAttribute("y", 2); r.setAttribute("width", 20); r.setAttribute("height", 10); }
      r.setAttribute("class", cls);
      if (fill) r.setAttribute("fill", fill);
      s.appendChild(r);
      li.appendChild(s);
      li.appendChild(document.createTextNode(" " + text));
      ul.appendChild(li);
    };
    const used = new Set(p.interventions.map((iv) => iv.trade));
    p.trades.forEach((t, i) => { if (used.has(t.id)) item("bar", "hsl(" + Math.round((i * 360) / Math.max(1, p.trades.length)) + ", 65%, 70%)", state.L.trade(t.id)); });
    item("bar moved", "#fff", "déplacé par la dernière replanification");
    item("ghost", "", "place d'avant");
    item("holiday", "", "jour férié");
    item("weekend", "", "aucune équipe ne travaille");
    item("office", "", $("group").value === "crew" ? "horaires de l'équipe (échelles jour et semaine)" : "horaires de bureau du pilote (échelles jour et semaine)");
    item("absence", "", "absence");
    item("today", "", "aujourd'hui");
  }

  // ---- moving through the chart: one tab stop, arrows between rows and bars

  function rowVisible(i) {
    const m = state.m, wrap = $("gantt-wrap"), r = m.rows[i];
    if (r.y < wrap.scrollTop) wrap.scrollTop = r.y;
    else if (r.y + r.h > wrap.scrollTop + wrap.clientHeight - TOP) wrap.scrollTop = r.y + r.h - (wrap.clientHeight - TOP);
  }
  function timeVisible(s, e) {
    const m = state.m, wrap = $("gantt-wrap");
    const x0 = ((s - m.t0) / DAY) * m.pxDay, x1 = ((e - m.t0) / DAY) * m.pxDay, w = wrap.clientWidth - LEFT;
    if (x0 < wrap.scrollLeft || x1 > wrap.scrollLeft + w) wrap.scrollLeft = Math.max(0, x0 - Math.min(w / 3, Math.max(0, w - (x1 - x0)) / 2));
  }
  function activate(row, iv, open) {
    const m = state.m;
    if (!m) return;
    state.active = { row, iv: iv || null };
    rowVisible(row);
    if (iv) { const a = m.byId.get(iv); timeVisible(a.s, a.e); }
    render();
    if (open && iv) details(iv);
  }
  // the bar of row i nearest in time to t
  function nearest(i, t) {
    const bars = state.m.rows[i].bars;
    let best = null;
    for (const a of bars) if (!best || Math.abs(a.s - t) < Math.abs(best.s - t)) best = a;
    return best;
  }
  function onKey(e) {
    const m = state.m;
    if (!m || !m.rows.length) return;
    let act = state.active;
    if (!act) { act = { row: Math.max(0, m.rows.findIndex((r) => !r.group)), iv: null }; }
    const r = m.rows[act.row], cur = act.iv ? m.byId.get(act.iv) : null;
    const wrap = $("gantt-wrap");
    const tRef = cur ? cur.s : m.t0 + ((wrap.scrollLeft + (wrap.clientWidth - LEFT) / 2) / m.pxDay) * DAY;
    const idx = cur ? r.bars.indexOf(cur) : -1;
    const go = (delta) => {
      const dir = Math.sign(delta);
      let i = Math.min(m.rows.length - 1, Math.max(0, act.row + delta));
      while (m.rows[i].group && i + dir >= 0 && i + dir < m.rows.length) i += dir;
      while (m.rows[i].group && i - dir >= 0 && i - dir < m.rows.length) i -= dir;
      if (m.rows[i].group) return;
      const a = nearest(i, tRef);
      activate(i, a ? a.intervention : null);
    };
    switch (e.key) {
      case "ArrowDown": go(1); break;
      case "ArrowUp": go(-1); break;
      case "PageDown": go(10); break;
      case "PageUp": go(-10); break;
      case "ArrowRight": {
        const a = cur ? r.bars[idx + 1] : r.bars.find((b) => b.s >= tRef) || r.bars[r.bars.length - 1];
        if (a) activate(act.row, a.intervention);
        break;
      }
      case "ArrowLeft": {
        const a = cur ? r.bars[idx - 1] : [...r.bars].reverse().find((b) => b.s <= tRef) || r.bars[0];
        if (a) activate(act.row, a.intervention);
        break;
      }
      case "Home": if (r.bars.length) activate(act.row, r.bars[0].intervention); break;
      case "End": if (r.bars.length) activate(act.row, r.bars[r.bars.length - 1].intervention); break;
      case "Enter": case " ": if (act.iv) details(act.iv); else if (!state.active) activate(act.row, null); break;
      default: return;
    }
    e.preventDefault();
  }

  // select shows an intervention: its bar in view and active, its details
  function select(ivId) {
    const m = state.m;
    const a = m && m.byId.get(ivId);
    if (a) {
      const i = m.rowOf.get(m.keyOf(a));
      if (i !== undefined) activate(i, ivId);
    }
    details(ivId);
  }
  function followHash() {
    const h = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (h.startsWith("iv=")) select(h.slice(3));
  }

  // ---- the details panel

  async function details(ivId) {
    const p = state.problem, m = state.m;
    const seq = ++state.detailsSeq;
    state.selected = ivId;
    const iv = p.interventions.find((x) => x.id === ivId);
    const box = $("details");
    box.innerHTML = "";
    box.dataset.iv = ivId;
    const add = (tag, text, cls) => { const e = document.createElement(tag); e.textContent = text; if (cls) e.className = cls; box.appendChild(e); return e; };
    if (!iv) { add("p", "L'intervention " + ivId + " n'existe plus dans cette version."); delete box.dataset.start; return; }
    const d = p.dwellings.find((x) => x.id === iv.dwelling);
    const h = d && d.household ? (p.households || []).find((x) => x.id === d.household) : null;
    const a = m ? m.byId.get(ivId) : (state.plan ? state.plan.assignments.find((x) => x.intervention === ivId) : null);
    const un = state.plan && (state.plan.unplaced || []).find((u) => u.intervention === ivId);
    add("h2", state.L.trade(iv.trade) + " · logement " + iv.dwelling);
    add("p", ivId, "help ivid");
    const wdMin = C.parseDuration(p.operation.working_day || "8h", 0) || 480;
    if (a) {
      const s = Date.parse(a.start), e = Date.parse(a.end);
      box.dataset.start = a.start;
      const ft = fromTo(s, e);
      add("p", ft.startsWith("du ") ? "D" + ft.slice(1) : "Le " + ft, "when").title = "heure de l'opération (" + state.zone.tz + ")";
      if (a.segments && a.segments.length > 1) {
        const ul = document.createElement("ul");
        for (const sg of a.segments) { const li = document.createElement("li"); li.textContent = fromTo(Date.parse(sg.start), Date.parse(sg.end)); ul.appendChild(li); }
        add("p", "En " + a.segments.length + " fois :");
        box.appendChild(ul);
      }
    } else {
      delete box.dataset.start;
      add("p", un ? "Non placée dans ce planning." : "Pas encore placée.", "bad");
    }
    add("p", "Durée : " + F.work(C.parseDuration(iv.duration, wdMin), wdMin));
    if (a && a.crew) add("p", "Équipe : " + a.crew);
    if (a && a.pilot) add("p", "Pilote : " + a.pilot);
    if (d) add("p", "Logement " + d.id + ", cage " + d.stairwell + ", étage " + d.floor + (d.vacant ? ", vacant" : ""));
    if (h) {
      add("p", "Ménage " + h.id + (h.keys_with_pilot ? " (clés chez le pilote)" : "") + (h.profiles && h.profiles.length ? " – profil : " + h.profiles.map(state.L.profile).join(", ") : ""));
      const ul = document.createElement("ul");
      ul.className = "avail";
      for (const r of h.availability || []) { const li = document.createElement("li"); li.textContent = "présent " + F.recurrence(r); ul.appendChild(li); }
      for (const r of h.absences || []) { const li = document.createElement("li"); const [a0, a1] = C.periodSpan(r, state.zone); li.textContent = "absent du " + (isNaN(a0) ? r.from : longDay(a0)) + " au " + (isNaN(a1) ? r.to : longDay(a1 - 1)) + (r.reason ? " (" + r.reason + ")" : ""); ul.appendChild(li); }
      box.appendChild(ul);
    }
    add("h3", a ? "Pourquoi ici, et pas plus tôt" : "Pourquoi elle n'est pas placée");
    const wait = add("p", "Chargement de l'explication…", "help");
    try {
      const ex = await api("GET", opPath("/interventions/" + encodeURIComponent(ivId) + "/explanation?lang=fr"));
      if (seq !== state.detailsSeq) return; // another intervention was chosen meanwhile
      wait.remove();
      const ul = document.createElement("ul");
      ul.id = "reasons";
      for (const r of ex.reasons) {
        const li = document.createElement("li");
        const b = document.createElement("strong");
        b.textContent = F.rule(r.rule) + " : ";
        li.appendChild(b);
        li.appendChild(document.createTextNode(r.message));
        ul.appendChild(li);
      }
      box.appendChild(ul);
    } catch (e) { if (seq === state.detailsSeq) wait.textContent = e.message; }
  }

  // ---- the plan's outcome: a partial or violated plan is said so, in red

  async function outcome() {
    const box = $("outcome"), plan = state.plan, seq = ++state.outcomeSeq;
    const ol = $("unplaced");
    ol.innerHTML = "";
    if (!plan) { box.hidden = true; return; }
    box.hidden = false;
    const un = plan.unplaced || [];
    const n = plan.assignments.length + un.length;
    box.className = plan.status === "complete" ? "ok" : "bad";
    box.dataset.status = plan.status;
    box.dataset.unplaced = un.length;
    if (plan.status === "complete") {
      $("outcome-title").textContent = "Planning complet : les " + F.n(n) + " interventions sont placées.";
      $("outcome-help").textContent = "";
      return;
    }
    if (plan.status === "violated") {
      $("outcome-title").textContent = "Planning non conforme : " + F.n((plan.score && plan.score.hard) || 0) + " règle(s) enfreinte(s)" + (un.length ? ", " + F.n(un.length) + " intervention(s) non placée(s)" : "") + ".";
      $("outcome-help").textContent = "Ne l'annoncez pas : relancez le calcul.";
    } else {
      $("outcome-title").textContent = "Planning partiel : " + F.n(un.length) + (un.length > 1 ? " interventions non placées" : " intervention non placée") + " sur " + F.n(n) + ".";
      $("outcome-help").textContent = "Chacune est listée avec la raison qui l'empêche ; choisissez-en une pour voir ses détails.";
    }
    const items = un.map((u) => {
      const iv = state.problem.interventions.find((x) => x.id === u.intervention) || {};
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#iv=" + encodeURIComponent(u.intervention);
      link.dataset.iv = u.intervention;
      link.textContent = (iv.trade ? state.L.trade(iv.trade) + " · logement " + iv.dwelling : u.intervention);
      li.appendChild(link);
      const why = document.createElement("span");
      why.className = "why";
      why.textContent = " – raison en cours de lecture…";
      li.appendChild(why);
      ol.appendChild(li);
      return { u, why };
    });
    // the plan's reasons are in the language it was solved in: ask each one in French
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const { u, why } = items[next++];
        let text;
        try {
          const ex = await api("GET", opPath("/interventions/" + encodeURIComponent(u.intervention) + "/explanation?lang=fr"));
          text = ex.reasons.map((r) => r.message).join(" ; ");
        } catch (e) { text = (u.reasons || []).map((r) => r.message).join(" ; "); }
        if (seq !== state.outcomeSeq) return;
        why.textContent = " – " + (text || "raison inconnue");
        why.lang = "fr";
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  // ---- search-as-you-type fields (a combobox and its listbox)

  function combo(input, list, source, pick) {
    let items = [], hot = -1;
    const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); hot = -1; };
    const mark = (i) => {
      hot = i;
      [...list.children].forEach((li, k) => li.setAttribute("aria-selected", k === i ? "true" : "false"));
      if (i >= 0) { input.setAttribute("aria-activedescendant", list.children[i].id); list.children[i].scrollIntoView({ block: "nearest" }); } else input.removeAttribute("aria-activedescendant");
    };
    const choose = (i) => { const it = items[i]; if (!it) return; input.value = it.label; input.dataset.value = it.value; close(); pick(it); };
    input.addEventListener("input", () => {
      delete input.dataset.value;
      const q = fold(input.value.trim());
      list.innerHTML = "";
      items = q ? source(q.split(/\s+/)) : [];
      items.forEach((it, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = it.label;
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (q && !items.length) { const li = document.createElement("li"); li.className = "none"; li.setAttribute("role", "option"); li.setAttribute("aria-disabled", "true"); li.id = list.id + "-none"; li.textContent = "aucun résultat"; list.appendChild(li); }
      list.hidden = !q;
      input.setAttribute("aria-expanded", q ? "true" : "false");
      hot = -1;
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && items.length) { mark(Math.min(items.length - 1, hot + 1)); e.preventDefault(); }
      else if (e.key === "ArrowUp" && items.length) { mark(Math.max(0, hot - 1)); e.preventDefault(); }
      else if (e.key === "Enter" && !list.hidden) { e.preventDefault(); choose(hot >= 0 ? hot : 0); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", close);
  }
  // find keeps the entries whose text holds every word typed, best first
  function find(entries, words, limit) {
    const out = [];
    for (const x of entries) if (words.every((w) => x.text.includes(w))) out.push(x);
    out.sort((a, b) => (b.text.startsWith(words[0]) - a.text.startsWith(words[0])) || natural(a.label, b.label));
    return out.slice(0, limit);
  }

  function searchSource(words) {
    const p = state.problem;
    if (!p) return [];
    const hh = new Map((p.households || []).map((h) => [h.id, h]));
    const entries = [];
    for (const d of p.dwellings) entries.push({ kind: "dwelling", value: d.id, label: "Logement " + d.id + (d.household ? ", ménage " + d.household : ""), text: fold(d.id + " " + (d.household || "") + " logement menage " + ((hh.get(d.household) || {}).profiles || []).join(" ")) });
    for (const c of p.crews) entries.push({ kind: "crew", value: c.id, label: "Équipe " + c.id + " (" + c.trades.map(state.L.trade).join(", ") + ")", text: fold(c.id + " " + (c.contractor || "") + " equipe " + c.trades.map(state.L.trade).join(" ")) });
    for (const pl of p.pilots || []) entries.push({ kind: "pilot", value: pl.id, label: "Pilote " + pl.id, text: fold(pl.id + " pilote") });
    return find(entries, words, 12);
  }
  function searchPick(it) {
    const g = $("group");
    if (g.value !== it.kind) { g.value = it.kind; build(); }
    const m = state.m;
    if (!m) return;
    const i = m.rowOf.get(it.value);
    if (i === undefined) return;
    const a = m.rows[i].bars[0];
    activate(i, a ? a.intervention : null, false);
    $("gantt-wrap").focus({ preventScroll: true });
  }

  let missedItems = null;
  function missedSource(words) {
    if (!state.plan) return [];
    if (!missedItems) {
      const ivs = new Map(state.problem.interventions.map((iv) => [iv.id, iv]));
      const hh = new Map(state.problem.dwellings.map((d) => [d.id, d.household || ""]));
      missedItems = state.plan.assignments.map((a) => {
        const iv = ivs.get(a.intervention) || {};
        const label = iv.dwelling + " · " + state.L.trade(iv.trade) + " – " + when(Date.parse(a.start));
        return { value: a.intervention, label, text: fold(label + " " + a.intervention + " " + hh.get(iv.dwelling) + " " + (a.crew || "")) };
      });
    }
    return find(missedItems, words, 15);
  }

  // ---- solving and replanning

  async function solve() {
    try {
      const j = await api("POST", opPath("/solve?time_limit=" + $("time-limit").value));
      state.job = j.id;
      $("cancel").hidden = !may("cancelJob");
      $("progress").hidden = false;
      poll();
    } catch (e) { show(e.message); }
  }

  async function poll() {
    if (!state.job) return;
    let st;
    try { st = await api("GET", "/v1/jobs/" + state.job); } catch (e) { show(e.message); return; }
    const best = st.best && st.best.score ? " – " + (/^0hard\/0unplaced/.test(st.best.score) ? "tout est placé" : "meilleur score " + st.best.score) : "";
    $("job").textContent = "calcul " + ({ running: "en cours", done: "terminé", cancelled: "annulé", failed: "échoué" }[st.state] || st.state) +
      " – " + st.elapsed_s.toFixed(1).replace(".", ",") + " s" + best;
    const pts = st.progress || [];
    const svg = $("progress");
    if (pts.length > 1) {
      const maxT = Math.max(...pts.map((p) => p.seconds), 0.001), s0 = Math.min(...pts.map((p) => p.soft)), s1 = Math.max(...pts.map((p) => p.soft));
      svg.innerHTML = '<polyline fill="none" stroke="#0b3d5c" stroke-width="2" points="' +
        pts.map((p) => (5 + (230 * p.seconds) / maxT).toFixed(1) + "," + (35 - (30 * (p.soft - s0)) / Math.max(1e-9, s1 - s0)).toFixed(1)).join(" ") + '"/>';
    }
    if (st.state === "running") { setTimeout(poll, 500); return; }
    state.job = null;
    $("cancel").hidden = true;
    if (st.state === "failed") { show("Le calcul a échoué : " + st.error); return; }
    state.diff = null; state.oldPlan = null;
    await loadOperation(state.op);
    said("Planning calculé (version " + state.version + ")");
  }

  // said reports a new plan: green only when the plan is complete
  function said(what) {
    const p = state.plan;
    if (!p) { show(what + "."); return; }
    const un = (p.unplaced || []).length;
    if (p.status === "complete") show(what + " : toutes les interventions sont placées.", true);
    else if (p.status === "violated") show(what + " : NON CONFORME, des règles sont enfreintes. Ne l'annoncez pas.");
    else show(what + " : PARTIEL, " + un + (un > 1 ? " interventions non placées" : " intervention non placée") + " (liste ci-dessous).");
  }

  async function cancel() {
    if (!state.job) return;
    try { await api("DELETE", "/v1/jobs/" + state.job); } catch (e) { show(e.message); }
  }

  // replanJob sends events as a replan job (Prefer: respond-async) and follows
  // it, its progress shown as a solve's, until it ends: it resolves to what the
  // synchronous replan answers (the new version and its diff); a failed job is
  // an error (status 409 when the slot asked for is no longer free)
  async function replanJob(query, events, key) {
    let st = await api("POST", opPath("/events" + query), { format: "rehabplan-events/v1", events }, { "Idempotency-Key": key, Prefer: "respond-async" });
    if (!st || st.kind !== "replan") return st; // an earlier request's answer, replayed
    $("progress").hidden = true;
    for (;;) {
      const best = st.best && st.best.score ? " – meilleur score " + st.best.score : "";
      $("job").textContent = "replanification " + ({ running: "en cours", done: "terminée", cancelled: "annulée", failed: "échouée" }[st.state] || st.state) +
        " – " + st.elapsed_s.toFixed(1).replace(".", ",") + " s" + best;
      if (st.state !== "running") break;
      await new Promise((r) => setTimeout(r, 300));
      st = await api("GET", "/v1/jobs/" + st.id);
    }
    if (st.replan) return st.replan;
    const err = new Error(st.state === "failed" ? "Replanification impossible : " + st.error : "Replanification annulée : rien n'a changé.");
    err.status = /^slot unavailable/.test(st.error || "") ? 409 : 422;
    if (err.status === 409) err.message = st.error;
    throw err;
  }

  async function replan(events) {
    if (!state.plan) { show("Calculez d'abord un planning."); return; }
    const old = state.plan;
    try {
      const key = "page-" + Date.now() + "-" + Math.random().toString(36).slice(2);
      // the date and the budget the user chose (sheets.js), as a job
      const r = await replanJob(window.RPReplan.query(), events, key);
      state.oldPlan = old;
      state.diff = r.diff;
      await loadOperation(state.op);
      changes();
      said("Nouveau planning : version " + r.version);
    } catch (e) { show(e.message); }
  }

  function changes() {
    const d = state.diff;
    $("changes").hidden = false;
    const s = d.summary, z = state.zone;
    const end = (x) => (x ? longDay(Date.parse(x.length > 10 ? x : x + "T12:00:00Z")) : "–");
    const mean = s.moved ? ", décalés en moyenne de " + F.span(s.shift_hours / s.moved) : "";
    $("changes-summary").textContent = F.n(s.moved) + " rendez-vous déplacés (dont " + F.n(s.announced_moved) + " déjà annoncés)" + mean + ", " + F.n(s.added) +
      " ajoutés, " + F.n(s.cancelled) + " annulés" + (s.unplaced ? ", " + F.n(s.unplaced) + " qui ne sont plus placés" : "") + " ; fin des travaux : " + end(s.old_end) + " → " + end(s.new_end) + ".";
    void z;
    const box = $("notices");
    box.innerHTML = "";
    for (const r of d.recipients) {
      const div = document.createElement("div");
      div.className = "notice";
      div.dataset.kind = r.kind;
      div.dataset.id = r.id;
      div.textContent = r.notice;
      box.appendChild(div);
    }
    if (!d.recipients.length) box.textContent = "Personne n'est à prévenir maintenant.";
  }
  // what lifecycle.js uses of the page (announce, confirm, reschedule)
  window.RPLife = { state, api, replanJob, opPath, loadOperation, select, combo, find, fold, said, changes, when, fromTo, natural, show, may, mayEvent };

  // every action form sends its events through replan; the lifecycle's actions
  // (announce, confirm, reschedule) join this table
  const uid = (p) => p + "-" + Date.now();
  const actions = {
    slip: () => [{ id: uid("retard"), type: "delivery_slipped", delivery: $("slip-delivery").value, expected: $("slip-date").value }],
    missed: () => {
      const v = $("missed-iv").dataset.value;
      if (!v) { show("Choisissez le rendez-vous manqué dans la liste."); return null; }
      return [{ id: uid("absent"), type: "appointment_missed", intervention: v }];
    },
    absent: () => [{ id: uid("equipe"), type: "crew_absent", crew: $("absent-crew").value, from: $("absent-from").value, to: $("absent-to").value }],
  };
  for (const [form, events] of Object.entries(actions)) {
    $(form).addEventListener("submit", (e) => { e.preventDefault(); const ev = events(); if (ev) replan(ev); });
  }

  // the views: the chart, the pilot's agenda, the stairwell notice (agenda.js)
  function view(name) {
    for (const b of document.querySelectorAll("#views button")) b.setAttribute("aria-pressed", b.dataset.view === name ? "true" : "false");
    for (const e of document.querySelectorAll("[data-view]:not(button)")) e.hidden = e.dataset.view !== name;
    if (name === "chart") layout();
    document.dispatchEvent(new CustomEvent("rp:view", { detail: name }));
  }
  $("views").addEventListener("click", (e) => { const b = e.target.closest("button[data-view]"); if (b) view(b.dataset.view); });
  // what agenda.js reads of the page
  window.RPPage = { state, time, longDay, when, fromTo, natural, view, show };

  $("login").addEventListener("submit", login);
  $("operation").addEventListener("change", (e) => { show(""); state.diff = null; state.oldPlan = null; state.selected = ""; state.active = null; $("changes").hidden = true; loadOperation(e.target.value); });
  $("group").addEventListener("change", () => { state.active = null; build(); });
  $("zoom").addEventListener("change", layout);
  $("gantt-wrap").addEventListener("scroll", schedule);
  $("gantt-wrap").addEventListener("keydown", onKey);
  // on mousedown, not click: focusing the chart redraws it, and a click whose bar
  // was redrawn between the press and the release would never come
  $("gantt-wrap").addEventListener("mousedown", (e) => {
    const b = e.target.closest && e.target.closest("rect.bar");
    if (!b || !state.m) return;
    let a = state.m.byId.get(b.dataset.iv);
    if (b.dataset.ivs) { // a cluster: the appointment nearest the pointer
      const m = state.m, w = $("gantt-wrap");
      const t = m.t0 + ((e.clientX - $("gantt").getBoundingClientRect().left - LEFT + w.scrollLeft) / m.pxDay) * DAY;
      for (const id of b.dataset.ivs.split("\n")) { const c = m.byId.get(id); if (!a || Math.abs(c.s - t) < Math.abs(a.s - t)) a = c; }
    }
    activate(state.m.rowOf.get(state.m.keyOf(a)), a.intervention, true);
    $("gantt-wrap").focus({ preventScroll: true });
  });
  $("gantt-wrap").addEventListener("focus", () => {
    const m = state.m;
    if (!m) return;
    if (state.active) { activate(state.active.row, state.active.iv); return; }
    const i = m.rows.findIndex((r) => !r.group && r.y + r.h > $("gantt-wrap").scrollTop);
    if (i >= 0) activate(i, m.rows[i].bars.length ? m.rows[i].bars[0].intervention : null);
  });
  $("unplaced").addEventListener("click", (e) => { const a = e.target.closest("a[data-iv]"); if (a) { e.preventDefault(); history.replaceState(null, "", a.getAttribute("href")); select(a.dataset.iv); } });
  $("gantt").addEventListener("mouseover", (e) => {
    const b = e.target.closest && e.target.closest("rect.bar");
    if (!b || b.firstChild || !state.m) return;
    const t = document.createElementNS(NS, "title");
    if (b.dataset.ivs) {
      const ids = b.dataset.ivs.split("\n");
      t.textContent = ids.length + " rendez-vous, du " + when(state.m.byId.get(ids[0]).s) + " au " + when(state.m.byId.get(ids[ids.length - 1]).e) + " (rapprochez l'échelle pour les voir un à un)";
      b.appendChild(t);
      return;
    }
    const a = state.m.byId.get(b.dataset.iv);
    t.textContent = a.intervention + "\n" + fromTo(a.s, a.e) + (a.crew ? "\néquipe " + a.crew : "") + (a.pilot ? "\npilote " + a.pilot : "");
    b.appendChild(t);
  });
  window.addEventListener("hashchange", followHash);
  window.addEventListener("resize", () => layout());
  $("solve").addEventListener("click", solve);
  $("cancel").addEventListener("click", cancel);
  $("print").addEventListener("click", () => window.print());
  combo($("search"), $("search-list"), searchSource, searchPick);
  combo($("missed-iv"), $("missed-list"), missedSource, () => {});
  if (state.token) { $("token").value = state.token; }
})();
