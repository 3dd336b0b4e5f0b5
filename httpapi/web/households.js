// rehabplan's planning page: the households' view. Who moves when (each stay in
// a relocation unit, its move out and back), each household's interlocutor (its
// pilot), and the tenants' requests, for the roles the API lets read them (the
// others see a note instead: a request is the household's affair). Dates and
// times in French, in the operation's time zone. It reads the plan the page has
// loaded and never shows a household's profiles.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const P = window.RPPage, L = window.RPLife, F = window.RPFr, S = P.state;
  let current = "chart", seq = 0;

  const text = (tag, t, cls) => { const e = document.createElement(tag); if (t !== undefined) e.textContent = t; if (cls) e.className = cls; return e; };
  // a stay's date (YYYY-MM-DD, a day of the operation's zone) in words
  const day = (k) => { const [y, m, d] = String(k).split("-").map(Number); return y && m && d ? P.longDay(S.zone.at(y, m, d) + 12 * 3600e3) : String(k); };
  const STATUS = { open: "ouverte", in_progress: "en cours", closed: "close" };

  // row adds a row of cells to a table body; the first cell heads the row
  function row(body, cells, data) {
    const tr = body.insertRow();
    for (const [k, v] of Object.entries(data || {})) tr.dataset[k] = v;
    cells.forEach((c, i) => {
      const cell = i === 0 ? text("th", c) : text("td", c);
      if (i === 0) cell.scope = "row";
      tr.appendChild(cell);
    });
  }
  function clear(id) { const body = $(id).tBodies[0]; body.innerHTML = ""; return body; }

  // stays: every stay of the plan, by its first day
  function stays(at) {
    const body = clear("hh-stays"), list = ((S.plan && S.plan.stays) || []).slice().sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : P.natural(a.household, b.household)));
    const move = (id) => { const a = at.get(id); return !id ? "non prévu" : a ? P.fromTo(Date.parse(a.start), Date.parse(a.end)) : "pas encore placé"; };
    for (const st of list) {
      row(body, [st.household, st.dwelling || "–", st.unit, "du " + day(st.from) + " au " + day(st.to) + (st.planned ? " (choisi par le planning)" : ""), move(st.move_out), move(st.move_back)],
        { household: st.household, unit: st.unit, from: st.from });
    }
    $("hh-stays").hidden = !list.length;
    $("hh-stays-none").hidden = !!list.length;
  }

  // interlocutors: each occupied dwelling's household and its pilot: the one the
  // problem gives it, else the one the plan says is its own, else the one of
  // most of its visits; the visits with another pilot, and why
  function pilots(at) {
    const body = clear("hh-pilots");
    const ivs = new Map(S.problem.interventions.map((x) => [x.id, x]));
    const hhs = new Map((S.problem.households || []).map((h) => [h.id, h]));
    const other = new Map(((S.plan && S.plan.interlocutors) || []).map((x) => [x.household, x]));
    const byDwelling = new Map();
    for (const a of (S.plan ? S.plan.assignments : [])) {
      if (!a.pilot) continue;
      const dw = (ivs.get(a.intervention) || {}).dwelling, m = byDwelling.get(dw) || new Map();
      m.set(a.pilot, (m.get(a.pilot) || 0) + 1);
      byDwelling.set(dw, m);
    }
    let n = 0;
    for (const d of S.problem.dwellings.filter((x) => x.household).sort((a, b) => P.natural(a.id, b.id))) {
      const h = hhs.get(d.household) || {}, o = other.get(d.household), seen = byDwelling.get(d.id);
      const most = seen ? [...seen].sort((a, b) => b[1] - a[1] || P.natural(a[0], b[0]))[0][0] : "";
      const pilot = h.pilot || (o && o.pilot) || most;
      if (!pilot) continue;
      n++;
      const others = o ? o.visits.map((v) => { const a = at.get(v.intervention); return v.intervention + (a ? " (" + P.when(Date.parse(a.start)) + ")" : "") + " avec " + v.pilot + (v.reason ? " : " + v.reason : ""); }).join(" ; ") : "aucune";
      row(body, [d.household, d.id, pilot, others], { household: d.household, pilot });
    }
    $("hh-pilots").hidden = !n;
  }

  // requests: the tenants' log, when the API lets this token read it
  async function requests() {
    const mine = ++seq, op = S.op;
    const body = clear("hh-requests"), note = $("hh-requests-note");
    let r;
    try { r = await L.api("GET", L.opPath("/requests")); } catch (e) {
      if (mine !== seq) return;
      $("hh-requests").hidden = true;
      note.textContent = e.status === 403 ? "Les demandes des locataires ne sont lisibles que par leur pilote et le bailleur." : e.status === 501 ? "Ce serveur ne tient pas le registre des demandes." : e.message;
      note.dataset.state = e.status === 403 ? "forbidden" : "error";
      return;
    }
    if (mine !== seq || op !== S.op) return;
    const list = (r.requests || []).slice().sort((a, b) => P.natural(a.household, b.household) || P.natural(a.id, b.id));
    for (const q of list) {
      row(body, [q.household, q.id, day(q.date), q.subject, STATUS[q.status] || q.status, q.follow_up ? day(q.follow_up) : "–", (q.interventions || []).join(", ") || "–"],
        { household: q.household, request: q.id });
    }
    $("hh-requests").hidden = !list.length;
    note.textContent = list.length ? F.n(list.length) + (list.length > 1 ? " demandes" : " demande") : "Aucune demande enregistrée.";
    note.dataset.state = "shown";
  }

  function draw() {
    if (!S.problem || !S.plan) { $("hh-title").textContent = "Pas encore de planning."; return; }
    $("hh-title").textContent = "Relogements et ménages – heures de " + S.zone.tz;
    const at = new Map(S.plan.assignments.map((a) => [a.intervention, a]));
    stays(at);
    pilots(at);
    requests();
  }
  document.addEventListener("rp:loaded", () => { if (current === "households") draw(); });
  document.addEventListener("rp:view", (e) => { current = e.detail; if (current === "households") draw(); });
})();
