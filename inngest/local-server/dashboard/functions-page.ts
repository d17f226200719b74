/** Synced functions: triggers, flow control, run counts, config problems, and "Sync now". */
import type { ServerContext } from "../context";
import { listFunctions, type FunctionView } from "../queries";
import type { FunctionConfig } from "../registry";
import { actionButton, esc, href, page } from "./html";

function triggerChips(triggers: unknown): string {
  const list = Array.isArray(triggers) ? (triggers as Array<{ event?: string; cron?: string; expression?: string }>) : [];
  return list
    .map((t) => (t.cron ? `<span class="chip">cron ${esc(t.cron)}</span>` : `<span class="chip">${esc(t.event ?? "?")}${t.expression ? ` if ${esc(t.expression)}` : ""}</span>`))
    .join("");
}

function flowChips(config: FunctionConfig): string {
  const chips: string[] = [];
  const conc = config.concurrency;
  const rules = typeof conc === "number" ? [{ limit: conc }] : Array.isArray(conc) ? conc : conc ? [conc] : [];
  for (const r of rules) chips.push(`concurrency ${r.limit}${r.key ? ` per ${r.key}` : ""}${r.scope && r.scope !== "fn" ? ` (${r.scope})` : ""}`);
  if (config.throttle) {
    const th = config.throttle;
    chips.push(`throttle ${th.limit}/${th.period}${th.burst ? ` +${th.burst} burst` : ""}${th.key ? ` per ${th.key}` : ""}`);
  }
  if (config.debounce) chips.push(`debounce ${config.debounce.period}${config.debounce.key ? ` per ${config.debounce.key}` : ""}`);
  if (config.idempotency) chips.push(`idempotency ${config.idempotency}`);
  for (const c of config.cancel ?? []) chips.push(`cancel on ${c.event}`);
  const retries = config.steps?.step?.retries?.attempts;
  if (typeof retries === "number") chips.push(`retries ${retries}`);
  return chips.map((c) => `<span class="chip">${esc(c)}</span>`).join("");
}

function row(f: FunctionView): string {
  const config = f.config as FunctionConfig;
  const isCron = (config.triggers ?? []).some((t) => t.cron);
  const runs = (params: Record<string, string>) => href("/runs", { function: f.id, ...(isCron ? { cron: "1" } : {}), ...params });
  const notes = [
    f.error ? `<div class="err">${esc(f.error)}</div>` : "",
    f.ignoredOptions.length ? `<div class="muted small">ignored here: ${esc(f.ignoredOptions.join(", "))}</div>` : "",
  ].join("");
  return `<tr>
<td data-label="Function"><a href="${runs({})}"><strong>${esc(f.name)}</strong></a><div class="muted small mono">${esc(f.id)}</div>${notes}</td>
<td data-label="Triggers"><div class="chips">${triggerChips(f.triggers)}</div></td>
<td data-label="Config"><div class="chips">${flowChips(config)}</div></td>
<td data-label="Runs"><a href="${runs({})}">${esc(f.runs.total)} total</a><div class="small"><a href="${runs({ status: "running" })}">${esc(f.runs.active)} active</a> · <a href="${runs({ status: "failed" })}" class="${f.runs.failed ? "err" : ""}">${esc(f.runs.failed)} failed</a></div></td>
<td data-label="App">${esc(f.appId)}<div class="muted small">${esc(f.appUrl)}</div></td>
</tr>`;
}

export async function functionsPage(ctx: ServerContext, syncMessage?: string): Promise<string> {
  const fns = await listFunctions(ctx);
  const apps = ctx.opts.appUrls.map((u) => `<span class="chip">${esc(u)}</span>`).join("") || `<span class="muted">none configured: apps may register via /fn/register</span>`;
  const table = fns.length
    ? `<table class="list"><colgroup><col style="width:26%"><col style="width:20%"><col style="width:22%"><col style="width:14%"><col></colgroup>
<thead><tr><th>Function</th><th>Triggers</th><th>Config</th><th>Runs</th><th>App</th></tr></thead><tbody>${fns.map(row).join("")}</tbody></table>`
    : `<div class="empty">No functions synced yet.</div>`;
  const notice =
    syncMessage === undefined ? undefined : syncMessage === "ok" ? { kind: "ok" as const, text: "Synced." } : { kind: "error" as const, text: `Sync failed: ${syncMessage}` };
  return page(
    { title: "Functions", section: "functions", mode: ctx.opts.mode, actions: actionButton("/sync", "Sync now"), notice },
    `<section class="card"><div class="card-head"><h2>Apps</h2><div class="chips">${apps}</div></div>${table}</section>`,
  );
}
