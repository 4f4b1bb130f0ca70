/**
 * @module
 * The Micro console: one page of plain HTML, CSS and JavaScript (no build step), served at
 * `/micro/ui` like Micro's own UI. It polls `/micro/console/stats`, `/good` and `/bad` every second
 * and shows:
 * - the event flow per stage: raw requests and events, good and bad events, with rates derived from
 *   successive counts;
 * - the newest good events, each expanding to its decoded fields;
 * - bad events grouped by bad-row type with their messages, each selectable for replay;
 * - a schema lookup box over `/micro/iglu/…`;
 * - Replay (writes the chosen bad events' raw records to the raw stream) and Reset.
 * Element ids and classes are stable: the browser test drives the page by them.
 */

const STYLE = `
:root { --fg: #1d2330; --muted: #5d6675; --line: #d9dee7; --bg: #f5f7fa; --good: #1a7f43; --bad: #b42318; --raw: #2952a3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 20px; margin: 0; }
header .sub { color: var(--muted); font-size: 14px; }
header .spacer { flex: 1; }
main { padding: 18px 24px; display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 16px; margin: 0 0 10px; }
.flow { display: flex; gap: 14px; align-items: stretch; }
.stage { flex: 1; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.stage .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
.stage .count { font-size: 30px; font-weight: 650; }
.stage .rate { color: var(--muted); font-size: 13px; }
.stage.raw .count { color: var(--raw); } .stage.good .count { color: var(--good); } .stage.bad .count { color: var(--bad); }
.arrow { align-self: center; color: var(--muted); font-size: 22px; }
button { font: inherit; white-space: nowrap; padding: 6px 14px; border-radius: 6px; border: 1px solid #9aa4b5; background: #fff; cursor: pointer; }
button.primary { background: #2952a3; border-color: #2952a3; color: #fff; }
button:disabled { opacity: .5; cursor: default; }
input[type=text] { font: inherit; padding: 6px 10px; border: 1px solid #9aa4b5; border-radius: 6px; width: 100%; }
.row { display: flex; gap: 8px; align-items: center; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
tr.good-row { cursor: pointer; } tr.good-row:hover { background: #eef3fb; }
td.mono, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
.good-detail td { background: #fafbfd; }
.good-detail table td:first-child { width: 34%; color: var(--muted); }
.bad-group { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; }
.bad-group > .head { display: flex; gap: 10px; align-items: center; padding: 8px 12px; cursor: pointer; background: #fdf3f2; border-radius: 8px; }
.bad-group .type { font-weight: 650; color: var(--bad); }
.bad-group .n { color: var(--muted); }
.bad-group .body { padding: 6px 12px 10px; }
.bad-group.collapsed .body { display: none; }
.bad-event { display: flex; gap: 10px; padding: 6px 0; border-top: 1px dashed var(--line); }
.bad-event:first-child { border-top: 0; }
.bad-message { margin: 2px 0; }
.tag { font-size: 12px; padding: 1px 6px; border-radius: 10px; background: #e9edf3; color: var(--muted); }
.tag.replayed { background: #e3f4ea; color: var(--good); }
pre { background: #f3f5f8; border-radius: 6px; padding: 10px; max-height: 360px; overflow: auto; font-size: 13px; margin: 10px 0 0; white-space: pre-wrap; word-break: break-all; }
.muted { color: var(--muted); }
.empty { color: var(--muted); padding: 6px 0; }
`;

const SCRIPT = `
"use strict";
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const expandedGood = new Set();
const collapsedGroups = new Set();
const selected = new Set();
let last = null;
let lastGood = "";
let lastBad = "";

async function getJson(path, init) {
  const res = await fetch(path, init);
  if (!res.ok) throw new Error(res.status + " " + (await res.text()));
  return res.json();
}

function rate(now, before, key, seconds) {
  if (!before || seconds <= 0) return "–";
  const r = (now[key] - before[key]) / seconds;
  return (r < 0 ? 0 : r).toFixed(1) + " /s";
}

function renderStats(s) {
  const c = s.counts;
  const flat = { raw: c.rawRecords, rawEvents: c.rawEvents, good: c.good, bad: c.bad };
  $("stat-raw").textContent = c.rawRecords;
  $("stat-raw-events").textContent = c.rawEvents + " events";
  $("stat-good").textContent = c.good;
  $("stat-bad").textContent = c.bad;
  const seconds = last ? (s.at - last.at) / 1000 : 0;
  $("rate-raw").textContent = rate(flat, last && last.flat, "raw", seconds);
  $("rate-good").textContent = rate(flat, last && last.flat, "good", seconds);
  $("rate-bad").textContent = rate(flat, last && last.flat, "bad", seconds);
  last = { at: s.at, flat };
  $("held").textContent = s.summary.good + " good and " + s.summary.bad + " bad events held";
  const feed = s.feed && s.feed.streams ? Object.entries(s.feed.streams).map(([role, f]) =>
    role + ": " + f.name + " (" + f.shards + " shard" + (f.shards === 1 ? "" : "s") + ")" + (f.lastError ? " — " + f.lastError : "")).join(" · ") : "no stream feed";
  $("feed").textContent = feed;
}

function fieldsTable(fields) {
  const rows = Object.entries(fields).map(([k, v]) =>
    "<tr><td class=mono>" + esc(k) + "</td><td class=mono>" + esc(typeof v === "object" ? JSON.stringify(v) : v) + "</td></tr>");
  return "<table>" + rows.join("") + "</table>";
}

function renderGood(list) {
  const text = JSON.stringify(list);
  if (text === lastGood) return;
  lastGood = text;
  if (list.length === 0) { $("good-list").innerHTML = "<div class=empty>No good events yet.</div>"; return; }
  const rows = list.map((e) => {
    const open = expandedGood.has(e.id);
    const time = new Date(e.receivedAt).toLocaleTimeString();
    let html = "<tr class=good-row data-id=" + e.id + " data-event-id='" + esc(e.eventId || "") + "'>" +
      "<td>" + esc(time) + "</td><td>" + esc(e.eventType || "") + "</td><td class=mono>" + esc(e.schema || "") +
      "</td><td>" + esc(e.appId || "") + "</td></tr>";
    if (open) html += "<tr class=good-detail data-id=" + e.id + "><td colspan=4>" + fieldsTable(e.fields) + "</td></tr>";
    return html;
  });
  $("good-list").innerHTML = "<table><thead><tr><th>Received</th><th>Type</th><th>Schema</th><th>App</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}

function renderBad(groups) {
  const text = JSON.stringify(groups);
  if (text === lastBad) return;
  lastBad = text;
  if (groups.length === 0) { $("bad-groups").innerHTML = "<div class=empty>No bad events.</div>"; return; }
  $("bad-groups").innerHTML = groups.map((g) => {
    const events = g.events.map((e) => {
      const box = e.replayable ? "<input type=checkbox class=replay-select value=" + e.id + (selected.has(e.id) ? " checked" : "") + ">" : "";
      const tag = e.replayed ? "<span class='tag replayed'>replayed</span>" : "";
      return "<div class=bad-event data-id=" + e.id + " data-event-id='" + esc(e.eventId || "") + "'>" + box + "<div>" +
        "<div class=muted>" + esc(new Date(e.receivedAt).toLocaleTimeString()) + (e.eventId ? " · event " + esc(e.eventId) : "") + " " + tag + "</div>" +
        e.messages.map((m) => "<div class='bad-message mono'>" + esc(m) + "</div>").join("") + "</div></div>";
    }).join("");
    return "<div class='bad-group" + (collapsedGroups.has(g.type) ? " collapsed" : "") + "' data-type='" + esc(g.type) + "'>" +
      "<div class=head><span class=type>" + esc(g.type) + "</span><span class=n>" + g.count + " event" + (g.count === 1 ? "" : "s") + "</span></div>" +
      "<div class=body>" + events + "</div></div>";
  }).join("");
}

async function refresh() {
  try {
    const [stats, good, bad] = await Promise.all([
      getJson("/micro/console/stats"), getJson("/micro/console/good?limit=50"), getJson("/micro/console/bad?perGroup=50"),
    ]);
    renderStats(stats);
    renderGood(good);
    renderBad(bad);
    $("replay-button").disabled = !stats.replay || selected.size === 0;
    $("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    $("status").textContent = "cannot reach Micro: " + e.message;
  }
}

$("good-list").addEventListener("click", (ev) => {
  const row = ev.target.closest("tr.good-row");
  if (!row) return;
  const id = Number(row.dataset.id);
  if (expandedGood.has(id)) expandedGood.delete(id); else expandedGood.add(id);
  lastGood = "";
  refresh();
});

$("bad-groups").addEventListener("click", (ev) => {
  const box = ev.target.closest("input.replay-select");
  if (box) {
    const id = Number(box.value);
    if (box.checked) selected.add(id); else selected.delete(id);
    $("replay-button").disabled = selected.size === 0;
    return;
  }
  const head = ev.target.closest(".bad-group > .head");
  if (!head) return;
  const group = head.parentElement;
  const type = group.dataset.type;
  if (collapsedGroups.has(type)) collapsedGroups.delete(type); else collapsedGroups.add(type);
  group.classList.toggle("collapsed");
});

$("replay-button").addEventListener("click", async () => {
  const ids = [...selected];
  $("replay-button").disabled = true;
  try {
    const out = await getJson("/micro/console/replay", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ids }),
    });
    selected.clear();
    $("replay-result").textContent = "Replayed " + out.replayed.length + " event" + (out.replayed.length === 1 ? "" : "s") +
      " to the raw stream" + (out.skipped.length ? " (" + out.skipped.length + " could not be rebuilt)" : "") + ".";
  } catch (e) {
    $("replay-result").textContent = "Replay failed: " + e.message;
  }
  lastBad = "";
  refresh();
});

async function lookup() {
  const text = $("schema-input").value.trim();
  const m = /^(?:iglu:)?([^/]+)\\/([^/]+)\\/([^/]+)\\/([^/]+)$/.exec(text);
  if (!m) { $("schema-result").textContent = "Enter a schema URI: iglu:vendor/name/jsonschema/1-0-0"; return; }
  const res = await fetch("/micro/iglu/" + m.slice(1).map(encodeURIComponent).join("/"));
  const body = await res.text();
  let shown = body;
  try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch {}
  $("schema-result").textContent = (res.ok ? "" : "Not found (" + res.status + "):\\n") + shown;
}
$("schema-lookup").addEventListener("click", lookup);
$("schema-input").addEventListener("keydown", (ev) => { if (ev.key === "Enter") lookup(); });

$("reset-button").addEventListener("click", async () => {
  await fetch("/micro/reset", { method: "POST" });
  expandedGood.clear(); selected.clear(); last = null; lastGood = ""; lastBad = "";
  refresh();
});

refresh();
setInterval(refresh, 1000);
`;

/** The console page. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Furrow Micro console</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Furrow Micro</h1>
  <span class="sub" id="held"></span>
  <span class="spacer"></span>
  <span class="sub" id="status">loading…</span>
  <button id="reset-button" title="Forget every event (POST /micro/reset)">Reset</button>
</header>
<main>
  <section class="wide">
    <h2>Event flow</h2>
    <div class="flow">
      <div class="stage raw"><div class="label">Raw requests</div><div class="count" id="stat-raw">0</div><div class="rate"><span id="stat-raw-events">0 events</span> · <span id="rate-raw">–</span></div></div>
      <div class="arrow">→</div>
      <div class="stage good"><div class="label">Good events</div><div class="count" id="stat-good">0</div><div class="rate" id="rate-good">–</div></div>
      <div class="stage bad"><div class="label">Bad events</div><div class="count" id="stat-bad">0</div><div class="rate" id="rate-bad">–</div></div>
    </div>
    <div class="muted" id="feed" style="margin-top:8px"></div>
  </section>
  <section>
    <h2>Good events <span class="muted">(click one for its fields)</span></h2>
    <div id="good-list"><div class="empty">No good events yet.</div></div>
  </section>
  <section>
    <h2>Bad events by type</h2>
    <div class="row" style="margin-bottom:10px">
      <button class="primary" id="replay-button" disabled title="Write the selected events' raw records to the raw stream again">Replay selected</button>
      <span class="muted" id="replay-result">Fix the cause (e.g. publish the schema), select events, replay.</span>
    </div>
    <div id="bad-groups"><div class="empty">No bad events.</div></div>
  </section>
  <section class="wide">
    <h2>Schema lookup</h2>
    <div class="row">
      <input type="text" id="schema-input" placeholder="iglu:com.acme/checkout/jsonschema/1-0-0" spellcheck="false">
      <button id="schema-lookup">Look up</button>
    </div>
    <pre id="schema-result" class="mono">Schemas are resolved through the pipeline's Iglu resolver.</pre>
  </section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
