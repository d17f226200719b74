/** Events newest first, with the runs each started; searchable like the runs list. */
import type { ServerContext } from "../context";
import { listEvents, type EventView } from "../queries";
import { esc, href, jsonBlock, page, runHref, time } from "./html";

const PAGE_SIZE = 50;

function row(e: EventView): string {
  const runs = e.duplicateOf
    ? `<span class="muted">duplicate of <span class="mono">${esc(e.duplicateOf)}</span>: triggers nothing</span>`
    : e.runIds.length
      ? e.runIds.map((id) => `<a class="mono" href="${runHref(id)}">${esc(id)}</a>`).join("<br>")
      : `<span class="muted">no function listens</span>`;
  return `<tr>
<td data-label="Event"><strong>${esc(e.name)}</strong><div class="muted small mono">${esc(e.id)}</div>${e.userId && e.userId !== e.id ? `<div class="muted small">id ${esc(e.userId)}</div>` : ""}</td>
<td data-label="Received">${time(e.receivedAt)}</td>
<td data-label="Runs">${runs}</td>
<td data-label="Payload"><details><summary class="small">show</summary>${jsonBlock(e.payload)}</details></td>
</tr>`;
}

export async function eventsPage(ctx: ServerContext, query: URLSearchParams): Promise<string> {
  const q = query.get("q")?.trim() || undefined;
  const before = query.get("before")?.trim() || undefined;
  const sent = query.get("sent")?.trim() || undefined;
  const found = await listEvents(ctx, { q: sent ?? q, before, limit: PAGE_SIZE + 1 });
  const events = found.slice(0, PAGE_SIZE);
  const last = events[events.length - 1];
  const table = events.length
    ? `<table class="list"><colgroup><col style="width:34%"><col style="width:180px"><col style="width:30%"><col></colgroup>
<thead><tr><th>Event</th><th>Received (UTC)</th><th>Runs</th><th>Payload</th></tr></thead><tbody>${events.map(row).join("")}</tbody></table>`
    : `<div class="empty">${q ? "No events match." : "No events yet."}</div>`;
  const pager =
    before || found.length > PAGE_SIZE
      ? `<div class="pager"><span>${before ? `<a href="${href("/events", { q })}">← Newest</a>` : ""}</span><span>${
          found.length > PAGE_SIZE && last ? `<a href="${href("/events", { q, before: last.id })}">Older →</a>` : ""
        }</span></div>`
      : "";
  return page(
    {
      title: "Events",
      section: "events",
      mode: ctx.opts.mode,
      actions: `<a class="btn primary" href="/send">Send event</a>`,
      notice: sent ? { kind: "ok", text: "Event sent." } : undefined,
    },
    `<section class="card"><form class="filters" method="get" action="/events" role="search">
<input type="search" name="q" value="${esc(q ?? "")}" placeholder="Search event data or id, or {&quot;key&quot;:&quot;value&quot;}" aria-label="Search events">
<button type="submit" class="btn">Search</button>${q ? `<a href="/events" class="small">Clear</a>` : ""}</form>${table}${pager}</section>`,
  );
}
