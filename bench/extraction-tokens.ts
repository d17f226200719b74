/**
 * Extraction tokens bench: on the LLM path, the model's input per turn stays
 * bounded as a conversation grows, because an extraction prompt holds only
 * the new turn plus at most EXISTING_MEMORIES_FOR_EXTRACTION existing
 * memories of its type (lib/memory/pipeline.ts, prompts/turn.ts) — while the
 * user's stored memories grow linearly.
 *
 *   node --conditions=react-server --import tsx bench/extraction-tokens.ts
 *
 * (--conditions=react-server: lib/ imports "server-only", which throws outside
 * a React-server bundle.) Database: BENCH_DATABASE_URL (a database of its own
 * is created and dropped there), else in-memory embedded Postgres in a child
 * process. See bench/README.md.
 *
 * One user, one conversation of BENCH_TOKENS_TURNS (300) turns sampled from
 * tests/fixtures/extraction/utterances.json. Each turn is saved with the app's
 * saveTurn, loaded with loadTurn, and for each type run through the pipeline's
 * own extractType (which picks the existing memories sent) and storeType
 * (consolidation), with the real LLM extractor
 * (createLlmExtractor(createOpenAI({ baseURL }).chat(…))) talking to the
 * project's OpenAI-compatible test server (tests/helpers/openai-test-server.ts),
 * which answers valid structured JSON that grows the store every turn:
 * 1–2 new semantic facts (a home_city change every 10th turn), a new
 * procedural instruction every 3rd turn, one episode per turn.
 *
 * Input size per request, from the bodies the server recorded:
 *   - content tokens ≈ Σ message content characters / 4 (system + user prompt);
 *   - usage.prompt_tokens as the server returns it (JSON of the messages / 4),
 *     which the pipeline records as memory_jobs.input_tokens (checked equal);
 *   - the JSON schema sent as response_format, constant per type, reported apart.
 * Prints one `BENCH {json}` line and a table.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openAppBenchDatabase } from "./lib/database";
import { rng, round, table } from "./lib/stats";
import { createUserWithConversation, saveChatTurn, turnSampler } from "./lib/turns";

const TURNS = Math.max(10, Math.floor(Number(process.env.BENCH_TOKENS_TURNS ?? 300)));
const CHECKPOINTS = [1, 10, 50, 100, 200, 300].filter((n) => n <= TURNS);
const TYPES = ["episodic", "semantic", "procedural"] as const;
type Type = (typeof TYPES)[number];
const SCHEMA_NAMES: Record<string, Type> = {
  episodic_memory: "episodic",
  semantic_memories: "semantic",
  procedural_memories: "procedural",
};

const SYLLABLES = ["ka", "lo", "mi", "ra", "te", "nu", "sa", "vi", "do", "pe", "zu", "ha", "ri", "go", "be", "fa", "ju", "wo", "ne", "xi", "ta", "mo", "le", "ku", "si"];
const PLACES = ["Porto", "Kyoto", "Oslo", "Lagos", "Quito", "Hanoi", "Tunis", "Perth", "Cusco", "Riga", "Graz", "Bergen", "Cork"];
const THINGS = ["sourdough baking", "bouldering", "jazz piano", "birdwatching", "chess openings", "trail running", "pottery", "sailing", "film photography", "Korean dramas", "sci-fi novels", "salsa dancing", "woodworking"];
const CITIES = ["Lisbon", "Berlin", "Madrid", "Vienna", "Prague", "Dublin", "Milan", "Warsaw", "Athens", "Zurich"];

/** A distinct made-up name per k (< 15 625), so no two facts are near-duplicates and each one is stored. */
function nameOf(k: number): string {
  const s = SYLLABLES[k % 25]! + SYLLABLES[Math.floor(k / 25) % 25]! + SYLLABLES[(k * 7) % 25]!;
  return s[0]!.toUpperCase() + s.slice(1);
}

function factFor(turn: number, i: number) {
  const k = turn * 2 + i;
  const name = nameOf(k);
  return k % 2 === 0
    ? { key: null, category: "family", content: `User's cousin ${name} lives in ${PLACES[k % PLACES.length]}`, value: name, date: null, importance: 0.6 }
    : { key: null, category: "like", content: `User met ${name} through ${THINGS[(k * 5) % THINGS.length]}`, value: name, date: null, importance: 0.5 };
}

function answerFor(type: Type, turn: number, userMessage: string) {
  if (type === "semantic") {
    const facts: unknown[] = [factFor(turn, 0)];
    if (turn % 2 === 0) facts.push(factFor(turn, 1));
    if (turn % 10 === 0) {
      const city = CITIES[(turn / 10) % CITIES.length]!;
      facts.push({ key: "home_city", category: "location", content: `User lives in ${city}`, value: city, date: null, importance: 0.85 });
    }
    return { facts };
  }
  if (type === "procedural") {
    const memories: unknown[] = [];
    if (turn % 3 === 0) {
      const thing = THINGS[turn % THINGS.length]!;
      const place = PLACES[Math.floor(turn / 3) % PLACES.length]!;
      memories.push({
        key: `rule_${turn}`,
        kind: "instruction",
        action: "set",
        content: `When the user asks about ${thing} near ${place}, suggest a beginner-friendly option first (rule ${turn})`,
        value: null,
        importance: 0.7,
      });
    }
    return { memories };
  }
  return {
    episode: {
      content: `On 2026-11-23 (turn ${turn}) the user said: "${userMessage.slice(0, 120)}"; the assistant acknowledged it.`,
      tools: [],
      topics: ["chat", `turn-${turn}`],
      importance: 0.4,
    },
  };
}

interface Recorded {
  turn: number;
  type: Type;
  contentChars: number;
  systemChars: number;
  existingShown: number;
  existingChars: number;
  turnChars: number;
  schemaChars: number;
  promptTokens: number;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === "string" ? p.text : "")).join("");
  return "";
}

async function main() {
  const started = performance.now();
  const db = await openAppBenchDatabase();
  const probe = new pg.Pool({ connectionString: db.url, max: 1 });
  probe.on("error", () => {}); // an idle connection cut at teardown must not crash the bench

  const { startOpenAITestServer, reply } = await import("@/tests/helpers/openai-test-server");
  const { createOpenAI } = await import("@ai-sdk/openai");
  const { createLlmExtractor } = await import("@/lib/memory/extractors/llm");
  const { isPromptLike } = await import("@/lib/memory/extractors/offline/sentences");
  const { extractType, loadTurn, storeType, EXISTING_MEMORIES_FOR_EXTRACTION } = await import("@/lib/memory/pipeline");
  const { PROMPT_LIMITS } = await import("@/lib/memory/prompts/turn");
  const { closeDb } = await import("@/db/client");

  let currentTurn = 0;
  const recorded: Recorded[] = [];
  const server = await startOpenAITestServer({
    respond: (request) => {
      const format = request.response_format as { type?: string; json_schema?: { name?: string; schema?: unknown } } | undefined;
      const type = SCHEMA_NAMES[format?.json_schema?.name ?? ""];
      if (format?.type !== "json_schema" || !type) throw new Error(`unexpected request: ${JSON.stringify(format)?.slice(0, 200)}`);
      const system = request.messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => textOf(m.content)).join("");
      const user = request.messages.filter((m) => m.role === "user").map((m) => textOf(m.content)).join("");
      const existingBlock = /<existing>\n([\s\S]*?)\n<\/existing>/.exec(user)?.[1] ?? "[]";
      const turnBlock = /<turn>[\s\S]*?<\/turn>/.exec(user)?.[0] ?? "";
      recorded.push({
        turn: currentTurn,
        type,
        contentChars: request.messages.reduce((n, m) => n + textOf(m.content).length, 0),
        systemChars: system.length,
        existingShown: (JSON.parse(existingBlock) as unknown[]).length,
        existingChars: existingBlock.length,
        turnChars: turnBlock.length,
        schemaChars: JSON.stringify(format.json_schema?.schema ?? {}).length,
        // Exactly how the test server computes usage.prompt_tokens.
        promptTokens: Math.ceil(JSON.stringify(request.messages ?? []).length / 4),
      });
      const userMessage = /"userMessage": ("(?:[^"\\]|\\.)*")/.exec(turnBlock)?.[1];
      return reply.json(answerFor(type, currentTurn, userMessage ? (JSON.parse(userMessage) as string) : ""));
    },
  });
  const extractor = createLlmExtractor(createOpenAI({ baseURL: server.baseURL, apiKey: "bench" }).chat("bench-model"), {
    maxRetries: 0,
  });

  // Prompt-like messages are dropped by the extractor before any request; leave them out so
  // every turn makes exactly one request per type.
  const nextTurn = turnSampler(rng(7), (c) => !isPromptLike(c.user));
  const user = await createUserWithConversation("tokens");
  const active: Array<Record<Type, number> & { turn: number }> = [];
  const jobTokens = new Map<string, number>(); // `${turn}:${type}` → memory_jobs.input_tokens
  const extractMs: number[] = [];

  for (let turn = 1; turn <= TURNS; turn++) {
    currentTurn = turn;
    const saved = await saveChatTurn(user, nextTurn());
    const loaded = await loadTurn(saved.turnId);
    if (!loaded) throw new Error(`turn ${saved.turnId} vanished`);
    for (const type of TYPES) {
      const t0 = performance.now();
      const extraction = await extractType(type, loaded, extractor);
      extractMs.push(performance.now() - t0);
      await storeType(type, loaded, extraction);
    }
    const jobs = await probe.query<{ type: Type; input_tokens: number | null }>(
      "select type, input_tokens from memory_jobs where turn_id = $1",
      [saved.turnId],
    );
    for (const j of jobs.rows) jobTokens.set(`${turn}:${j.type}`, j.input_tokens ?? -1);
    if (CHECKPOINTS.includes(turn)) {
      const { rows } = await probe.query<{ type: Type; n: number }>(
        `select type, count(*)::int as n from memories
         where user_id = $1 and invalidated_at is null and deleted_at is null group by type`,
        [user.userId],
      );
      const counts = { episodic: 0, semantic: 0, procedural: 0 };
      for (const r of rows) counts[r.type] = r.n;
      active.push({ turn, ...counts });
    }
  }

  // --- report ---
  const at = (turn: number, type: Type) => recorded.find((r) => r.turn === turn && r.type === type)!;
  const contentTokens = (r: Recorded) => Math.ceil(r.contentChars / 4);
  const statsOf = (type: Type) => {
    const rows = recorded.filter((r) => r.type === type);
    const tokens = rows.map(contentTokens);
    const usage = rows.map((r) => r.promptTokens);
    const third = Math.floor(tokens.length / 3);
    const middleMean = mean(tokens.slice(third, 2 * third));
    const lastMean = mean(tokens.slice(2 * third));
    const existing = rows.map((r) => r.existingShown);
    // Once the store holds EXISTING_MEMORIES_FOR_EXTRACTION of the type, the input stops growing.
    const plateauFrom = rows.find((r) => r.existingShown >= EXISTING_MEMORIES_FOR_EXTRACTION)?.turn ?? null;
    const afterPlateau = plateauFrom === null ? [] : rows.filter((r) => r.turn >= plateauFrom).map(contentTokens);
    return {
      requests: rows.length,
      content_tokens_at: Object.fromEntries(CHECKPOINTS.map((n) => [n, contentTokens(at(n, type))])),
      usage_prompt_tokens_at: Object.fromEntries(CHECKPOINTS.map((n) => [n, at(n, type).promptTokens])),
      existing_shown_at: Object.fromEntries(CHECKPOINTS.map((n) => [n, at(n, type).existingShown])),
      content_tokens_max: Math.max(...tokens),
      usage_prompt_tokens_max: Math.max(...usage),
      mean_middle_third: round(middleMean, 0),
      mean_last_third: round(lastMean, 0),
      growth_last_vs_middle_third: round(lastMean / middleMean, 3),
      existing_shown_max: Math.max(...existing),
      plateau_from_turn: plateauFrom,
      after_plateau_min: afterPlateau.length ? Math.min(...afterPlateau) : null,
      after_plateau_max: afterPlateau.length ? Math.max(...afterPlateau) : null,
      system_tokens: Math.ceil(rows[0]!.systemChars / 4),
      schema_tokens_not_counted: Math.ceil(rows[0]!.schemaChars / 4),
    };
  };
  const perType = { episodic: statsOf("episodic"), semantic: statsOf("semantic"), procedural: statsOf("procedural") };

  const mismatches = recorded.filter((r) => jobTokens.get(`${r.turn}:${r.type}`) !== r.promptTokens).length;
  const last = active.at(-1)!;
  const first = active[0]!;
  const bounded = TYPES.every(
    // Structural bound, and no drift: the last third of the conversation costs what the middle third did (±10 %).
    (t) => perType[t].existing_shown_max <= EXISTING_MEMORIES_FOR_EXTRACTION && perType[t].growth_last_vs_middle_third < 1.1,
  );
  const totalActive = (r: (typeof active)[number]) => r.episodic + r.semantic + r.procedural;
  const report = {
    bench: "extraction-tokens",
    database: db.kind,
    turns: TURNS,
    requests: recorded.length,
    requests_expected: TURNS * TYPES.length,
    token_estimate: "content tokens = ceil(Σ message content chars / 4); usage = server's prompt_tokens = ceil(JSON(messages).length / 4)",
    existing_memories_for_extraction: EXISTING_MEMORIES_FOR_EXTRACTION,
    prompt_limits: PROMPT_LIMITS,
    per_type: perType,
    active_memories_at: active,
    memory_jobs_input_tokens_match_usage: mismatches === 0,
    memory_jobs_input_tokens_mismatches: mismatches,
    // extractType wall time (existing-memory query + model call), first vs last 10 turns.
    extract_type_ms_mean: { first_10_turns: round(mean(extractMs.slice(0, 30)), 1), last_10_turns: round(mean(extractMs.slice(-30)), 1) },
    bounded,
    wall_s: 0,
  };

  report.wall_s = round((performance.now() - started) / 1000, 1);

  console.log(`BENCH ${JSON.stringify(report)}`);
  console.log();
  console.log(`extraction input tokens per turn — LLM extractor, ${TURNS}-turn conversation, one user, ${db.kind}`);
  console.log("(content tokens ≈ Σ message content chars / 4; in brackets: existing memories shown in the prompt)");
  console.log(
    table([
      ["turn", ...TYPES, "active memories (e/s/p)", "total active"],
      ...active.map((a) => [
        a.turn,
        ...TYPES.map((t) => `${contentTokens(at(a.turn, t))} [${at(a.turn, t).existingShown}]`),
        `${a.episodic}/${a.semantic}/${a.procedural}`,
        totalActive(a),
      ]),
      ["max", ...TYPES.map((t) => `${perType[t].content_tokens_max} [${perType[t].existing_shown_max}]`), "", ""],
      ["usage.prompt_tokens max", ...TYPES.map((t) => perType[t].usage_prompt_tokens_max), "", ""],
      ["plateau from turn", ...TYPES.map((t) => String(perType[t].plateau_from_turn ?? "—")), "", ""],
      ["range after plateau", ...TYPES.map((t) => `${perType[t].after_plateau_min}–${perType[t].after_plateau_max}`), "", ""],
      ["mean, middle → last third of turns", ...TYPES.map((t) => `${perType[t].mean_middle_third} → ${perType[t].mean_last_third}`), "", ""],
    ]),
  );
  console.log();
  console.log(
    `active memories ${totalActive(first)} → ${totalActive(last)} (×${round(totalActive(last) / Math.max(1, totalActive(first)), 0)}); ` +
      `max input tokens per request: ${TYPES.map((t) => `${t} ${perType[t].content_tokens_max}`).join(", ")} — ` +
      `${bounded ? "bounded (plateaus)" : "NOT bounded"}; memory_jobs.input_tokens = usage.prompt_tokens: ${mismatches === 0 ? "yes" : `no (${mismatches} differ)`}.`,
  );

  // Teardown after the report, so a problem here cannot cost the figures.
  await server.close();
  await closeDb();
  await probe.end();
  await db.close();
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench failed:", error);
    process.exit(1);
  },
);
