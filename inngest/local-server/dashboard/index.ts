/**
 * The dashboard on the main port, where the Inngest Dev Server has its UI:
 *
 *   GET  / and /runs          runs list (?q= &function= &status= &cron=1 &before=)
 *   GET  /runs/:id            one run;  POST /runs/:id/rerun, /runs/:id/cancel
 *   GET  /functions           synced functions;  POST /sync
 *   GET  /events              events (?q= &before=)
 *   GET  /send[?from=<eventId>], POST /send    send a test event (from=: prefilled with that event)
 *   GET  /signin, POST /signin, POST /signout   production mode only
 *
 * Every POST must come from these pages: same Origin (or Sec-Fetch-Site:
 * same-origin) and the form token each of their forms carries (form-tokens.ts),
 * 403 otherwise. In production mode every page but the sign-in needs the
 * session cookie the sign-in sets.
 */
import type http from "node:http";
import { cancelRun, rerunRun, sendEvents } from "../actions";
import type { ApiDeps } from "../api";
import { parseEventBody } from "../events";
import { FORM_TOKEN_FIELD, type FormTokens } from "../form-tokens";
import { clearedSessionCookie, dashboardAuthorized, sameOrigin, sessionCookie, sessionCookieValue } from "../guards";
import { HttpError, readBody, sendHtml } from "../http-util";
import { getEventPayload } from "../queries";
import { isThisKey } from "../signing";
import { eventsPage } from "./events-page";
import { functionsPage } from "./functions-page";
import { esc, page } from "./html";
import { runPage } from "./run-page";
import { readRunsQuery, runsPage } from "./runs-page";
import { EMPTY_SEND_FORM, sendFormFrom, sendPage, type SendForm } from "./send-page";
import { signInPage } from "./signin-page";

export interface DashboardDeps extends ApiDeps {
  /** The main port, which names the session cookie. */
  port(): number;
  forms: FormTokens;
}

/** What a form token is bound to: the browser's valid session cookie, or nothing (dev mode, signed out). */
function formBinding(deps: DashboardDeps, req: http.IncomingMessage): string {
  const { opts } = deps.ctx;
  if (opts.signingKey === null || !dashboardAuthorized(opts, req, deps.port())) return "";
  return sessionCookieValue(req, deps.port()) ?? "";
}

/**
 * Puts a fresh form token into every POST form of a page. The pages build
 * their forms from a few helpers; doing it here, on the way out, means no
 * form can be rendered without one.
 */
export function withFormTokens(deps: DashboardDeps, req: http.IncomingMessage, html: string): string {
  const field = `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(deps.forms.issue(formBinding(deps, req)))}">`;
  return html.replace(/<form method="post"[^>]*>/g, (tag) => `${tag}${field}`);
}

function seeOther(res: http.ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { location, "cache-control": "no-store", ...headers });
  res.end();
}

/** A path on this server to return to after signing in; anything else becomes "/". */
function localPath(value: string | null | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : "/";
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req));
}

const FORGED_FORM = "This form did not come from this dashboard, or it has expired: go back, reload the page and try again.";

export function errorPage(deps: DashboardDeps, title: string, text: string, opts: { bare?: boolean } = {}): string {
  return page({ title, section: "none", mode: deps.ctx.opts.mode, bare: opts.bare }, `<section class="card"><div class="card-body">${esc(text)}</div></section>`);
}

export async function handleDashboard(deps: DashboardDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const { ctx } = deps;
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const production = ctx.opts.signingKey !== null;
  const html = (status: number, text: string) => sendHtml(res, status, withFormTokens(deps, req, text));

  let form = new URLSearchParams();
  if (method === "POST") {
    if (!sameOrigin(req)) return html(403, errorPage(deps, "Forbidden", "This action must be submitted from the dashboard's own pages.", { bare: true }));
    form = await readForm(req);
    if (!deps.forms.verify(form.get(FORM_TOKEN_FIELD), formBinding(deps, req))) return html(403, errorPage(deps, "Forbidden", FORGED_FORM, { bare: true }));
  }

  if (path === "/signin" || path === "/signout") {
    if (!production) return seeOther(res, "/");
    if (path === "/signout" && method === "POST") return seeOther(res, "/signin", { "set-cookie": clearedSessionCookie(deps.port()) });
    if (path === "/signin" && method === "GET") return html(200, signInPage(localPath(url.searchParams.get("next")), false));
    if (path === "/signin" && method === "POST") {
      const next = localPath(form.get("next"));
      if (ctx.opts.signingKey && isThisKey(ctx.opts.signingKey, form.get("key") ?? "")) {
        return seeOther(res, next, { "set-cookie": sessionCookie(ctx.opts, deps.port()) });
      }
      return html(401, signInPage(next, true));
    }
  }

  if (!dashboardAuthorized(ctx.opts, req, deps.port())) {
    if (method === "GET") return seeOther(res, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
    return html(401, errorPage(deps, "Sign in first", "Your session has ended: sign in again.", { bare: true }));
  }

  const runAction = /^\/runs\/([^/]+)\/(rerun|cancel)$/.exec(path);
  if (method === "POST" && runAction) {
    const id = decodeURIComponent(runAction[1] ?? "");
    const runPath = `/runs/${encodeURIComponent(id)}`;
    if (runAction[2] === "rerun") {
      const r = await rerunRun(ctx, id);
      if (r.ok) return seeOther(res, `/runs/${encodeURIComponent(r.runId)}?notice=rerun`);
      if (r.code === "not_found") throw new HttpError(404, "run not found");
      return seeOther(res, `${runPath}?notice=rerun-failed`);
    }
    const r = await cancelRun(ctx, id, "cancelled from the dashboard");
    if (!r.ok && r.code === "not_found") throw new HttpError(404, "run not found");
    return seeOther(res, `${runPath}?notice=${r.ok ? "cancelled" : "ended"}`);
  }

  if (method === "POST" && path === "/sync") {
    const results = await deps.syncNow();
    const failed = results.filter((r) => !r.ok);
    return seeOther(res, `/functions?sync=${encodeURIComponent(failed.length ? failed.map((r) => r.error).join("; ") : "ok")}`);
  }

  if (method === "POST" && path === "/send") {
    const values: SendForm = { name: form.get("name")?.trim() ?? "", data: form.get("data") ?? "{}", id: form.get("id")?.trim() ?? "" };
    let data: unknown;
    try {
      data = values.data.trim() === "" ? {} : JSON.parse(values.data);
    } catch {
      return html(400, sendPage(ctx.opts.mode, values, "Data is not valid JSON."));
    }
    const parsed = parseEventBody({ name: values.name, data, ...(values.id ? { id: values.id } : {}) });
    if ("error" in parsed) return html(400, sendPage(ctx.opts.mode, values, parsed.error));
    const [id] = await sendEvents(ctx, parsed.events);
    return seeOther(res, `/events?sent=${encodeURIComponent(id ?? "")}`);
  }

  if (method !== "GET" && method !== "HEAD") return html(405, errorPage(deps, "Method not allowed", `${method} is not allowed here.`));
  if (path === "/" || path === "/runs") return html(200, await runsPage(ctx, readRunsQuery(url.searchParams)));
  if (path === "/functions") return html(200, await functionsPage(ctx, url.searchParams.get("sync") ?? undefined));
  if (path === "/events") return html(200, await eventsPage(ctx, url.searchParams));
  if (path === "/send") {
    const from = url.searchParams.get("from");
    return html(200, sendPage(ctx.opts.mode, from ? sendFormFrom(await getEventPayload(ctx, from)) : EMPTY_SEND_FORM));
  }
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) {
    const page = await runPage(ctx, decodeURIComponent(run[1] ?? ""), url.searchParams.get("notice") ?? undefined);
    return html(page ? 200 : 404, page ?? errorPage(deps, "Run not found", "No run has this id (it may have been purged)."));
  }
  html(404, errorPage(deps, "Not found", "There is no page here."));
}
