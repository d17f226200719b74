/**
 * npm run eval:recall [-- --locomo <file>] [--users a,b] [--budget <tokens>] [--details]
 *
 * Prints one `BENCH {json}` line (without per-question results) and tables.
 * Database as for the benches: BENCH_DATABASE_URL, else embedded Postgres.
 */
import { parseArgs } from "node:util";
import { openAppBenchDatabase } from "@/bench/lib/database";
import { round, table } from "@/bench/lib/stats";
import { loadLocomo, loadSynthetic } from "./dataset";
import { evaluateRecall, type CategoryResult, type RecallEvaluation } from "./evaluate";

const { values } = parseArgs({
  options: {
    locomo: { type: "string" },
    users: { type: "string" },
    budget: { type: "string" },
    details: { type: "boolean" },
  },
});

const pct = (x: number) => (Number.isFinite(x) ? `${round(x * 100)} %` : "—");

function row(name: string, r: CategoryResult): (string | number)[] {
  return [name, r.n, pct(r.jarvus.at5), pct(r.jarvus.at10), pct(r.jarvus.full), pct(r.bm25.at5), pct(r.bm25.at10), pct(r.bm25.full)];
}

function print(e: RecallEvaluation) {
  const { results, ...summary } = e;
  console.log(`BENCH ${JSON.stringify({ bench: "recall", ...summary })}`);
  console.log(`\n${e.dataset}: ${e.users} user(s), ${e.turns} turns, ${e.questions} questions, budget ${e.budget} tokens, ${e.extractor} extractor`);
  console.log(
    table([
      ["category", "n", "Jarvus@5", "Jarvus@10", "Jarvus ctx", "BM25@5", "BM25@10", "BM25 same tokens"],
      ...Object.entries(e.byCategory).map(([c, r]) => row(c, r)),
      row("all (with evidence)", e.overall),
    ]),
  );
  console.log(
    `\ncontext tokens mean ${round(e.contextTokens.mean)} / p95 ${e.contextTokens.p95} / max ${e.contextTokens.max}; ` +
      `store ÷ transcript ${round(e.storeRatio, 2)}; ingest ${round(e.ingest.turnsPerSecond)} turns/s (${round(e.ingest.seconds)} s)`,
  );
  console.log(
    `abstention: ${pct(e.abstention.clean)} of ${e.abstention.n} returned nothing scoring ≥ ${e.abstention.threshold}; ` +
      `knowledge updates answered only by the old value: ${pct(e.knowledgeUpdate.stale)} of ${e.knowledgeUpdate.n}`,
  );
  if (values.details) {
    console.log(
      `\n${table([
        ["question", "category", "Jarvus ctx", "BM25@10", "tokens"],
        ...results.map((r) => [`${r.user}/${r.id} ${r.question.slice(0, 60)}`, r.category, r.jarvus.context ? "hit" : "miss", r.bm25.at10 ? "hit" : "miss", r.contextTokens]),
      ])}`,
    );
  }
}

const db = await openAppBenchDatabase();
try {
  const dataset = values.locomo ? loadLocomo(values.locomo) : loadSynthetic(values.users?.split(","));
  print(
    await evaluateRecall(dataset, {
      budget: values.budget ? Number(values.budget) : undefined,
      log: (line) => console.error(`[eval] ${line}`),
    }),
  );
} finally {
  const { closeDb } = await import("@/db/client");
  await closeDb();
  await db.close();
}
