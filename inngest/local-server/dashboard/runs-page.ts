/**
 * The runs list (/ and /runs): newest first, filtered by function and status,
 * searched by event data (`q`: a turn id, a user id… matched against the
 * triggering event's ids and data, and run ids; or a JSON object the event's
 * data must contain), cron-triggered runs hidden
 * unless asked for, fifty per page.
 */
import type { ServerContext } from "../context";
import { listFunctions, listRuns, type RunSummary } from "../queries";
import { badge, esc, formatMs, href, page, runHref, time } from "./html";

const PAGE_SIZE = 50;
const STATUSES = ["queued", "running", "completed", "failed", "cancelled"];

export interface RunsQuery {
  q?: string;
  functionId?: string;
  status?: string;
  showCron: boolean;
  before?: string;
  refresh: boolean;
}

export function readRunsQuery(query: URLSearchParams): RunsQuery {
  const get = (k: string) => query.get(k)?.trim() || undefined;
  const status = get("status");
  return {
    q: get("q"),
    functionId: get("function"),
    status: status && STATUSES.includes(status) ? status : undefined,
    showCron: query.get("cron") === "1",
    before: get("before"),
    refresh: query.get("refresh") === "1",
  };
}

function params(q: RunsQuery, extra: Partial<Record<"before" | "cron" | "refresh", string | undefined>> = {}): Record<string, string | undefined> {
  return {
    q: q.q,
    function: q.functionId,
    status: q.status,
    cron: q.showCron ? "1" : undefined,
    refresh: q.refresh ? "1" : undefined,
    ...extra,
  };
}

function row(r: RunSummary): string {
  const event = r.eventName === "inngest/scheduled.timer" ? `<span class="chip">cron</span>` : esc(r.eventName);
  return `<tr>
<td data-label="Status">${badge(r.status)}</td>
<td data-label="Function"><a href="${runHref(r.id)}"><strong>${esc(r.functionName)}</strong></a><div class="muted small">${esc(r.functionId)}</div></td>
<td data-label="Run" class="id"><a href="${runHref(r.id)}">${esc(r.id)}</a>${r.rerunOf ? `<div class="muted small">rerun</div>` : ""}</td>
<td data-label="Event">${event}</td>
<td data-label="Queued">${time(r.createdAt)}</td>
<td data-label="Duration">${formatMs(r.durationMs)}</td>
</tr>`;
}

export async function runsPage(ctx: ServerContext, q: RunsQuery): Promise<string> {
  const [found, fns] = await Promise.all([
    listRuns(ctx, { q: q.q, functionId: q.functionId, status: q.status, includeCron: q.showCron, before: q.before, limit: PAGE_SIZE + 1 }),
    listFunctions(ctx),
  ]);
  const runs = found.slice(0, PAGE_SIZE);
  const more = found.length > PAGE_SIZE;
  const fnOptions = fns
    .map((f) => `<option value="${esc(f.id)}"${f.id === q.functionId ? " selected" : ""}>${esc(f.name)} (${esc(f.id)})</option>`)
    .join("");
  const statusOptions = STATUSES.map((s) => `<option value="${s}"${s === q.status ? " selected" : ""}>${s}</option>`).join("");
  const filters = `<form class="filters" method="get" action="/runs" role="search">
<input type="search" name="q" value="${esc(q.q ?? "")}" placeholder="Search: a turn id, user id, run id… or {&quot;userId&quot;:&quot;…&quot;}" title="Text is matched anywhere in the event's data and ids; a JSON object must be contained in the event's data" aria-label="Search runs">
<select name="function" aria-label="Function"><option value="">All functions</option>${fnOptions}</select>
<select name="status" aria-label="Status"><option value="">Any status</option>${statusOptions}</select>
<label class="check"><input type="checkbox" name="cron" value="1"${q.showCron ? " checked" : ""}> Show cron runs</label>
${q.refresh ? `<input type="hidden" name="refresh" value="1">` : ""}
<button type="submit" class="btn">Apply</button>
${q.q || q.functionId || q.status || q.showCron ? `<a href="/runs" class="small">Clear</a>` : ""}
</form>`;
  const table = runs.length
    ? `<table class="list"><colgroup><col style="width:104px"><col><col style="width:236px"><col style="width:17%"><col style="width:176px"><col style="width:86px"></colgroup>
<thead><tr><th>Status</th><th>Function</th><th>Run</th><th>Event</th><th>Queued (UTC)</th><th>Duration</th></tr></thead>
<tbody>${runs.map(row).join("")}</tbody></table>`
    : `<div class="empty">${q.q || q.functionId || q.status ? "No runs match." : "No runs yet."}${q.showCron ? "" : " Cron runs are hidden."}</div>`;
  const last = runs[runs.length - 1];
  const pager =
    q.before || more
      ? `<div class="pager"><span>${q.before ? `<a href="${href("/runs", params(q))}">← Newest</a>` : ""}</span><span>${
          more && last ? `<a href="${href("/runs", params(q, { before: last.id }))}">Older →</a>` : ""
        }</span></div>`
      : "";
  const cronToggle = `<a class="btn" href="${href("/runs", params(q, { cron: q.showCron ? undefined : "1", before: undefined }))}">${q.showCron ? "Hide cron runs" : "Show cron runs"}</a>`;
  const refreshToggle = `<a class="btn" href="${href("/runs", params(q, { refresh: q.refresh ? undefined : "1" }))}">${q.refresh ? "Stop auto-refresh" : "Auto-refresh"}</a>`;
  return page(
    { title: "Runs", section: "runs", mode: ctx.opts.mode, actions: `${cronToggle}${refreshToggle}`, refreshSeconds: q.refresh ? 3 : undefined },
    `<section class="card">${filters}${table}${pager}</section>`,
  );
}
