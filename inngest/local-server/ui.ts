/**
 * The runs page (default port 8289): server-rendered HTML, no scripts, no
 * build step; every value is escaped. Pages: / (runs), /runs/:id, /functions
 * (with "Sync now"), /events. JSON behind them under /api/… (see api.ts).
 */
import http from "node:http";
import { handleApi, type ApiDeps } from "./api";
import { HttpError, readBody, redirect, sendHtml, sendJson } from "./http-util";
import { getRun, listEvents, listFunctions, listRuns, type RunSummary } from "./queries";

export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const MAX_JSON_CHARS = 20_000;

function jsonBlock(value: unknown): string {
  let text = JSON.stringify(value, null, 2) ?? "null";
  if (text.length > MAX_JSON_CHARS) text = `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters; see the JSON API)`;
  return `<pre>${esc(text)}</pre>`;
}

function ms(value: number | null): string {
  if (value === null) return "—";
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

function time(iso: string | null): string {
  return iso ? `<time datetime="${esc(iso)}">${esc(iso.replace("T", " ").replace("Z", ""))}</time>` : "—";
}

function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1b1f24;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#cfd6de;text-decoration:none}header a:hover{color:#fff}header strong{margin-right:12px}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 20px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef0f3;font-weight:600}
pre{background:#fff;border:1px solid #e3e6ea;padding:8px;overflow:auto;max-height:360px;margin:4px 0;font-size:12px}
td pre{max-height:200px}
.badge{padding:1px 8px;border-radius:10px;font-size:12px;background:#e3e6ea}
.completed{background:#d4f4dd;color:#0f5b26}.failed{background:#fbd9d9;color:#8a1010}
.running,.retrying{background:#dbe9ff;color:#0b3d91}.queued,.planned,.sleeping,.waiting{background:#fff1c2;color:#6b4e00}
.cancelled{background:#e3e6ea;color:#555}
.muted{color:#6b7280}.err{color:#8a1010}
form{display:inline}button{font:inherit;padding:4px 12px;cursor:pointer}
nav.filters a{margin-right:10px}
`;

function page(title: string, body: string, opts: { refresh?: boolean } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refresh ? '<meta http-equiv="refresh" content="3">' : ""}
<title>${esc(title)} · Inngest local</title><style>${CSS}</style></head>
<body><header><strong>Inngest local</strong><a href="/">Runs</a><a href="/functions">Functions</a><a href="/events">Events</a></header>
<main>${body}</main></body></html>`;
}

function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return `<p class="muted">No runs yet.</p>`;
  const rows = runs
    .map(
      (r) => `<tr><td><a href="/runs/${encodeURIComponent(r.id)}">${esc(r.id)}</a></td><td>${esc(r.functionId)}</td>
<td>${badge(r.status)}</td><td>${esc(r.eventName)}</td><td>${time(r.createdAt)}</td><td>${ms(r.durationMs)}</td><td>${esc(r.attempts)}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>Run</th><th>Function</th><th>Status</th><th>Event</th><th>Created (UTC)</th><th>Duration</th><th>Attempts</th></tr></thead><tbody>${rows}</tbody></table>`;
}

async function runsPage(deps: ApiDeps, query: URLSearchParams): Promise<string> {
  const status = query.get("status") ?? undefined;
  const functionId = query.get("function") ?? undefined;
  const runs = await listRuns(deps.ctx, { status, functionId, limit: 200 });
  const refresh = query.get("refresh") !== "0";
  const keep = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) {
      if (v === "") q.delete(k);
      else q.set(k, v);
    }
    const s = q.toString();
    return s ? `/?${esc(s)}` : "/";
  };
  const filters = ["", "queued", "running", "completed", "failed", "cancelled"]
    .map((s) => `<a href="${keep({ status: s })}">${s === "" ? "all" : esc(s)}</a>`)
    .join("");
  return page(
    "Runs",
    `<h1>Runs${functionId ? ` of ${esc(functionId)}` : ""}</h1>
<nav class="filters">${filters} · <a href="${keep({ refresh: refresh ? "0" : "" })}">${refresh ? "stop auto-refresh" : "auto-refresh"}</a></nav>
${runsTable(runs)}`,
    { refresh },
  );
}

async function runPage(deps: ApiDeps, id: string): Promise<string | undefined> {
  const run = await getRun(deps.ctx, id);
  if (!run) return undefined;
  const steps = run.steps
    .map((s, i) => {
      const result = s.error !== undefined ? `<div class="err">error</div>${jsonBlock(s.error)}` : s.output !== undefined ? jsonBlock(s.output) : "";
      return `<tr><td>${i + 1}</td><td>${esc(s.name)}<div class="muted">${esc(s.id.slice(0, 12))}</div></td><td>${esc(s.op)}</td>
<td>${badge(s.status)}</td><td>${esc(s.attempts)}</td><td>${ms(s.durationMs)}</td><td>${result}</td></tr>`;
    })
    .join("");
  const pending = run.pending
    .map(
      (p) => `<tr><td>${esc(p.stepId === "step" ? "discovery" : p.stepId.slice(0, 12))}</td><td>${esc(p.kind)}</td><td>${esc(p.attempt)}</td>
<td>${p.inFlight ? "in flight" : time(p.runAt)}</td><td class="err">${esc(p.lastError ?? "")}</td></tr>`,
    )
    .join("");
  const active = run.status === "queued" || run.status === "running";
  return page(
    `Run ${run.id}`,
    `<h1>Run ${esc(run.id)}</h1>
<table><tbody>
<tr><th>Function</th><td><a href="/?function=${encodeURIComponent(run.functionId)}">${esc(run.functionId)}</a> (${esc(run.functionName)})</td></tr>
<tr><th>Status</th><td>${badge(run.status)}</td></tr>
<tr><th>Created</th><td>${time(run.createdAt)}</td></tr><tr><th>Ended</th><td>${time(run.endedAt)}</td></tr>
<tr><th>Duration</th><td>${ms(run.durationMs)}</td></tr><tr><th>Attempts</th><td>${esc(run.attempts)}</td></tr>
</tbody></table>
<h2>Event</h2>${jsonBlock(run.event)}
<h2>Steps</h2>${steps ? `<table><thead><tr><th>#</th><th>Step</th><th>Op</th><th>Status</th><th>Attempts</th><th>Duration</th><th>Output / error</th></tr></thead><tbody>${steps}</tbody></table>` : `<p class="muted">No steps.</p>`}
${pending ? `<h2>Pending work</h2><table><thead><tr><th>Call</th><th>Kind</th><th>Attempt</th><th>Due (UTC)</th><th>Last error</th></tr></thead><tbody>${pending}</tbody></table>` : ""}
${run.status === "completed" ? `<h2>Output</h2>${jsonBlock(run.output)}` : ""}
${run.error ? `<h2>Error</h2>${jsonBlock(run.error)}` : ""}`,
    { refresh: active },
  );
}

async function functionsPage(deps: ApiDeps, query: URLSearchParams): Promise<string> {
  const fns = await listFunctions(deps.ctx);
  const rows = fns
    .map(
      (f) => `<tr><td><a href="/?function=${encodeURIComponent(f.id)}">${esc(f.id)}</a><div class="muted">${esc(f.name)}</div></td>
<td>${esc(f.appId)}</td><td>${jsonBlock(f.triggers)}</td><td>${esc(f.runs.total)} total, ${esc(f.runs.active)} active, ${esc(f.runs.failed)} failed</td>
<td>${f.error ? `<span class="err">${esc(f.error)}</span>` : ""}${f.ignoredOptions.length ? `<div class="muted">ignored here: ${esc(f.ignoredOptions.join(", "))}</div>` : ""}</td></tr>`,
    )
    .join("");
  const apps = deps.ctx.opts.appUrls.map((u) => esc(u)).join(", ") || "none configured (apps may register via /fn/register)";
  const message = query.get("sync");
  return page(
    "Functions",
    `<h1>Functions</h1>
<p>Apps: ${apps}. <form method="post" action="/sync"><button type="submit">Sync now</button></form>
${message ? `<span class="${message === "ok" ? "muted" : "err"}">${esc(message === "ok" ? "synced" : message)}</span>` : ""}</p>
${rows ? `<table><thead><tr><th>Function</th><th>App</th><th>Triggers</th><th>Runs</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="muted">No functions synced yet.</p>`}`,
  );
}

async function eventsPage(deps: ApiDeps): Promise<string> {
  const events = await listEvents(deps.ctx, { limit: 200 });
  const rows = events
    .map(
      (e) => `<tr><td>${esc(e.id)}${e.userId ? `<div class="muted">id ${esc(e.userId)}</div>` : ""}</td><td>${esc(e.name)}</td><td>${time(e.receivedAt)}</td>
<td>${e.duplicateOf ? `duplicate of ${esc(e.duplicateOf)}` : e.runIds.map((id) => `<a href="/runs/${encodeURIComponent(id)}">${esc(id)}</a>`).join("<br>")}</td>
<td>${jsonBlock(e.payload)}</td></tr>`,
    )
    .join("");
  return page(
    "Events",
    `<h1>Events</h1>${rows ? `<table><thead><tr><th>Event</th><th>Name</th><th>Received (UTC)</th><th>Runs</th><th>Payload</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="muted">No events yet.</p>`}`,
  );
}

export function createUiServer(deps: ApiDeps): http.Server {
  return http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) deps.ctx.log.info(`error rendering ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) sendHtml(res, status, page("Error", `<h1>Error</h1><p class="err">${esc((err as Error).message)}</p>`));
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path.startsWith("/api/")) {
      const out = await handleApi(deps, method, path.slice("/api/".length), url.searchParams);
      if (out) sendJson(res, out.status, out.body);
      else sendJson(res, 404, { error: `not found: ${method} ${path}` });
      return;
    }
    if (method === "POST" && path === "/sync") {
      await readBody(req);
      const results = await deps.syncNow();
      const failed = results.filter((r) => !r.ok);
      redirect(res, `/functions?sync=${encodeURIComponent(failed.length ? failed.map((r) => r.error).join("; ") : "ok")}`);
      return;
    }
    if (method !== "GET") {
      sendHtml(res, 405, page("Not allowed", "<h1>Method not allowed</h1>"));
      return;
    }
    if (path === "/") return sendHtml(res, 200, await runsPage(deps, url.searchParams));
    if (path === "/functions") return sendHtml(res, 200, await functionsPage(deps, url.searchParams));
    if (path === "/events") return sendHtml(res, 200, await eventsPage(deps));
    const m = /^\/runs\/([^/]+)$/.exec(path);
    if (m) {
      const html = await runPage(deps, decodeURIComponent(m[1] ?? ""));
      return sendHtml(res, html ? 200 : 404, html ?? page("Not found", "<h1>Run not found</h1>"));
    }
    sendHtml(res, 404, page("Not found", "<h1>Not found</h1>"));
  }
}
