/**
 * Building blocks of the dashboard's server-rendered pages: escaping, the
 * page shell (sidebar, header, styles), and small formatters. Every value
 * reaches the HTML through esc() or an attribute helper; the pages carry no
 * scripts and no third-party assets.
 */

export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A link to a dashboard path with query parameters (empty values dropped). */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return esc(s ? `${path}?${s}` : path);
}

export const runHref = (id: string) => href(`/runs/${encodeURIComponent(id)}`);

const MAX_JSON_CHARS = 20_000;

/** Pretty-printed JSON that wraps instead of widening the page. */
export function jsonBlock(value: unknown): string {
  let text = JSON.stringify(value, null, 2) ?? "null";
  if (text.length > MAX_JSON_CHARS) text = `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters; see the JSON API)`;
  return `<pre class="json">${esc(text)}</pre>`;
}

export function formatMs(value: number | null): string {
  if (value === null) return "—";
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(value / 60_000);
  const s = Math.round((value % 60_000) / 1000);
  return m < 60 ? `${m} m ${s} s` : `${Math.floor(m / 60)} h ${m % 60} m`;
}

export function time(iso: string | null): string {
  if (!iso) return `<span class="muted">—</span>`;
  const shown = iso.replace("T", " ").replace(/\.\d+Z$/, "").replace("Z", "");
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(shown)}</time>`;
}

export function badge(status: string): string {
  return `<span class="badge s-${esc(status)}">${esc(status)}</span>`;
}

/** A POST form with one button: the dashboard's actions. */
export function actionButton(action: string, label: string, opts: { danger?: boolean; fields?: Record<string, string> } = {}): string {
  const fields = Object.entries(opts.fields ?? {})
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  return `<form method="post" action="${esc(action)}" class="inline">${fields}<button type="submit" class="btn${opts.danger ? " danger" : ""}">${esc(label)}</button></form>`;
}

export type Section = "runs" | "events" | "functions" | "send" | "none";

export interface PageOptions {
  title: string;
  /** A line under the title (ids). */
  subtitle?: string;
  section: Section;
  mode: "dev" | "production";
  /** Shown right of the title. */
  actions?: string;
  /** Reload the page every n seconds (a meta refresh: no scripts). */
  refreshSeconds?: number;
  /** A notice above the content. */
  notice?: { kind: "ok" | "error"; text: string };
  /** Pages outside the signed-in area (sign-in) have no navigation. */
  bare?: boolean;
}

const NAV: Array<{ section: Section; path: string; label: string; icon: string }> = [
  { section: "runs", path: "/runs", label: "Runs", icon: '<path d="M3 4h10M3 8h10M3 12h6"/>' },
  { section: "events", path: "/events", label: "Events", icon: '<path d="M9 2 4 9h4l-1 5 5-7H8l1-5z"/>' },
  { section: "functions", path: "/functions", label: "Functions", icon: '<path d="M6 2C4 2 4 4 4 5v1.5C4 7.5 3 8 2 8c1 0 2 .5 2 1.5V11c0 1 0 3 2 3M10 2c2 0 2 2 2 3v1.5c0 1 1 1.5 2 1.5-1 0-2 .5-2 1.5V11c0 1 0 3-2 3"/>' },
  { section: "send", path: "/send", label: "Send event", icon: '<path d="M2 8h9M8 4l4 4-4 4"/>' },
];

function icon(paths: string): string {
  return `<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${paths}</svg>`;
}

export function page(opts: PageOptions, body: string): string {
  const nav = NAV.map(
    (n) => `<a href="${n.path}"${n.section === opts.section ? ' aria-current="page"' : ""}>${icon(n.icon)}<span>${esc(n.label)}</span></a>`,
  ).join("");
  const modeLabel = opts.mode === "production" ? "production" : "dev";
  const signOut = opts.mode === "production" ? `<form method="post" action="/signout" class="signout"><button type="submit" class="link">Sign out</button></form>` : "";
  const chrome = opts.bare
    ? ""
    : `<aside class="side"><div class="brand"><span class="logo" aria-hidden="true"></span><span>Inngest <em>local</em></span></div>
<nav aria-label="Sections">${nav}</nav>
<div class="side-foot"><span class="mode m-${modeLabel}" title="${opts.mode === "production" ? "signed calls; credentials required" : "unsigned calls, like the Inngest Dev Server"}">${modeLabel} mode</span>${signOut}</div></aside>`;
  const notice = opts.notice ? `<div class="notice ${opts.notice.kind}" role="status">${esc(opts.notice.text)}</div>` : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ""}
<title>${esc(opts.title)} · Inngest local</title><style>${CSS}</style></head>
<body class="${opts.bare ? "bare" : ""}">${chrome}<main>
<header class="top"><div class="titles"><h1>${esc(opts.title)}</h1>${opts.subtitle ? `<div class="subtitle mono">${esc(opts.subtitle)}</div>` : ""}</div>${opts.actions ? `<div class="actions">${opts.actions}</div>` : ""}</header>
${notice}${body}</main></body></html>`;
}

const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9;display:flex;min-height:100vh}
a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
code,.mono,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.side{width:216px;flex:none;background:#0d1117;color:#c9d1d9;display:flex;flex-direction:column;padding:16px 12px;position:sticky;top:0;height:100vh}
.brand{display:flex;align-items:center;gap:10px;font-weight:600;font-size:15px;color:#fff;padding:4px 8px 18px}
.brand em{font-style:normal;color:#8b949e;font-weight:500}
.logo{width:22px;height:22px;border-radius:6px;background:linear-gradient(135deg,#22c55e,#0ea5e9)}
.side nav{display:flex;flex-direction:column;gap:2px}
.side nav a{display:flex;align-items:center;gap:10px;color:#c9d1d9;padding:7px 10px;border-radius:6px}
.side nav a:hover{background:#161b22;text-decoration:none;color:#fff}
.side nav a[aria-current=page]{background:#1f2937;color:#fff}
.side-foot{margin-top:auto;display:flex;flex-direction:column;gap:8px;padding:8px}
.mode{font-size:12px;padding:2px 8px;border-radius:10px;align-self:flex-start}
.m-dev{background:#1f2937;color:#9ca3af}.m-production{background:#3b2f0b;color:#fbbf24}
.signout button{color:#8b949e}
main{flex:1;min-width:0;padding:20px 28px 48px;max-width:1280px}
.bare main{max-width:420px;margin:10vh auto 0;padding:20px}
.top{display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap;margin-bottom:14px}
.titles{min-width:0}.top h1{font-size:20px;font-weight:600;margin:0;overflow-wrap:anywhere}
.subtitle{color:#6b7280;margin-top:2px;overflow-wrap:anywhere}
.actions{display:flex;gap:8px;flex-wrap:wrap}
h2{font-size:14px;font-weight:600;margin:0}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;margin-bottom:16px;min-width:0}
.card>h2,.card-head{padding:12px 16px;border-bottom:1px solid #eef0f3;display:flex;align-items:center;justify-content:space-between;gap:8px;flex-wrap:wrap}
.card-body{padding:12px 16px;min-width:0}
.muted{color:#6b7280}.err{color:#b42318}.small{font-size:12px}
.notice{padding:10px 14px;border-radius:8px;margin-bottom:14px;border:1px solid}
.notice.ok{background:#ecfdf3;border-color:#abefc6;color:#05603a}.notice.error{background:#fef3f2;border-color:#fecdca;color:#b42318}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:500;white-space:nowrap;background:#eef0f3;color:#414651}
.s-completed{background:#dcfae6;color:#067647}.s-failed{background:#fee4e2;color:#b42318}
.s-running,.s-retrying{background:#dbeafe;color:#1d4ed8}.s-queued,.s-planned,.s-sleeping,.s-waiting,.s-throttled{background:#fef0c7;color:#93370d}
.s-cancelled{background:#eef0f3;color:#535862}
.btn{font:inherit;font-size:13px;font-weight:500;padding:6px 12px;border-radius:6px;border:1px solid #d0d5dd;background:#fff;color:#1f2328;cursor:pointer;display:inline-flex;align-items:center;gap:6px}
.btn:hover{background:#f3f4f6;text-decoration:none}
.btn.primary{background:#111827;border-color:#111827;color:#fff}.btn.primary:hover{background:#1f2937}
.btn.danger{color:#b42318;border-color:#fda29b}.btn.danger:hover{background:#fef3f2}
button.link{background:none;border:0;padding:0;font:inherit;font-size:12px;cursor:pointer;text-decoration:underline}
form.inline{display:inline}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;padding:12px 16px;border-bottom:1px solid #eef0f3}
.filters input[type=search]{flex:1 1 260px;min-width:0}
input,select,textarea{font:inherit;font-size:13px;padding:6px 9px;border:1px solid #d0d5dd;border-radius:6px;background:#fff;color:inherit;max-width:100%}
textarea{width:100%;min-height:220px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
label.check{display:inline-flex;align-items:center;gap:6px;font-size:13px;color:#414651}
.field{display:flex;flex-direction:column;gap:6px;margin-bottom:14px}.field span{font-weight:500;font-size:13px}
table.list{width:100%;border-collapse:collapse;table-layout:fixed}
.list th{text-align:left;font-weight:500;font-size:12px;color:#6b7280;padding:8px 16px;border-bottom:1px solid #eef0f3;background:#fafbfc}
.list td{padding:9px 16px;border-bottom:1px solid #f0f1f3;vertical-align:top;overflow-wrap:anywhere}
.list tr:last-child td{border-bottom:0}
.list tbody tr:hover{background:#fafbfc}
.list .id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.empty{padding:28px 16px;text-align:center;color:#6b7280}
.pager{display:flex;justify-content:space-between;gap:8px;padding:10px 16px;border-top:1px solid #eef0f3;font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:0;border-top:0}
.grid>div{padding:10px 16px;border-right:1px solid #f0f1f3;border-bottom:1px solid #f0f1f3;min-width:0;overflow-wrap:anywhere}
.grid dt{font-size:12px;color:#6b7280;margin-bottom:2px}.grid dd{margin:0}
pre.json{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;background:#f8fafc;border:1px solid #eef0f3;border-radius:6px;padding:10px 12px;max-height:420px;overflow:auto}
.chips{display:flex;gap:6px;flex-wrap:wrap}.chip{font-size:12px;padding:1px 8px;border-radius:6px;background:#f2f4f7;color:#344054;overflow-wrap:anywhere}
.timeline{padding:4px 0}
.axis{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr) 80px;gap:12px;padding:6px 16px;font-size:11px;color:#6b7280;border-bottom:1px solid #f0f1f3}
.axis .scale{display:flex;justify-content:space-between}
details.step{border-bottom:1px solid #f0f1f3}details.step:last-child{border-bottom:0}
details.step>summary{list-style:none;cursor:pointer;display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr) 80px;gap:12px;align-items:center;padding:8px 16px}
details.step>summary::-webkit-details-marker{display:none}
details.step>summary:hover{background:#fafbfc}
details.step[open]>summary{background:#f8fafc}
.step-name{min-width:0;overflow-wrap:anywhere}.step-name strong{font-weight:500}
.step-meta{font-size:12px;color:#6b7280}
.track{position:relative;height:10px;background:#f2f4f7;border-radius:5px;overflow:hidden}
.bar{position:absolute;top:0;bottom:0;border-radius:5px;background:#60a5fa;min-width:3px}
.bar.b-completed{background:#22c55e}.bar.b-failed{background:#f04438}.bar.b-retrying,.bar.b-running{background:#60a5fa}
.bar.b-planned,.bar.b-sleeping,.bar.b-waiting{background:#fdb022}.bar.b-cancelled{background:#98a2b3}
.bar.span{opacity:.3}.bar.attempt{border-radius:2px;min-width:4px;box-shadow:0 0 0 1px #fff}
table.attempts{border:1px solid #eef0f3;border-radius:6px}table.attempts td,table.attempts th{padding:6px 10px}
details.more>summary{cursor:pointer;color:#6b7280;margin:4px 0}
.dur{font-size:12px;color:#414651;text-align:right;white-space:nowrap}
.step-detail{padding:4px 16px 14px;display:grid;gap:8px;min-width:0}.step-detail>.badge{justify-self:start}
.list td time{white-space:nowrap;font-size:13px}
.signin{background:#fff;border:1px solid #e4e7eb;border-radius:10px;padding:24px}
.signin input{width:100%}
@media (max-width:760px){
  body{flex-direction:column}
  .side{position:static;width:auto;height:auto;display:grid;grid-template-columns:minmax(0,1fr) auto;grid-template-areas:"brand foot" "nav nav";align-items:center;gap:8px;padding:10px 12px}
  .brand{grid-area:brand;padding:0}
  .side nav{grid-area:nav;flex-direction:row;gap:2px;overflow-x:auto}
  .side nav a{padding:5px 9px;white-space:nowrap}.side nav a svg{display:none}
  .side-foot{grid-area:foot;margin:0;flex-direction:row;align-items:center;gap:10px;padding:0}
  main{padding:14px 12px 40px}
  table.list thead{display:none}
  table.list,table.list tbody,table.list tr,table.list td{display:block;width:100%}
  table.list tr{padding:10px 14px;border-bottom:1px solid #f0f1f3}
  table.list td{border:0;padding:2px 0}
  table.list td[data-label]::before{content:attr(data-label);display:inline-block;min-width:76px;color:#6b7280;font-size:12px}
  .axis{display:none}
  details.step>summary{grid-template-columns:minmax(0,1fr) 70px;grid-template-areas:"name dur" "track track";row-gap:6px}
  details.step>summary .step-name{grid-area:name}details.step>summary .track{grid-area:track}details.step>summary .dur{grid-area:dur}
}
`;
