// Status page logic: a served file, so the page's Content-Security-Policy needs no inline script.
const stages = [["received", "received"], ["waiting", "waiting / retrying"], ["delivered", "delivered"],
  ["skipped", "skipped"], ["ignored", "ignored"], ["stale", "stale"], ["dead", "dead"]];

function cell(text) { const td = document.createElement("td"); td.textContent = text == null ? "" : text; return td; }

function render(s) {
  const pipeline = document.getElementById("pipeline");
  pipeline.replaceChildren();
  stages.forEach(([key, label], i) => {
    if (i === 1 || i === 2) { const a = document.createElement("span"); a.className = "arrow"; a.textContent = "→"; pipeline.append(a); }
    const div = document.createElement("div");
    div.className = "stage " + key;
    div.id = "count-" + key;
    const b = document.createElement("b"); b.textContent = s.counts[key];
    div.append(b, document.createTextNode(label));
    pipeline.append(div);
  });
  const health = document.getElementById("health");
  health.className = "health " + s.dotdigital.status;
  health.textContent = "Dotdigital: " + s.dotdigital.status + (s.dotdigital.message ? " — " + s.dotdigital.message : "");
  document.getElementById("pause").textContent = s.rateLimit.paused
    ? "Rate limit pause until " + s.rateLimit.pausedUntil + " (" + s.rateLimit.reason + ")" : "";
  const pauses = document.getElementById("delivery-pauses");
  pauses.replaceChildren(...(s.deliveryPauses || []).map(p => {
    const div = document.createElement("div");
    div.className = "health DOWN paused";
    div.dataset.reason = p.reason;
    div.textContent = "Delivery paused (" + p.reason + ") since " + p.since + ": " + p.message
      + ". Webhooks are still accepted; events wait and are delivered once this is fixed.";
    return div;
  }));
  const body = document.getElementById("dead");
  body.replaceChildren();
  if (s.recentDead.length === 0) {
    const tr = document.createElement("tr"); const td = cell("no dead events"); td.colSpan = 6; td.className = "muted";
    tr.append(td); body.append(tr);
  }
  s.recentDead.forEach(e => {
    const tr = document.createElement("tr");
    tr.dataset.id = e.id;
    const button = document.createElement("button");
    button.textContent = "Replay";
    button.onclick = () => replay(e.id, button);
    const action = document.createElement("td"); action.append(button);
    tr.append(cell(e.id), cell(e.type), cell(e.attempts), cell(e.reason), cell(e.updatedAt), action);
    body.append(tr);
  });
  document.getElementById("updated").textContent = "Last update " + new Date().toLocaleTimeString();
}

async function refresh() {
  try {
    const r = await fetch("/admin/summary", { credentials: "same-origin" });
    if (r.ok) { render(await r.json()); }
  } catch (e) { document.getElementById("updated").textContent = "cannot reach the connector: " + e; }
}

async function replay(id, button) {
  button.disabled = true;
  const r = await fetch("/admin/events/" + encodeURIComponent(id) + "/replay", { method: "POST", credentials: "same-origin" });
  button.textContent = r.ok ? "Replaying…" : "Failed (" + r.status + ")";
  refresh();
}

refresh();
setInterval(refresh, 3000);
