import http from "node:http";
import type { AddressInfo } from "node:net";
import { openAppBenchDatabase } from "@/bench/lib/database";
import { startLocalInngestServer } from "@/inngest/local-server";
const db = await openAppBenchDatabase();
let handler: http.RequestListener = (_q, r) => r.writeHead(503).end();
const app = http.createServer((q, r) => handler(q, r));
await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
const server = await startLocalInngestServer({ databaseUrl: db.url, appUrls: [`http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`], port: 0, uiPort: null, schema: "drain", syncIntervalMs: 0, quiet: true, log: () => {} });
process.env.INNGEST_DEV = server.url;
const { inngest } = await import("@/inngest/client");
const { serve } = await import("inngest/node");
const { functions } = await import("@/inngest");
handler = serve({ client: inngest, functions }) as unknown as http.RequestListener;
await server.syncNow();
const { createGuestUser } = await import("@/db/queries/users");
const { importHistory, parseImport } = await import("@/lib/import");
const { sendTurnEvents } = await import("@/inngest/send");
const { getImportStatusById } = await import("@/db/queries/imports");
const { id: userId } = await createGuestUser();
const N = Number(process.env.N ?? 100);
const messages = [];
for (let i = 0; i < N; i++) { messages.push({ role: "user", text: `I like hobby number ${i} and my friend Sam${i} lives in Paris`, createdAt: new Date(Date.UTC(2022,0,1)+i*60000).toISOString() }, { role: "assistant", text: "Noted.", createdAt: new Date(Date.UTC(2022,0,1)+i*60000+5000).toISOString() }); }
const saved = await importHistory({ userId, parsed: parseImport({ format: "jarvus", conversations: [{ externalId: "x", messages }] }) });
const t0 = performance.now();
await sendTurnEvents(saved.turns.map((t) => ({ turnId: t.id, userId, conversationId: t.conversationId, source: "import" })));
for (;;) { const s = await getImportStatusById({ userId, id: saved.importId }); if (s!.status !== "processing") break; await new Promise(r=>setTimeout(r,250)); }
console.log(`drained ${N} in ${((performance.now()-t0)/1000).toFixed(1)} s = ${(N/((performance.now()-t0)/1000)).toFixed(2)} turns/s`);
await server.stop(); app.close(); const { closeDb } = await import("@/db/client"); await closeDb(); await db.close(); process.exit(0);
