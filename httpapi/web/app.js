// rehabplan's planning page: plain JavaScript, no build step.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { token: sessionStorage.getItem("rehabplan-token") || "", op: "", version: null,
    problem: null, plan: null, diff: null, oldPlan: null, holidays: new Set(), job: null };

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

  // one formatter for every date (toLocaleString builds a new one each call, and the
  // chart formats two dates per bar)
  const fmtFR = new Intl.DateTimeFormat("fr-FR", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const fmt = (d) => fmtFR.format(d);
  const day = 86400000;

  async function login(ev) {
    ev.preventDefault();
    state.token = $("token").value.trim();
    try {
      const r = await api("GET", "/v1/operations");
      sessionStorage.setItem("rehabplan-token", state.token);
      $("app").hidden = false;
      const sel = $("operation");
      sel.innerHTML = "";
      for (const id of r.operations) sel.add(new Option(id, id));
      show(r.operations.length ? "" : "Aucune opération : créez-en une par l'API.", true);
      if (r.operations.length) await loadOperation(r.operations[0]);
    } catch (e) { show(e.message); }
  }

  async function loadOperation(op) {
    state.op = op;
    const enc = encodeURIComponent(op);
    state.problem = await api("GET", "/v1/operations/" + enc);
    const hol = await api("GET", "/v1/operations/" + enc + "/holidays");
    state.holidays = new Set(hol.dates);
    state.plan = null;
    try {
      const vs = await api("GET", "/v1/operations/" + enc + "/versions");
      const planned = vs.versions.filter((v) => v.has_plan);
      if (planned.length) {
        const v = await api("GET", "/v1/operations/" + enc + "/versions/" + planned[planned.length - 1].version);
        state.plan = v.plan; state.version = v.version; state.problem = v.problem;
      }
    } catch (e) { show(e.message); }
    fillForms();
    $("version").textContent = state.plan ? "version " + state.version : "pas encore de planning : lancez le calcul";
    draw();
  }

  function fillForms() {
    const p = state.problem;
    const d = $("slip-delivery"); d.innerHTML = "";
    for (const x of p.deliveries || []) d.add(new Option(x.id + " (" + x.expected.slice(0, 10) + ")", x.id));
    const c = $("absent-crew"); c.innerHTML = "";
    for (const x of p.crews) c.add(new Option(x.id, x.id));
    const m = $("missed-iv"); m.innerHTML = "";
    for (const a of (state.plan ? state.plan.assignments : [])) m.add(new Option(a.intervention + " – " + a.start.slice(0, 16).replace("T", " "), a.intervention));
  }

  // colours by trade: evenly spread hues, dark enough for the outline to read
  function tradeColour(trade) {
    const ids = state.problem.trades.map((t) => t.id);
    const i = Math.max(0, ids.indexOf(trade));
    return "hsl(" + Math.round((i * 360) / Math.max(1, ids.length)) + ", 65%, 70%)";
  }

  function rows() {
    const p = state.problem, by = $("group").value;
    const ivs = new Map(p.interventions.map((iv) => [iv.id, iv]));
    const dw = new Map(p.dwellings.map((d) => [d.id, d]));
    const hh = new Map((p.households || []).map((h) => [h.id, h]));
    const out = [];
    if (by === "dwelling") {
      const ds = p.dwellings.slice().sort((a, b) => (a.building + a.stairwell + a.id).localeCompare(b.building + b.stairwell + b.id));
      let b = "", s = "";
      for (const d of ds) {
        if (d.building !== b) { b = d.building; out.push({ group: "Bâtiment " + b }); }
        if (d.stairwell !== s) { s = d.stairwell; out.push({ group: "Cage " + s }); }
        const h = d.household ? hh.get(d.household) : null;
        out.push({ key: d.id, label: d.id + (d.vacant ? " (vacant)" : ""), profiles: h && h.profiles ? h.profiles.join(", ") : "" });
      }
    } else if (by === "crew") {
      for (const c of p.crews) out.push({ key: c.id, label: c.id });
    } else {
      for (const pl of p.pilots || []) out.push({ key: pl.id, label: "pilote " + pl.id });
    }
    // the row an assignment is drawn in
    const keyOf = by === "dwelling" ? (a) => (ivs.get(a.intervention) || {}).dwelling : by === "crew" ? (a) => a.crew : (a) => a.pilot;
    return { out, ivs, dw, keyOf };
  }

  function draw() {
    const svg = $("gantt");
    svg.innerHTML = "";
    if (!state.plan) return;
    const as = state.plan.assignments;
    if (!as.length) return;
    const t0 = new Date(Math.min(...as.map((a) => Date.parse(a.start))));
    t0.setHours(0, 0, 0, 0);
    const t1 = Math.max(...as.map((a) => Date.parse(a.end)), ...(state.oldPlan ? state.oldPlan.assignments.map((a) => Date.parse(a.end)) : []));
    const days = Math.ceil((t1 - t0) / day) + 1;
    const zoom = $("zoom").value;
    const wrapW = $("gantt-wrap").clientWidth || 900;
    const pxDay = zoom === "day" ? 600 : zoom === "week" ? 120 : zoom === "month" ? 28 : Math.max(2, (wrapW - 170) / days);
    const left = 170, rowH = 18, top = 24;
    const { out, ivs, keyOf } = rows();
    // each row's assignments, found once (a row per dwelling matching every
    // assignment made thousands of rows times thousands of bars)
    const byRow = new Map(), byId = new Map();
    for (const a of as) {
      byId.set(a.intervention, a);
      const k = keyOf(a);
      if (k === undefined || k === "") continue;
      if (!byRow.has(k)) byRow.set(k, []);
      byRow.get(k).push(a);
    }
    const width = left + days * pxDay, height = top + out.length * rowH;
    svg.setAttribute("width", width); svg.setAttribute("height", height);
    const ns = "http://www.w3.org/2000/svg";
    const frag = document.createDocumentFragment(); // added to the page once, at the end
    const el = (name, attrs, text) => {
      const e = document.createElementNS(ns, name);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      frag.appendChild(e);
      return e;
    };
    const x = (t) => left + ((t - t0) / day) * pxDay;
    // weekends, holidays, and the pilot's office hours at the scale of a day
    for (let i = 0; i < days; i++) {
      const d = new Date(t0.getTime() + i * day);
      const iso = d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
      const wd = d.getDay();
      if (state.holidays.has(iso)) el("rect", { class: "holiday", x: x(d), y: top, width: pxDay, height: height - top }).appendChild(document.createElementNS(ns, "title")).textContent = "jour férié " + iso;
      else if (wd === 0 || wd === 6) el("rect", { class: "weekend", x: x(d), y: top, width: pxDay, height: height - top });
      else if (zoom === "day") {
        for (const [h0, h1] of [[9, 12], [13.5, 17.5]]) el("rect", { class: "office", x: x(d.getTime() + h0 * 3600000), y: top, width: (pxDay * (h1 - h0)) / 24, height: height - top });
      }
      if (pxDay >= 20 || d.getDate() === 1) el("text", { class: "label", x: x(d) + 2, y: 14 }, pxDay >= 20 ? d.getDate() + "/" + (d.getMonth() + 1) : d.toLocaleString("fr-FR", { month: "short" }));
    }
    const moved = new Set(), oldBy = new Map();
    if (state.diff) for (const c of state.diff.changes) if (c.kind === "moved" || c.kind === "added") moved.add(c.intervention);
    if (state.oldPlan) for (const a of state.oldPlan.assignments) oldBy.set(a.intervention, a);
    out.forEach((r, i) => {
      const y = top + i * rowH;
      if (r.group) { el("text", { class: "group", x: 4, y: y + 13 }, r.group); return; }
      el("text", { class: "label", x: 4, y: y + 13 }, r.label);
      if (r.profiles) el("text", { class: "profile", x: 100, y: y + 13 }, "⚑ " + r.profiles).appendChild(document.createElementNS(ns, "title")).textContent = "profil : " + r.profiles;
      for (const a of byRow.get(r.key) || []) {
        const iv = ivs.get(a.intervention);
        if (moved.has(a.intervention) && oldBy.has(a.intervention)) {
          const o = oldBy.get(a.intervention);
          el("rect", { class: "ghost", x: x(Date.parse(o.start)), y: y + 2, width: Math.max(2, x(Date.parse(o.end)) - x(Date.parse(o.start))), height: rowH - 4 });
        }
        const segs = a.segments && a.segments.length ? a.segments : [{ start: a.start, end: a.end }];
        for (const s of segs) {
          const b = el("rect", { class: "bar" + (moved.has(a.intervention) ? " moved" : ""), x: x(Date.parse(s.start)), y: y + 2,
            width: Math.max(2, x(Date.parse(s.end)) - x(Date.parse(s.start))), height: rowH - 4, fill: tradeColour(iv ? iv.trade : ""),
            tabindex: 0, role: "button", "data-iv": a.intervention, "aria-label": a.intervention + ", " + fmt(new Date(a.start)) });
          b.appendChild(document.createElementNS(ns, "title")).textContent = a.intervention + "\n" + fmt(new Date(a.start)) + " → " + fmt(new Date(a.end)) + (a.crew ? "\néquipe " + a.crew : "");
        }
      }
    });
    svg.appendChild(frag);
    // one listener for every bar
    const bar = (e) => { const b = e.target.closest && e.target.closest("rect.bar"); return b ? byId.get(b.dataset.iv) : undefined; };
    svg.onclick = (e) => { const a = bar(e); if (a) details(a); };
    svg.onkeydown = (e) => { const a = bar(e); if (a && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); details(a); } };
  }

  async function details(a) {
    const p = state.problem;
    const iv = p.interventions.find((x) => x.id === a.intervention);
    const d = p.dwellings.find((x) => x.id === iv.dwelling);
    const h = d && d.household ? (p.households || []).find((x) => x.id === d.household) : null;
    const box = $("details");
    box.innerHTML = "";
    const add = (tag, text) => { const e = document.createElement(tag); e.textContent = text; box.appendChild(e); return e; };
    add("h2", a.intervention);
    add("p", "Du " + fmt(new Date(a.start)) + " au " + fmt(new Date(a.end)));
    if (a.crew) add("p", "Équipe : " + a.crew);
    if (a.pilot) add("p", "Pilote : " + a.pilot);
    if (h) {
      add("p", "Ménage " + h.id + (h.keys_with_pilot ? " (clés chez le pilote)" : "") + (h.profiles && h.profiles.length ? " – profil " + h.profiles.join(", ") : ""));
      const ul = document.createElement("ul");
      for (const r of h.availability || []) { const li = document.createElement("li"); li.textContent = "présent : " + r.rrule + " à " + r.start + " pendant " + r.duration; ul.appendChild(li); }
      box.appendChild(ul);
    }
    add("h3", "Pourquoi ici, et pas plus tôt");
    try {
      const ex = await api("GET", "/v1/operations/" + encodeURIComponent(state.op) + "/interventions/" + encodeURIComponent(a.intervention) + "/explanation?lang=fr");
      const ul = document.createElement("ul");
      ul.id = "reasons";
      for (const r of ex.reasons) { const li = document.createElement("li"); li.textContent = r.message; ul.appendChild(li); }
      box.appendChild(ul);
    } catch (e) { add("p", e.message); }
  }

  async function solve() {
    try {
      const j = await api("POST", "/v1/operations/" + encodeURIComponent(state.op) + "/solve?time_limit=" + $("time-limit").value);
      state.job = j.id;
      $("cancel").hidden = false;
      $("progress").hidden = false;
      poll();
    } catch (e) { show(e.message); }
  }

  async function poll() {
    if (!state.job) return;
    let st;
    try { st = await api("GET", "/v1/jobs/" + state.job); } catch (e) { show(e.message); return; }
    $("job").textContent = "calcul " + ({ running: "en cours", done: "terminé", cancelled: "annulé", failed: "échoué" }[st.state] || st.state) +
      " – " + st.elapsed_s.toFixed(1) + " s" + (st.best ? " – meilleur score " + st.best.score : "");
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
    show("Planning calculé (version " + state.version + ").", true);
  }

  async function cancel() {
    if (!state.job) return;
    try { await api("DELETE", "/v1/jobs/" + state.job); } catch (e) { show(e.message); }
  }

  async function replan(events) {
    if (!state.plan) { show("Calculez d'abord un planning."); return; }
    const old = state.plan;
    try {
      const key = "page-" + Date.now() + "-" + Math.random().toString(36).slice(2);
      const r = await api("POST", "/v1/operations/" + encodeURIComponent(state.op) + "/events?time_limit=5s",
        { format: "rehabplan-events/v1", events }, { "Idempotency-Key": key });
      await loadOperation(state.op);
      state.oldPlan = old;
      state.diff = r.diff;
      draw();
      changes();
      show("Nouveau planning : version " + r.version + ".", true);
    } catch (e) { show(e.message); }
  }

  function changes() {
    const d = state.diff;
    $("changes").hidden = false;
    const s = d.summary;
    $("changes-summary").textContent = s.moved + " rendez-vous déplacés (dont " + s.announced_moved + " déjà annoncés), " + s.added +
      " ajoutés, " + s.cancelled + " annulés ; fin des travaux " + (s.old_end || "–").slice(0, 10) + " → " + (s.new_end || "–").slice(0, 10) + ".";
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

  const uid = (p) => p + "-" + Date.now();
  $("login").addEventListener("submit", login);
  $("operation").addEventListener("change", (e) => { state.diff = null; state.oldPlan = null; loadOperation(e.target.value); });
  $("group").addEventListener("change", draw);
  $("zoom").addEventListener("change", draw);
  $("solve").addEventListener("click", solve);
  $("cancel").addEventListener("click", cancel);
  $("print").addEventListener("click", () => window.print());
  $("slip").addEventListener("submit", (e) => { e.preventDefault(); replan([{ id: uid("retard"), type: "delivery_slipped", delivery: $("slip-delivery").value, expected: $("slip-date").value }]); });
  $("missed").addEventListener("submit", (e) => { e.preventDefault(); replan([{ id: uid("absent"), type: "appointment_missed", intervention: $("missed-iv").value }]); });
  $("absent").addEventListener("submit", (e) => { e.preventDefault(); replan([{ id: uid("equipe"), type: "crew_absent", crew: $("absent-crew").value, from: $("absent-from").value, to: $("absent-to").value }]); });
  if (state.token) { $("token").value = state.token; }
})();
