import { openAppBenchDatabase } from "@/bench/lib/database";
const db = await openAppBenchDatabase();
const { createGuestUser } = await import("@/db/queries/users");
const { importHistory, parseImport } = await import("@/lib/import");
const { processTurnNow } = await import("@/lib/memory/pipeline");
const { createOfflineExtractor } = await import("@/lib/memory/extractors/offline");
const { id: userId } = await createGuestUser();
const N = Number(process.env.N ?? 400);
const messages = [];
for (let i = 0; i < N; i++) { messages.push({ role: "user", text: `I like hobby number ${i} and my friend Sam${i} lives in Paris`, createdAt: new Date(Date.UTC(2022,0,1)+i*60000).toISOString() }, { role: "assistant", text: "Noted.", createdAt: new Date(Date.UTC(2022,0,1)+i*60000+5000).toISOString() }); }
const saved = await importHistory({ userId, parsed: parseImport({ format: "jarvus", conversations: [{ externalId: "x", messages }] }) });
const ex = createOfflineExtractor();
let t = performance.now();
for (const [i, turn] of saved.turns.entries()) { await processTurnNow(turn.id, ex); if ((i+1) % 100 === 0) { console.log(`turns ${i-98}-${i+1}: ${((performance.now()-t)/100).toFixed(1)} ms/turn`); t = performance.now(); } }
const { closeDb } = await import("@/db/client"); await closeDb(); await db.close(); process.exit(0);
