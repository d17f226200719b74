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
 * the launcher passes the same as to Next) and answers only on loopback.
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { serve } from "inngest/node";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: scripts/inngest-worker.ts --port <n>");
  process.exit(2);
}

const handler = serve({ client: inngest, functions, servePath: "/api/inngest" });
const server = http.createServer((req, res) => {
  if (!req.url?.startsWith("/api/inngest")) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "not found" }));
    return;
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
