/**
 * The app's Inngest functions served by a process of their own, for
 * `npm start` on one machine: the memory pipeline's step calls then run
 * beside Next instead of inside its event loop, where every step of a
 * draining import would delay live chat replies. The same functions and the
 * same `serve()` as /api/inngest (which Vercel and Inngest Cloud use — there
 * every call is its own function invocation anyway), over node:http.
 *
 *   node --conditions=react-server --import tsx scripts/inngest-worker.ts --port 3001
 *
 * It reads the validated environment like the app (INNGEST_SIGNING_KEY etc.;
 * the launcher passes the same as to Next), listens on loopback, answers only
 * loopback Host names, and in production keeps error details to itself.
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { serve } from "inngest/node";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";
import { env } from "@/lib/env";
import { checkHost, LOOPBACK_HOSTS } from "@/lib/http/request-policy";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: scripts/inngest-worker.ts --port <n>");
  process.exit(2);
}

const handler = serve({ client: inngest, functions, servePath: "/api/inngest" });
const production = env().NODE_ENV === "production";

const json = (res: http.ServerResponse, status: number, message: string) =>
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ message }));

/**
 * As /api/inngest does (app/api/inngest/route.ts): in production the SDK's error answers
 * carry stack traces and server paths; one that is not signed went to someone who is not
 * the Inngest server, so it is cut down to its status and a plain message.
 */
function withoutErrorDetails(res: http.ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  let replaced: string | null = null;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((h): h is Record<string, unknown> => typeof h === "object" && h !== null && !Array.isArray(h)) ?? {};
    const signed = Object.keys(headers).some((k) => k.toLowerCase() === "x-inngest-signature");
    if (status < 400 || signed) return writeHead(status, ...rest);
    replaced = status === 401 ? "Unauthorized" : "The request could not be handled.";
    return writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => (replaced === null ? end(...args) : end(JSON.stringify({ message: replaced })))) as typeof res.end;
}

const server = http.createServer((req, res) => {
  // Only the Inngest server on this machine calls here: against DNS rebinding, loopback names only.
  if (checkHost(req.headers.host ?? null, LOOPBACK_HOSTS)) return json(res, 403, "This host name is not served here.");
  if (production) withoutErrorDetails(res);
  if (!req.url?.startsWith("/api/inngest")) {
    return json(res, 404, "not found");
  }
  // A body the SDK cannot parse (only ever sent by someone who is not Inngest) rejects here:
  // answer without details instead of crashing the process.
  // serve() is typed as returning nothing, but its handler is async.
  Promise.resolve(handler(req, res) as unknown as Promise<void>).catch(() => {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "The request could not be handled." }));
  });
});
server.listen(port, "127.0.0.1", () => console.log(`[inngest-worker] functions on http://127.0.0.1:${port}/api/inngest`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
