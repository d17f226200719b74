/**
 * One run: its event, a timeline of its steps (bars placed and sized by time,
 * attempts, errors and outputs on expanding a step), pending work, the final
 * output or error, and the actions Rerun and Cancel.
 */
import type { ServerContext } from "../context";
import { getRun, type RunDetail, type StepView } from "../queries";
import { actionButton, badge, esc, formatMs, href, jsonBlock, page, runHref, time } from "./html";

/** Fixed texts for the outcome of an action, chosen by code so a link cannot put words on the page. */
export const RUN_NOTICES: Record<string, { kind: "ok" | "error"; text: string }> = {
  cancelled: { kind: "ok", text: "Run cancelled: its queued work is gone and any late answer from the app is ignored." },
  ended: { kind: "error", text: "The run had already ended; nothing was cancelled." },
  rerun: { kind: "ok", text: "Rerun started from the same event." },
  "rerun-failed": { kind: "error", text: "Cannot rerun: the function is not registered by any synced app (or its config cannot run here)." },
};

interface Span {
  label: string;
  meta: string;
  status: string;
  start: number;
  end: number;
  /** Attempts drawn inside the span (a retried or failed step). */
  attempts: Array<{ start: number; end: number; status: string; title: string }>;
  detail: string;
}

/** "Error: message" of a serialized error, for one line. */
function errorLine(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; message?: unknown };
    if (typeof e.message === "string") return `${typeof e.name === "string" ? `${e.name}: ` : ""}${e.message}`;
  }
  return JSON.stringify(error) ?? "";
}

function attemptsTable(s: StepView): string {
  if (s.attemptHistory.length === 0) return "";
  const rows = s.attemptHistory
    .map(
      (a) => `<tr><td data-label="Attempt">${a.attempt}</td><td data-label="Started">${time(a.startedAt)}</td><td data-label="Took">${formatMs(a.durationMs)}</td><td data-label="Result">${badge(a.status)}${
        a.error === undefined ? "" : `<div class="err small">${esc(errorLine(a.error))}</div><details class="more"><summary class="small">Full error</summary>${jsonBlock(a.error)}</details>`
      }</td></tr>`,
    )
    .join("");
  return `<div><h2 class="small">Attempts</h2><table class="list attempts"><colgroup><col style="width:72px"><col style="width:176px"><col style="width:80px"><col></colgroup><thead><tr><th>Attempt</th><th>Started (UTC)</th><th>Took</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function stepSpan(s: StepView, now: number): Span {
  const start = Date.parse(s.startedAt);
  const end = s.endedAt ? Date.parse(s.endedAt) : now;
  const parts: string[] = [attemptsTable(s)];
  if (s.error !== undefined && s.attemptHistory.length === 0) parts.push(`<div><h2 class="small err">Error</h2>${jsonBlock(s.error)}</div>`);
  if (s.output !== undefined) parts.push(`<div><h2 class="small">Output</h2>${jsonBlock(s.output)}</div>`);
  if (parts.join("") === "") parts.push(`<div class="muted small">No output yet.</div>`);
  const failed = s.attemptHistory.filter((a) => a.status === "failed").length;
  const attempts = `${s.attempts === 1 ? "1 attempt" : `${s.attempts} attempts`}${failed ? ` (${failed} failed)` : ""}`;
  return {
    label: s.name,
    meta: `${s.op === "StepRun" ? "step.run" : s.op} · ${attempts} · <span class="mono">${esc(s.id.slice(0, 10))}</span>`,
    status: s.status,
    start,
    end,
    attempts: s.attemptHistory.map((a) => ({
      start: Date.parse(a.startedAt),
      end: Date.parse(a.endedAt),
      status: a.status,
      title: `attempt ${a.attempt}: ${a.status} after ${formatMs(a.durationMs)}${a.error === undefined ? "" : ` (${errorLine(a.error)})`}`,
    })),
    detail: `<div class="step-detail">${badge(s.status)}${parts.join("")}</div>`,
  };
}

function timeline(run: RunDetail): string {
  const now = Date.now();
  const created = Date.parse(run.createdAt);
  const spans: Span[] = [];
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const waited = (started ?? (run.endedAt ? Date.parse(run.endedAt) : now)) - created;
  if (waited > 0) {
    const throttled = run.pending.some((p) => p.throttled);
    spans.push({
      label: "Queued",
      meta: throttled ? "waiting for its throttle" : run.throttleKey ? `throttled function (${esc(run.throttleKey)})` : "until the first call",
      status: started ? "completed" : "queued",
      start: created,
      end: created + waited,
      attempts: [],
      detail: `<div class="step-detail muted small">Time between the event and the run's first call to the app${run.throttleKey ? ` (throttle key ${esc(run.throttleKey)})` : ""}.</div>`,
    });
  }
  for (const s of [...run.steps].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))) spans.push(stepSpan(s, now));
  if (spans.length === 0) return `<div class="empty">No steps yet.</div>`;
  const end = Math.max(run.endedAt ? Date.parse(run.endedAt) : now, ...spans.map((s) => s.end));
  const total = Math.max(end - created, 1);
  const pct = (v: number) => Math.min(100, Math.max(0, (v / total) * 100)).toFixed(2);
  const bar = (cls: string, from: number, to: number, title?: string) =>
    `<span class="${cls}" style="left:${pct(from - created)}%;width:${Math.max(Number(pct(to - from)), 0.4).toFixed(2)}%"${title ? ` title="${esc(title)}"` : ""}></span>`;
  const rows = spans
    .map((s) => {
      // A retried step's span is drawn faint, its attempts solid on top: the gaps are the backoff.
      const attempts = s.attempts.map((a) => bar(`bar attempt b-${esc(a.status)}`, a.start, a.end, a.title)).join("");
      return `<details class="step"><summary>
<div class="step-name"><strong>${esc(s.label)}</strong><div class="step-meta">${s.meta}</div></div>
<div class="track" title="${esc(formatMs(s.end - s.start))}">${bar(`bar b-${esc(s.status)}${attempts ? " span" : ""}`, s.start, s.end)}${attempts}</div>
<div class="dur">${formatMs(s.end - s.start)}</div>
</summary>${s.detail}</details>`;
    })
    .join("");
  return `<div class="axis"><span>Step</span><span class="scale"><span>0</span><span>${formatMs(total / 2)}</span><span>${formatMs(total)}</span></span><span></span></div><div class="timeline">${rows}</div>`;
}

function pendingTable(run: RunDetail): string {
  if (run.pending.length === 0) return "";
  const rows = run.pending
    .map((p) => {
      const what = p.stepId === "step" ? "next call (discovery)" : `step ${p.stepId.slice(0, 10)}`;
      const when = p.throttled ? badge("throttled") : p.inFlight ? badge("running") : time(p.runAt);
      return `<tr><td data-label="Work">${esc(what)}</td><td data-label="Kind">${esc(p.kind)}</td><td data-label="Attempt">${esc(p.attempt)}</td><td data-label="Due">${when}</td><td data-label="Last error" class="err">${esc(p.lastError ?? "")}</td></tr>`;
    })
    .join("");
  return `<section class="card"><h2>Pending work</h2><table class="list"><thead><tr><th>Work</th><th>Kind</th><th>Attempt</th><th>Due (UTC)</th><th>Last error</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export async function runPage(ctx: ServerContext, id: string, notice?: string): Promise<string | undefined> {
  const run = await getRun(ctx, id);
  if (!run) return undefined;
  const active = run.status === "queued" || run.status === "running";
  const path = `/runs/${encodeURIComponent(run.id)}`;
  const actions = [
    `<a class="btn" href="${href("/send", { from: run.eventId })}" title="Open Send event with this run's event name and data, to send it again or edited">Edit &amp; send event</a>`,
    actionButton(`${path}/rerun`, "Rerun"),
    active ? actionButton(`${path}/cancel`, "Cancel", { danger: true }) : "",
  ].join("");
  const links = [
    run.rerunOf ? `<div><dt>Rerun of</dt><dd class="mono"><a href="${runHref(run.rerunOf)}">${esc(run.rerunOf)}</a></dd></div>` : "",
    run.reruns.length ? `<div><dt>Reruns</dt><dd class="mono">${run.reruns.map((r) => `<a href="${runHref(r)}">${esc(r)}</a>`).join("<br>")}</dd></div>` : "",
  ].join("");
  const summary = `<section class="card"><dl class="grid">
<div><dt>Status</dt><dd>${badge(run.status)}</dd></div>
<div><dt>Function</dt><dd><a href="${href("/runs", { function: run.functionId, cron: "1" })}">${esc(run.functionName)}</a><div class="muted small">${esc(run.functionId)}</div></dd></div>
<div><dt>Event</dt><dd>${esc(run.eventName)}<div class="muted small mono">${esc(run.eventId)}</div></dd></div>
<div><dt>Queued</dt><dd>${time(run.createdAt)}</dd></div>
<div><dt>Started</dt><dd>${time(run.startedAt)}</dd></div>
<div><dt>Ended</dt><dd>${time(run.endedAt)}</dd></div>
<div><dt>Duration</dt><dd>${formatMs(run.durationMs)}</dd></div>
<div><dt>Attempts</dt><dd>${esc(run.attempts)}</dd></div>
${links}</dl></section>`;
  const outcome =
    run.status === "completed"
      ? `<section class="card"><h2>Output</h2><div class="card-body">${jsonBlock(run.output)}</div></section>`
      : run.error
        ? `<section class="card"><h2 class="err">Error</h2><div class="card-body">${jsonBlock(run.error)}</div></section>`
        : "";
  return page(
    {
      title: run.functionName,
      subtitle: `run ${run.id}`,
      section: "runs",
      mode: ctx.opts.mode,
      actions,
      refreshSeconds: active ? 3 : undefined,
      notice: notice ? RUN_NOTICES[notice] : undefined,
    },
    `${summary}
<section class="card"><div class="card-head"><h2>Timeline</h2><span class="muted small">click a step for its output</span></div>${timeline(run)}</section>
${outcome}
${pendingTable(run)}
<section class="card"><h2>Event</h2><div class="card-body">${jsonBlock(run.event)}</div></section>`,
  );
}
