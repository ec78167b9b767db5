// Status page logic: a served file, so the page's Content-Security-Policy needs no inline script. Everything that
// comes from data is set as text (textContent, SVG attributes), never parsed as HTML.
const stages = [["received", "received"], ["waiting", "waiting / retrying"], ["delivered", "delivered"],
  ["skipped", "skipped"], ["ignored", "ignored"], ["stale", "stale"], ["dead", "dead"]];
const SVG = "http://www.w3.org/2000/svg";
const $ = id => document.getElementById(id);

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text != null) { e.textContent = String(text); }
  if (className) { e.className = className; }
  return e;
}
function cell(text) { return el("td", text == null ? "" : text); }

async function getJson(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  if (!r.ok) { throw new Error("HTTP " + r.status + " from " + url); }
  return r.json();
}
async function post(url) {
  return fetch(url, { method: "POST", credentials: "same-origin" });
}

// ---- now: counts, health, pauses, dead list ----
function render(s) {
  const pipeline = $("pipeline");
  pipeline.replaceChildren();
  stages.forEach(([key, label], i) => {
    if (i === 1 || i === 2) { pipeline.append(el("span", "→", "arrow")); }
    const div = el("div", null, "stage " + key);
    div.id = "count-" + key;
    div.append(el("b", s.counts[key]), document.createTextNode(label));
    pipeline.append(div);
  });
  const health = $("health");
  health.className = "health " + s.dotdigital.status;
  health.textContent = "Dotdigital: " + s.dotdigital.status + (s.dotdigital.message ? " — " + s.dotdigital.message : "");
  $("pause").textContent = s.rateLimit.paused
    ? "Rate limit pause until " + s.rateLimit.pausedUntil + " (" + s.rateLimit.reason + ")" : "";
  $("delivery-pauses").replaceChildren(...(s.deliveryPauses || []).map(p => {
    const div = el("div", "Delivery paused (" + p.reason + ") since " + p.since + ": " + p.message
      + ". Webhooks are still accepted; events wait and are delivered once this is fixed.", "health DOWN paused");
    div.dataset.reason = p.reason;
    return div;
  }));
  const body = $("dead");
  body.replaceChildren();
  if (s.recentDead.length === 0) {
    const tr = el("tr"); const td = cell("no dead events"); td.colSpan = 6; td.className = "muted";
    tr.append(td); body.append(tr);
  }
  s.recentDead.forEach(e => {
    const tr = el("tr");
    tr.dataset.id = e.id;
    const action = el("td"); action.append(replayButton(e.id));
    tr.append(cell(e.id), cell(e.type), cell(e.attempts), cell(e.reason), cell(e.updatedAt), action);
    body.append(tr);
  });
  $("updated").textContent = "Last update " + new Date().toLocaleTimeString();
}

function replayButton(id) {
  const button = el("button", "Replay");
  button.type = "button";
  button.setAttribute("aria-label", "Replay event " + id);
  button.onclick = async () => {
    button.disabled = true;
    const r = await post("/admin/events/" + encodeURIComponent(id) + "/replay");
    button.textContent = r.ok ? "Replaying…" : "Failed (" + r.status + ")";
    refresh();
  };
  return button;
}

// ---- the pipeline over time: SVG line charts, one per window ----
function chart(container, h, from, label) {
  const series = ["received", "delivered", "dead"].map(k => [k, h[k].slice(from)]);
  const waiting = h.waiting.slice(from);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 600 170");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  const total = k => h[k].slice(from).reduce((a, b) => a + b, 0);
  const summary = label + ": " + total("received") + " received, " + total("delivered") + " delivered, "
    + total("dead") + " dead; " + waiting[waiting.length - 1] + " waiting now";
  svg.setAttribute("aria-label", summary);
  const perMinuteMax = Math.max(1, ...series.flatMap(([, v]) => v));
  series.forEach(([key, values]) => svg.append(line(key, values, perMinuteMax, 10, 100)));
  svg.append(line("waiting", waiting, Math.max(1, ...waiting), 120, 160));
  const scale = "Scale: top line " + perMinuteMax + " events/min; backlog up to " + Math.max(...waiting) + ".";
  container.replaceChildren(svg, el("p", summary + ". " + scale, "muted chart-summary"));
}
function line(key, values, max, top, bottom) {
  const pl = document.createElementNS(SVG, "polyline");
  const step = 600 / Math.max(1, values.length - 1);
  pl.setAttribute("points", values.map((v, i) => (i * step).toFixed(1) + "," + (bottom - (v / max) * (bottom - top)).toFixed(1)).join(" "));
  pl.setAttribute("class", "series " + key);
  pl.dataset.series = key;
  pl.dataset.total = String(values.reduce((a, b) => a + b, 0));
  pl.dataset.max = String(Math.max(...values));
  return pl;
}
async function refreshHistory() {
  try {
    const h = await getJson("/admin/summary/history");
    chart($("chart-hour"), h, h.received.length - 60, "Last hour");
    chart($("chart-day"), h, 0, "Last 24 hours");
  } catch (e) { $("chart-hour").textContent = "cannot load the history: " + e.message; }
}

// ---- one person's consent story ----
function pairs(obj) {
  const div = el("div");
  if (obj == null) { div.append(el("span", "—", "muted")); return div; }
  Object.entries(obj).forEach(([k, v]) => div.append(el("div", k + ": " + (v === null ? "(no choice)" : JSON.stringify(v)))));
  return div;
}
const timelineColumns = Array.from(document.querySelectorAll("#timeline-table thead th")).map(th => th.textContent);
// dots too: an id "." or ".." would otherwise be a path step the URL parser resolves away
// the page's own ?limit= (a whole number) goes to the timeline and its CSV alike; without it the API's default (500)
const timelineLimit = /^[0-9]+$/.test(new URLSearchParams(location.search).get("limit") || "")
  ? new URLSearchParams(location.search).get("limit") : null;
function contactUrl(id, suffix) {
  return "/admin/contacts/" + encodeURIComponent(id).replace(/\./g, "%2E") + "/" + suffix
    + (timelineLimit ? "?limit=" + timelineLimit : "");
}

async function showContact(id) {
  const table = $("timeline-table");
  const csv = $("contact-csv");
  if (!id) { table.hidden = true; csv.hidden = true; $("contact-summary").textContent = ""; return; }
  let answer;
  try { answer = await getJson(contactUrl(id, "events")); } catch (e) {
    $("contact-summary").textContent = "cannot load the history: " + e.message; return;
  }
  if ($("contact-id").value.trim() !== id) { return; } // a newer search replaced this one
  const events = answer.events.slice().reverse(); // newest first
  $("contact-summary").textContent = events.length === 0 ? "No events stored for " + id + "."
    : answer.truncated ? "Showing the newest " + events.length + " of " + answer.total + " events for " + id
      + ", newest first (the CSV holds the same rows)."
    : events.length + " event(s) for " + id + ", newest first.";
  csv.hidden = events.length === 0;
  csv.href = contactUrl(id, "events.csv");
  const body = $("timeline");
  body.replaceChildren(...events.map(e => {
    const tr = el("tr", null, "event " + e.status);
    tr.dataset.id = e.id;
    const outcome = el("td");
    outcome.append(el("strong", e.status), el("div", e.reason || ""));
    const action = el("td");
    if (e.replayable) { action.append(replayButton(e.id)); }
    tr.append(cell(e.consentTime), cell(e.receivedAt), cell(e.type + " (" + e.id + ")"),
      el("td"), el("td"), outcome, cell(e.lastResponseCode == null ? "" : "HTTP " + e.lastResponseCode), action);
    tr.children[3].append(pairs(e.didomiSaid));
    tr.children[4].append(pairs(e.dataFieldsWritten));
    // each cell names its column, for the narrow layout where rows become cards (status.css)
    Array.from(tr.children).forEach((td, i) => { td.dataset.label = timelineColumns[i]; });
    return tr;
  }));
  table.hidden = events.length === 0;
}

$("contact-search").addEventListener("submit", ev => {
  ev.preventDefault();
  const id = $("contact-id").value.trim();
  history.replaceState(null, "", id ? "/?contact=" + encodeURIComponent(id) + (timelineLimit ? "&limit=" + timelineLimit : "") : "/");
  showContact(id);
});

// ---- bulk replay: the count first, then a confirmation ----
let pendingSince = null;
$("replay-all").addEventListener("submit", async ev => {
  ev.preventDefault();
  const local = $("replay-since").value;
  const since = new Date(local);
  if (!local || isNaN(since)) { $("replay-result").textContent = "Choose a date and time first."; return; }
  pendingSince = since.toISOString();
  try {
    const c = await getJson("/admin/events/replay/count?status=dead&since=" + encodeURIComponent(pendingSince));
    $("replay-confirm-text").textContent = c.count + " dead event(s) since " + pendingSince
      + " will go back to delivery. Replay them?";
    $("replay-all-confirm").disabled = c.count === 0;
    $("replay-confirm").hidden = false;
    (c.count === 0 ? $("replay-all-cancel") : $("replay-all-confirm")).focus();
  } catch (e) { $("replay-result").textContent = "cannot count: " + e.message; }
});
$("replay-all-cancel").addEventListener("click", () => { $("replay-confirm").hidden = true; $("replay-all-check").focus(); });
$("replay-all-confirm").addEventListener("click", async () => {
  $("replay-confirm").hidden = true;
  const r = await post("/admin/events/replay?status=dead&since=" + encodeURIComponent(pendingSince));
  $("replay-result").textContent = r.ok ? (await r.json()).replayed + " event(s) replayed." : "Replay failed (HTTP " + r.status + ")";
  $("replay-all-check").focus();
  refresh();
});

async function refresh() {
  try {
    render(await getJson("/admin/summary"));
    const open = $("contact-id").value.trim();
    if (open && !$("timeline-table").hidden) { showContact(open); }
  } catch (e) { $("updated").textContent = "cannot reach the connector: " + e.message; }
}

const deepLink = new URLSearchParams(location.search).get("contact");
if (deepLink) { $("contact-id").value = deepLink; showContact(deepLink.trim()); }
refresh();
refreshHistory();
setInterval(refresh, 3000);
setInterval(refreshHistory, 15000);
