// The appointment lifecycle on the planning page: announce a period (the letters
// to print come with it), record the households' confirmations, and reschedule an
// appointment with the tenant on the phone by choosing among the slots the
// server offers (in the details panel). Times are the operation's, in French.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const P = window.RPLife, F = window.RPFr;
  const key = (p) => p + "-" + Date.now() + "-" + Math.random().toString(36).slice(2);

  // ---- announce a period

  function fillScope() {
    const p = P.state.problem, sel = $("announce-scope");
    if (!p) return;
    const keep = sel.value;
    sel.innerHTML = "";
    sel.add(new Option("toute l'opération", ""));
    for (const b of (p.buildings || []).slice().sort((a, c) => P.natural(a.id, c.id))) {
      sel.add(new Option("bâtiment " + b.id, "b:" + b.id));
      for (const s of (b.stairwells || []).slice().sort((a, c) => P.natural(a.id, c.id))) sel.add(new Option("cage " + s.id, "s:" + s.id));
    }
    sel.value = keep;
    if (sel.value !== keep) sel.value = "";
  }

  async function announce(e) {
    e.preventDefault();
    if (!P.state.plan) { P.show("Calculez d'abord un planning."); return; }
    const body = { until: $("announce-until").value };
    const scope = $("announce-scope").value;
    if (scope.startsWith("b:")) body.buildings = [scope.slice(2)];
    if (scope.startsWith("s:")) body.stairwells = [scope.slice(2)];
    try {
      const r = await P.api("POST", P.opPath("/announce"), body, { "Idempotency-Key": key("annonce") });
      const [html, text] = await Promise.all([P.api("GET", r.letters_html), P.api("GET", r.letters_text)]);
      P.letters = { html, text }; // what the two links download
      for (const [id, data, type] of [["letters-html", html, "text/html"], ["letters-text", text, "text/plain"]]) {
        const a = $(id);
        if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
        a.href = URL.createObjectURL(new Blob([data], { type: type + ";charset=utf-8" }));
      }
      const n = r.announced.length, late = r.late.length;
      $("announce-result").textContent = F.n(n) + (n > 1 ? " rendez-vous annoncés" : " rendez-vous annoncé") + ", " +
        F.n(r.letters.length) + (r.letters.length > 1 ? " courriers" : " courrier") + " à envoyer" +
        (late ? " ; " + F.n(late) + " dans le délai de prévenance (prévenir aussi par téléphone)" : "") + ".";
      $("announce-result").dataset.announced = n;
      $("announce-result").dataset.letters = r.letters.length;
      $("announced").hidden = false;
      await P.loadOperation(P.state.op);
      P.said("Annonce enregistrée (version " + r.version + ")");
    } catch (err) { P.show(err.message.replace(/^Replanification impossible : /, "Annonce impossible : ")); }
  }

  // ---- confirmations: a search-as-you-type field of the announced appointments

  const chosen = new Map(); // intervention -> label
  function announcedSource(words) {
    const s = P.state;
    if (!s.plan || !s.problem) return [];
    const at = new Map(s.plan.assignments.map((a) => [a.intervention, a]));
    const hh = new Map(s.problem.dwellings.map((d) => [d.id, d.household || ""]));
    const items = [];
    for (const iv of s.problem.interventions) {
      if (iv.status !== "announced" || chosen.has(iv.id)) continue;
      const a = at.get(iv.id);
      if (!a) continue;
      const label = iv.dwelling + " · " + s.L.trade(iv.trade) + " – " + P.when(Date.parse(a.start));
      items.push({ value: iv.id, label, text: P.fold(label + " " + iv.id + " " + hh.get(iv.dwelling)) });
    }
    return P.find(items, words, 15);
  }
  function drawChosen() {
    const ul = $("confirm-chosen");
    ul.innerHTML = "";
    for (const [id, label] of chosen) {
      const li = document.createElement("li");
      li.dataset.iv = id;
      li.textContent = label;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "retirer";
      b.setAttribute("aria-label", "retirer " + label);
      b.addEventListener("click", () => { chosen.delete(id); drawChosen(); });
      li.appendChild(b);
      ul.appendChild(li);
    }
  }
  function pickConfirm(it) {
    chosen.set(it.value, it.label);
    $("confirm-iv").value = "";
    delete $("confirm-iv").dataset.value;
    drawChosen();
  }
  async function confirm(e) {
    e.preventDefault();
    if (!chosen.size) { P.show("Choisissez d'abord les rendez-vous confirmés."); return; }
    try {
      const r = await P.api("POST", P.opPath("/confirmations"), { interventions: [...chosen.keys()] }, { "Idempotency-Key": key("confirmation") });
      chosen.clear();
      drawChosen();
      await P.loadOperation(P.state.op);
      P.show(F.n(r.confirmed.length) + (r.confirmed.length > 1 ? " rendez-vous confirmés" : " rendez-vous confirmé") +
        (r.already.length ? " (" + F.n(r.already.length) + " l'étaient déjà)" : "") + " : version " + r.version + ".", true);
    } catch (err) { P.show(err.message.replace(/^Replanification impossible : /, "Confirmation impossible : ")); }
  }

  // ---- rescheduling with the tenant on the phone, in the details panel

  // phone adds the rescheduling block under an appointment's time in the
  // details panel (the panel is drawn anew for each intervention)
  function phone() {
    const box = $("details"), at = box.querySelector(".when");
    if (!at || $("phone") || !box.dataset.start) return;
    // only what the token may send (GET /v1/me)
    const move = P.mayEvent("appointment_rescheduled"), refuse = P.mayEvent("appointment_declined");
    if (!move && !refuse) return;
    const iv = box.dataset.iv;
    const div = document.createElement("div");
    div.id = "phone";
    div.innerHTML = '<div class="row">' + (move ? '<button type="button" id="reschedule">Déplacer ce rendez-vous (ménage au téléphone)</button>' : "") +
      (refuse ? '<button type="button" id="decline">Le ménage refuse ce rendez-vous</button>' : "") + '</div><div id="slots" aria-live="polite"></div>';
    at.after(div);
    if (move) $("reschedule").addEventListener("click", () => offer(iv));
    if (refuse) $("decline").addEventListener("click", () => decline(iv));
  }

  async function offer(iv) {
    const out = $("slots");
    out.textContent = "Recherche des créneaux…";
    try {
      const r = await P.api("GET", P.opPath("/interventions/" + encodeURIComponent(iv) + "/slots?count=5"));
      if ($("details").dataset.iv !== iv) return; // another intervention was chosen meanwhile
      out.innerHTML = "";
      const head = document.createElement("p");
      out.appendChild(head);
      if (!r.slots.length) { head.textContent = "Aucun autre créneau ne respecte toutes les règles avec le reste du planning tel qu'il est."; return; }
      head.textContent = "Créneaux possibles, du meilleur au moins bon (version " + r.version + ") :";
      const ol = document.createElement("ol");
      ol.id = "slot-list";
      for (const sl of r.slots) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.start = sl.start;
        const moved = sl.moved.length ? F.n(sl.moved.length) + (sl.moved.length > 1 ? " autres rendez-vous décalés" : " autre rendez-vous décalé") : "rien d'autre ne bouge";
        const end = sl.end_delay_days > 0 ? "fin des travaux " + F.n(sl.end_delay_days) + " j plus tard" : sl.end_delay_days < 0 ? "fin des travaux " + F.n(-sl.end_delay_days) + " j plus tôt" : "fin des travaux inchangée";
        b.textContent = P.fromTo(Date.parse(sl.start), Date.parse(sl.end)) + (sl.crew ? " · équipe " + sl.crew : "") + (sl.pilot ? " · pilote " + sl.pilot : "") + " · " + moved + " · " + end;
        b.addEventListener("click", () => take(iv, sl, r));
        li.appendChild(b);
        ol.appendChild(li);
      }
      out.appendChild(ol);
    } catch (err) { out.textContent = err.message; }
  }

  // take sends the chosen slot's appointment_rescheduled event, at the moment
  // the slots were offered: against the version they came from, it is accepted
  async function take(iv, sl, r) {
    const s = P.state, old = s.plan;
    const ev = Object.assign({}, sl.event, { id: key("telephone") });
    try {
      const a = await P.replanJob("?now=" + encodeURIComponent(r.now), [ev], key("deplacement"));
      s.oldPlan = old;
      s.diff = a.diff;
      await P.loadOperation(s.op);
      P.changes();
      P.select(iv);
      P.said("Rendez-vous déplacé au " + P.fromTo(Date.parse(sl.start), Date.parse(sl.end)) + " (version " + a.version + ")");
    } catch (err) {
      P.show(err.status === 409 ? "Ce créneau n'est plus libre : " + err.message + " Demandez de nouveaux créneaux." : err.message);
    }
  }

  async function decline(iv) {
    const s = P.state, old = s.plan;
    try {
      const a = await P.replanJob("", [{ id: key("refus"), type: "appointment_declined", intervention: iv }], key("refus"));
      s.oldPlan = old;
      s.diff = a.diff;
      await P.loadOperation(s.op);
      P.changes();
      P.select(iv);
      P.said("Refus enregistré, rendez-vous replanifié (version " + a.version + ")");
    } catch (err) { P.show(err.message); }
  }

  new MutationObserver(phone).observe($("details"), { childList: true });
  document.addEventListener("rp:loaded", () => { fillScope(); chosen.clear(); drawChosen(); });
  $("announce").addEventListener("submit", announce);
  $("confirm").addEventListener("submit", confirm);
  P.combo($("confirm-iv"), $("confirm-list"), announcedSource, pickConfirm);
})();
