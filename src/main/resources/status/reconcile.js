// Status page, reconcile with Didomi (issue 13): the last run, and a dry run listing what would be written.
function reconcileCell(text) {
  const td = document.createElement("td");
  td.textContent = text === undefined ? "" : JSON.stringify(text);
  return td;
}

function describeRun(run) {
  if (!run) { return "No run yet."; }
  return "Last run" + (run.dryRun ? " (dry run)" : "") + ": " + run.status + ", started " + run.startedAt
    + (run.finishedAt ? ", finished " + run.finishedAt : "") + ". Users read " + run.usersRead + ", skipped "
    + run.usersSkipped + " (no organization_user_id), contacts in sync " + run.contactsInSync + ", changed "
    + run.contactsChanged + "." + (run.reason ? " Reason: " + run.reason : "");
}

async function refreshReconcile() {
  try {
    const r = await fetch("/admin/reconcile", { credentials: "same-origin" });
    if (r.ok) { document.getElementById("reconcile-last").textContent = describeRun((await r.json()).lastRun); }
  } catch (e) { /* status.js reports an unreachable connector */ }
}

function showChanges(changes) {
  const body = document.getElementById("reconcile-changes");
  body.replaceChildren();
  if (changes.length === 0) {
    const tr = document.createElement("tr"); const td = document.createElement("td");
    td.colSpan = 4; td.className = "muted"; td.textContent = "Dotdigital matches Didomi: nothing to write.";
    tr.append(td); body.append(tr);
  }
  changes.forEach(c => Object.entries(c.dataFields).forEach(([field, change]) => {
    const tr = document.createElement("tr");
    tr.dataset.contact = c.organizationUserId;
    const who = document.createElement("td"); who.textContent = c.organizationUserId;
    const name = document.createElement("td"); name.textContent = field;
    const from = change.from === null ? document.createElement("td") : reconcileCell(change.from);
    if (change.from === null) { from.className = "muted"; from.textContent = "never written"; }
    tr.append(who, name, from, reconcileCell(change.to));
    body.append(tr);
  }));
}

async function dryRun(button) {
  const message = document.getElementById("reconcile-message");
  button.disabled = true;
  message.textContent = "Running…";
  try {
    const r = await fetch("/admin/reconcile", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ dryRun: true }) });
    const started = await r.json();
    if (r.status !== 202) { message.textContent = started.message || ("Failed (" + r.status + ")"); return; }
    let run = started;
    while (run.status === "running") {
      await new Promise(done => setTimeout(done, 1000));
      run = await (await fetch("/admin/reconcile/" + encodeURIComponent(started.id), { credentials: "same-origin" })).json();
    }
    document.getElementById("reconcile-last").textContent = describeRun(run);
    if (run.status !== "finished") { message.textContent = "Dry run " + run.status + ": " + run.reason; return; }
    const changes = await (await fetch("/admin/reconcile/" + encodeURIComponent(started.id) + "/changes?limit=100",
      { credentials: "same-origin" })).json();
    message.textContent = "Dry run finished: " + run.contactsChanged + " contact(s) would be written"
      + (run.contactsChanged > 100 ? " (first 100 listed)" : "") + ". Nothing was written to Dotdigital.";
    showChanges(changes.changes);
  } finally {
    button.disabled = false;
  }
}

document.getElementById("reconcile-dry-run").onclick = e => dryRun(e.target);
refreshReconcile();
setInterval(refreshReconcile, 3000);
