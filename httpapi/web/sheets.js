// The page's workbooks and the replan's settings: download the plan as an Excel
// workbook, upload a filled template as a new operation or a new version, and
// choose the date (in the operation's zone) and the budget of a replan. app.js
// asks RPReplan.query() for the replan's query string.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const P = window.RPPage;
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const p2 = (n) => String(n).padStart(2, "0");
  const opPath = (rest) => "/v1/operations/" + encodeURIComponent(P.state.op) + (rest || "");
  const auth = () => ({ Authorization: "Bearer " + P.state.token });

  // ---- the plan as a workbook

  async function downloadPlan() {
    const btn = $("download-plan");
    btn.disabled = true;
    try {
      const resp = await fetch(opPath("/plan"), { headers: Object.assign({ Accept: XLSX }, auth()) });
      if (!resp.ok) {
        let detail = resp.statusText;
        try { detail = (await resp.json()).detail || detail; } catch (e) { /* not a problem document */ }
        P.show(resp.status === 404 ? "Pas encore de planning à télécharger : lancez le calcul." : "Téléchargement impossible : " + detail);
        return;
      }
      const blob = await resp.blob();
      const m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = m ? m[1] : P.state.op + ".xlsx";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      P.show("Planning téléchargé : " + a.download + " (version " + resp.headers.get("X-Rehabplan-Version") + ").", true);
    } catch (e) { P.show("Téléchargement impossible : " + e.message); } finally { btn.disabled = false; }
  }

  // ---- a filled template sent as a new operation or a new version

  async function upload(ev) {
    ev.preventDefault();
    const file = $("upload-file").files[0], list = $("upload-errors"), mode = $("upload-mode").value;
    list.innerHTML = "";
    list.hidden = true;
    if (!file) { P.show("Choisissez le classeur rempli (.xlsx)."); return; }
    if (mode === "version" && !P.state.op) { P.show("Aucune opération affichée : envoyez le classeur comme nouvelle opération."); return; }
    const path = mode === "version" ? opPath() : "/v1/operations";
    let resp, data = null;
    try {
      resp = await fetch(path, { method: mode === "version" ? "PUT" : "POST", body: file,
        headers: Object.assign({ "Content-Type": XLSX, "Accept-Language": "fr" }, auth()) });
      const text = await resp.text();
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    } catch (e) { P.show("Envoi impossible : " + e.message); return; }
    if (!resp.ok) {
      const errs = (data && data.errors) || [];
      if (resp.status === 422 && errs.length) {
        for (const e of errs) {
          const li = document.createElement("li");
          li.textContent = e.detail;
          if (e.sheet) { li.dataset.sheet = e.sheet; li.dataset.cell = e.cell || ""; }
          list.appendChild(li);
        }
        list.hidden = false;
        P.show("Classeur refusé : " + errs.length + (errs.length > 1 ? " erreurs" : " erreur") + " (liste sous le formulaire), rien n'a été enregistré.");
        return;
      }
      const detail = (data && data.detail) || resp.statusText;
      const other = errs.find((e) => e.field === "operation.id");
      if (resp.status === 400 && other) P.show("Ce classeur décrit l'opération « " + other.id + " », pas l'opération affichée « " + P.state.op +
        " » : envoyez-le comme nouvelle opération, ou affichez d'abord la sienne.");
      else if (resp.status === 409) P.show("Cette opération existe déjà : envoyez le classeur comme nouvelle version.");
      else if (resp.status === 413) P.show("Classeur trop volumineux : " + detail);
      else if (resp.status === 403) P.show("Ce jeton ne permet pas de créer ou de modifier une opération.");
      else P.show("Classeur refusé : " + detail);
      return;
    }
    const sel = $("operation");
    if (![...sel.options].some((o) => o.value === data.operation)) sel.add(new Option(data.operation, data.operation));
    $("upload-file").value = "";
    document.addEventListener("rp:loaded", () => P.show((mode === "version" ? "Nouvelle version " : "Opération créée, version ") + data.version +
      " : " + data.operation + ". Lancez le calcul pour la planifier.", true), { once: true });
    sel.value = data.operation;
    sel.dispatchEvent(new Event("change"));
  }

  // ---- the replan's date and budget

  // the wall clock of the instant ms in the operation's zone, as a datetime-local value
  function localValue(ms) {
    const w = P.state.zone.wall(ms);
    return w.y + "-" + p2(w.mo) + "-" + p2(w.d) + "T" + p2(w.h) + ":" + p2(w.mi);
  }
  function setNow() {
    const f = $("replan-now");
    if (!f.dataset.touched) f.value = localValue(Date.now());
    $("replan-zone").textContent = "heure de l'opération (" + P.state.zone.tz + ")";
  }
  // query is the replan's query string: now (the date chosen, read in the
  // operation's zone; the current time while the field is untouched) and
  // time_limit when a budget is chosen (else the server's, which grows with the
  // operation)
  function query() {
    setNow();
    const q = [];
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec($("replan-now").value);
    if (m) {
      const ms = P.state.zone.at(+m[1], +m[2], +m[3], +m[4], +m[5]);
      q.push("now=" + encodeURIComponent(new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")));
    }
    const b = $("replan-budget").value;
    if (b) q.push("time_limit=" + encodeURIComponent(b));
    return q.length ? "?" + q.join("&") : "";
  }

  $("download-plan").addEventListener("click", downloadPlan);
  $("upload").addEventListener("submit", upload);
  $("replan-now").addEventListener("input", (e) => { e.target.dataset.touched = "1"; });
  $("replan-reset").addEventListener("click", () => { delete $("replan-now").dataset.touched; setNow(); });
  document.addEventListener("rp:loaded", setNow);
  window.RPReplan = { query };
})();
