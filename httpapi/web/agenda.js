// rehabplan's planning page: the pilot's agenda (a day or a week of the pilot's
// appointments, printable) and the stairwell notice (the week's works in one
// stairwell, to post in its hall). Both read the plan the page has loaded, in the
// operation's time zone.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const P = window.RPPage, C = window.RPCal, F = window.RPFr, S = P.state;
  const DAY = C.DAY;
  let current = "chart";

  const text = (tag, t, cls) => { const e = document.createElement(tag); if (t !== undefined) e.textContent = t; if (cls) e.className = cls; return e; };
  // the local days [from, from + n) as {key, ms, end}
  function daysFrom(key, n) {
    const out = [], start = C.dayNumber(key);
    for (let i = 0; i < n; i++) {
      const k = C.keyOfNumber(start + i), [y, m, d] = k.split("-").map(Number);
      out.push({ key: k, ms: S.zone.at(y, m, d), end: S.zone.at(y, m, d + 1) });
    }
    return out;
  }
  const monday = (key) => { const n = C.dayNumber(key); return C.keyOfNumber(n - ((C.weekdayOfNumber(n) + 6) % 7)); };
  // firstDay is the first day, on or after today, with one of the plan's assignments
  // that keep (all of them when none does)
  function firstDay(keep) {
    const as = (S.plan ? S.plan.assignments : []).filter(keep).map((a) => Date.parse(a.start)).sort((a, b) => a - b);
    if (!as.length) return S.zone.key(Date.now());
    const later = as.find((t) => t >= S.zone.midnight(Date.now()));
    return S.zone.key(later !== undefined ? later : as[0]);
  }
  const index = () => {
    const p = S.problem;
    return { ivs: new Map(p.interventions.map((x) => [x.id, x])), dws: new Map(p.dwellings.map((x) => [x.id, x])),
      hhs: new Map((p.households || []).map((x) => [x.id, x])), trades: new Map(p.trades.map((x) => [x.id, x])),
      profiles: new Map((p.profiles || []).map((x) => [x.id, x])) };
  };
  const floor = (f) => (f === 0 ? "rez-de-chaussée" : f === 1 ? "1er étage" : f + "e étage");

  // bring lists what the pilot must plan for, from the problem's data
  function bring(iv, t, h, ix) {
    const out = [];
    const access = iv.access || t.access || "tenant";
    if (h && h.keys_with_pilot) out.push("les clés du logement");
    if (h && access !== "none" && !(access === "keys" && h.keys_with_pilot)) out.push("le locataire doit être là");
    if (t.cuts_water) out.push("coupure d'eau à annoncer");
    if (t.cuts_power) out.push("coupure d'électricité à annoncer");
    for (const pid of (h && h.profiles) || []) {
      const pr = ix.profiles.get(pid) || {};
      if (pr.needs_carer) out.push("l'aidant doit être là");
      if (pr.power_cut_with_pilot && t.cuts_power) out.push("appareil médical : rester pendant la coupure");
    }
    return out;
  }

  function fillPilots() {
    const sel = $("agenda-pilot"), was = sel.value;
    sel.innerHTML = "";
    for (const pl of (S.problem.pilots || []).slice().sort((a, b) => P.natural(a.id, b.id))) sel.add(new Option(pl.id + (pl.contact ? " – " + pl.contact : ""), pl.id));
    if ([...sel.options].some((o) => o.value === was)) sel.value = was;
    if (!$("agenda-date").value) $("agenda-date").value = firstDay((a) => a.pilot === sel.value);
    const cages = $("sw-cage"), had = cages.value;
    cages.innerHTML = "";
    const seen = new Set();
    for (const d of S.problem.dwellings.slice().sort((a, b) => P.natural(a.stairwell, b.stairwell))) {
      if (seen.has(d.stairwell)) continue;
      seen.add(d.stairwell);
      cages.add(new Option(d.stairwell, d.stairwell));
    }
    if (seen.has(had)) cages.value = had;
    if (!$("sw-date").value) {
      const dw = new Set(S.problem.dwellings.filter((d) => d.stairwell === cages.value).map((d) => d.id));
      const ivs = new Map(S.problem.interventions.map((x) => [x.id, x]));
      $("sw-date").value = monday(firstDay((a) => dw.has((ivs.get(a.intervention) || {}).dwelling)));
    }
  }

  // agenda draws the pilot's appointments of the chosen day or week
  function agenda() {
    if (!S.problem || !S.plan) { $("agenda-title").textContent = "Pas encore de planning."; $("agenda-days").innerHTML = ""; return; }
    const ix = index(), pilot = $("agenda-pilot").value, week = $("agenda-span").value === "week";
    const key = $("agenda-date").value || firstDay((a) => a.pilot === pilot);
    const days = daysFrom(week ? monday(key) : key, week ? 7 : 1);
    const pl = (S.problem.pilots || []).find((x) => x.id === pilot) || {};
    $("agenda-title").textContent = "Agenda du pilote " + pilot + (week ? " – semaine du " + P.longDay(days[0].ms) + " au " + P.longDay(days[6].ms) : " – " + P.longDay(days[0].ms)) +
      " (heures de " + S.zone.tz + ")";
    const box = $("agenda-days");
    box.innerHTML = "";
    const hc = householdContact();
    if (hc) box.appendChild(text("p", "Contact donné aux ménages : " + hc, "help"));
    const mine = S.plan.assignments.filter((a) => a.pilot === pilot).map((a) => ({ a, s: Date.parse(a.start), e: Date.parse(a.end) })).sort((x, y) => x.s - y.s);
    let total = 0;
    for (const d of days) {
      const today = mine.filter((x) => x.s < d.end && x.e > d.ms);
      const absent = (pl.absences || []).map((p) => C.periodSpan(p, S.zone)).some(([s, e]) => s < d.end && e > d.ms);
      if (!today.length && week && !absent && [0, 6].includes(S.zone.wall(d.ms + DAY / 2).wd)) continue;
      const sec = text("section", undefined, "agenda-day");
      sec.dataset.day = d.key;
      sec.appendChild(text("h3", P.longDay(d.ms).replace(/^./, (c) => c.toUpperCase()) + (absent ? " – absent" : "")));
      if (!today.length) { sec.appendChild(text("p", "Aucun rendez-vous.", "help")); box.appendChild(sec); continue; }
      const table = text("table", undefined, "agenda-table");
      const head = table.createTHead().insertRow();
      for (const h of ["Heure", "Intervention", "Logement", "Ménage", "À prévoir"]) { const th = text("th", h); th.scope = "col"; head.appendChild(th); }
      const body = table.createTBody();
      for (const { a, s, e } of today) {
        total++;
        const iv = ix.ivs.get(a.intervention) || {}, t = ix.trades.get(iv.trade) || {}, dw = ix.dws.get(iv.dwelling) || {};
        const h = dw.household ? ix.hhs.get(dw.household) : null;
        const tr = body.insertRow();
        tr.dataset.iv = a.intervention;
        tr.dataset.start = a.start;
        const th = text("th", P.time(Math.max(s, d.ms)) + " – " + P.time(Math.min(e, d.end)));
        th.scope = "row";
        tr.appendChild(th);
        tr.insertCell().textContent = S.L.trade(iv.trade) + (a.crew ? " (équipe " + a.crew + ")" : "");
        tr.insertCell().textContent = iv.dwelling + ", cage " + dw.stairwell + ", " + floor(dw.floor);
        tr.insertCell().textContent = h ? h.id + (h.profiles && h.profiles.length ? " – " + h.profiles.map(S.L.profile).join(", ") : "") + (h.phone ? " – tél. " + h.phone : "") : dw.vacant ? "vacant" : "–";
        const ul = text("ul");
        for (const b of bring(iv, t, h, ix)) ul.appendChild(text("li", b));
        tr.insertCell().appendChild(ul);
      }
      sec.appendChild(table);
      box.appendChild(sec);
    }
    box.dataset.count = total;
    if (!box.children.length || !total) box.appendChild(text("p", "Aucun rendez-vous du pilote sur cette période.", "help"));
  }

  // notice draws the stairwell notice of the chosen week: each day, each trade at
  // work, in which dwellings, at what hours, and what it does to the building
  function notice() {
    if (!S.problem || !S.plan) { $("sw-title").textContent = "Pas encore de planning."; $("sw-body").innerHTML = ""; return; }
    const ix = index(), cage = $("sw-cage").value;
    const days = daysFrom(monday($("sw-date").value || S.zone.key(Date.now())), 7);
    const dws = new Set(S.problem.dwellings.filter((d) => d.stairwell === cage).map((d) => d.id));
    const ours = S.plan.assignments.map((a) => ({ a, iv: ix.ivs.get(a.intervention) || {}, s: Date.parse(a.start), e: Date.parse(a.end) })).filter((x) => dws.has(x.iv.dwelling));
    const op = S.problem.operation;
    $("sw-title").textContent = (op.name || op.id) + " – cage " + cage + " : les travaux de la semaine du " + P.longDay(days[0].ms) + " au " + P.longDay(days[6].ms);
    const box = $("sw-body");
    box.innerHTML = "";
    let total = 0;
    for (const d of days) {
      const today = ours.filter((x) => x.s < d.end && x.e > d.ms);
      if (!today.length) continue;
      const byTrade = new Map();
      for (const x of today) {
        if (!byTrade.has(x.iv.trade)) byTrade.set(x.iv.trade, { dws: new Set(), s: Infinity, e: -Infinity });
        const g = byTrade.get(x.iv.trade);
        g.dws.add(x.iv.dwelling);
        g.s = Math.min(g.s, Math.max(x.s, d.ms));
        g.e = Math.max(g.e, Math.min(x.e, d.end));
      }
      const sec = text("section", undefined, "sw-day");
      sec.dataset.day = d.key;
      sec.appendChild(text("h3", P.longDay(d.ms).replace(/^./, (c) => c.toUpperCase())));
      const ul = text("ul");
      for (const [trade, g] of [...byTrade].sort((x, y) => x[1].s - y[1].s)) {
        total++;
        const t = ix.trades.get(trade) || {};
        const effects = [t.noisy && "bruit", t.dusty && "poussière", t.cuts_water && "coupure d'eau", t.cuts_power && "coupure d'électricité"].filter(Boolean);
        const li = text("li", S.L.trade(trade) + ", de " + P.time(g.s) + " à " + P.time(g.e) + " – logement" + (g.dws.size > 1 ? "s " : " ") +
          F.list([...g.dws].sort(P.natural)) + (effects.length ? " (" + F.list(effects) + " dans ces logements)" : ""));
        li.dataset.trade = trade;
        ul.appendChild(li);
      }
      sec.appendChild(ul);
      box.appendChild(sec);
    }
    box.dataset.count = total;
    if (!total) box.appendChild(text("p", "Pas de travaux dans cette cage cette semaine."));
    const hc = householdContact();
    if (hc) box.appendChild(text("p", "Une question ? Votre pilote : " + hc + ".", "sw-contact"));
  }

  // householdContact is how households reach the pilots, as their letters say it:
  // the operation's contact (name, phone, e-mail, permanence, place), else the
  // pilots' own contacts
  function householdContact() {
    const c = S.problem.operation && S.problem.operation.contact;
    if (c) return [c.name, c.phone && "tél. " + c.phone, c.email, c.hours && "permanence " + c.hours, c.address].filter(Boolean).join(", ");
    return F.list((S.problem.pilots || []).filter((p) => p.contact).map((p) => p.contact));
  }

  function refresh() { if (current === "agenda") agenda(); else if (current === "stairwell") notice(); }
  const shift = (sign) => {
    const k = $("agenda-date").value;
    if (!k) return;
    $("agenda-date").value = C.keyOfNumber(C.dayNumber(k) + sign * ($("agenda-span").value === "week" ? 7 : 1));
    agenda();
  };
  const print = (what) => {
    document.body.dataset.print = what;
    window.print();
    delete document.body.dataset.print;
  };
  let lastOp = "";
  document.addEventListener("rp:loaded", () => {
    if (S.op !== lastOp) { lastOp = S.op; $("agenda-date").value = ""; $("sw-date").value = ""; } // another operation: its own first days
    fillPilots();
    refresh();
  });
  document.addEventListener("rp:view", (e) => { current = e.detail; if (S.problem) fillPilots(); refresh(); });
  for (const id of ["agenda-pilot", "agenda-span", "agenda-date"]) $(id).addEventListener("change", agenda);
  for (const id of ["sw-cage", "sw-date"]) $(id).addEventListener("change", notice);
  $("agenda-prev").addEventListener("click", () => shift(-1));
  $("agenda-next").addEventListener("click", () => shift(1));
  $("agenda-print").addEventListener("click", () => print("agenda"));
  $("sw-print").addEventListener("click", () => print("stairwell"));
})();
