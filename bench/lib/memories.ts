/**
 * One user's realistic memory store, seeded fast with generate_series (shared
 * by bench/search.ts and bench/chat-ttfb.ts). Plain SQL through any executor
 * (a pg Pool or Client): nothing here imports the app's server-only modules.
 */

/** Runs one statement: `(text, params) => pool.query(text, params)`. */
export type SqlExec = (text: string, params?: unknown[]) => Promise<unknown>;

// Vocabulary of the generated memories (and of the queries, so they match something).
export const THINGS = (
  "jazz chess sourdough kayaking novels gardening tea cycling sketching pottery climbing opera sushi ramen " +
  "football tennis yoga running swimming photography astronomy knitting woodwork baking espresso wine whisky " +
  "podcasts anime poetry history philosophy economics statistics python rust golang typescript kubernetes " +
  "linux guitar piano violin drums salsa tango painting origami birdwatching fishing camping hiking skiing " +
  "surfing sailing diving marathons triathlons crosswords sudoku puzzles lego robotics drones rockets " +
  "vinyl cinema theatre ballet museums architecture interior design fashion sneakers watches cars motorcycles"
).split(" ");
export const PLACES = (
  "Lisbon Porto Madrid Barcelona Paris Lyon Berlin Munich Vienna Prague Warsaw Oslo Stockholm Helsinki Tallinn " +
  "Dublin Cork London Edinburgh Amsterdam Brussels Zurich Milan Rome Naples Athens Istanbul Cairo Nairobi " +
  "Lagos Cape Town Dubai Mumbai Delhi Bangkok Hanoi Singapore Jakarta Manila Tokyo Kyoto Osaka Seoul Beijing " +
  "Shanghai Sydney Melbourne Hobart Auckland Vancouver Toronto Montreal Boston Denver Austin Chicago Seattle " +
  "Quito Lima Santiago Bogota Havana"
).split(" ");
const VERBS = ["likes", "enjoys", "is learning", "wants to try", "stopped doing", "reads about", "teaches", "collects books on", "dislikes", "is curious about"];
const ASKED = ["asked about", "planned", "compared prices for", "wanted tips on", "complained about", "shared photos of", "booked lessons in", "looked up"];
const DONE = ["listed options", "checked the time there (getCurrentTime)", "computed a budget (calculate)", "suggested a schedule", "summarised reviews", "wrote a packing list"];

function sqlArray(values: string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

/**
 * Rows from..to (1-based) of the user's store: ~43% semantic facts, ~57%
 * episodes, ~4% of them inactive (invalidated or deleted).
 */
export async function seedMemories(exec: SqlExec, userId: string, from: number, to: number): Promise<void> {
  const things = sqlArray(THINGS);
  const places = sqlArray(PLACES);
  const verbs = sqlArray(VERBS);
  const asked = sqlArray(ASKED);
  const done = sqlArray(DONE);
  // Batches keep one statement's memory bounded in the embedded (WebAssembly) server.
  for (let start = from; start <= to; start += 10_000) {
    const end = Math.min(to, start + 9_999);
    await exec(`
      insert into memories (user_id, type, key, content, normalized, data, importance, valid_from,
                            created_at, updated_at, invalidated_at, deleted_at)
      select '${userId}', r.type, null, r.content, lower(r.content), r.data, r.importance, r.at, r.at, r.at,
             case when g % 41 = 0 then r.at + interval '1 day' end,
             case when g % 53 = 0 then r.at + interval '2 days' end
      from generate_series(${start}, ${end}) g
      cross join lateral (
        select ${things} as t, ${places} as p, ${verbs} as v, ${asked} as a, ${done} as d,
               now() - ((g * 7919) % 1000) * interval '1 day' - (g % 1440) * interval '1 minute' as at
      ) w
      cross join lateral (
        select
          case when g % 7 in (0, 3, 5) then 'semantic' else 'episodic' end as type,
          case when g % 7 in (0, 3, 5)
            then format('User %s %s %s, especially in %s',
                        w.v[1 + g % ${VERBS.length}], w.t[1 + (g * 13) % ${THINGS.length}],
                        w.t[1 + (g * 31) % ${THINGS.length}], w.p[1 + (g * 17) % ${PLACES.length}])
            else format('%s: user %s %s in %s; the assistant %s and mentioned %s.',
                        to_char(w.at, 'YYYY-MM-DD'), w.a[1 + g % ${ASKED.length}],
                        w.t[1 + (g * 11) % ${THINGS.length}], w.p[1 + (g * 29) % ${PLACES.length}],
                        w.d[1 + (g * 3) % ${DONE.length}], w.t[1 + (g * 37) % ${THINGS.length}])
          end as content,
          case when g % 7 in (0, 3, 5)
            then jsonb_build_object('category', case when g % 10 = 9 then 'dislike' else 'like' end,
                                    'value', w.t[1 + (g * 13) % ${THINGS.length}], 'date', null)
            else jsonb_build_object('tools', '[]'::jsonb, 'topics', jsonb_build_array(w.t[1 + (g * 11) % ${THINGS.length}]))
          end as data,
          0.2 + (g % 8) / 10.0 as importance,
          w.at
      ) r`);
  }
}

type Row = [type: string, key: string | null, content: string, data: Record<string, unknown>, importance: number];

async function insertRows(exec: SqlExec, userId: string, rows: Row[], inactive = false): Promise<void> {
  for (const [type, key, content, data, importance] of rows) {
    // Active rows start now (column default); superseded ones held for 20 days, a while ago.
    await exec(
      inactive
        ? `insert into memories (user_id, type, key, content, normalized, data, importance, valid_from, invalidated_at)
           values ($1, $2, $3, $4, $5, $6::jsonb, $7, now() - interval '30 days', now() - interval '10 days')`
        : `insert into memories (user_id, type, key, content, normalized, data, importance)
           values ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [userId, type, key, content, content.toLowerCase(), JSON.stringify(data), importance],
    );
  }
}

/** The profile and instructions every real store has (8 rows; the name is "Zed"). */
export const PROFILE_NAME = "Zed";
export const PROFILE_ROWS = 8;
export async function seedProfile(exec: SqlExec, userId: string): Promise<void> {
  await insertRows(exec, userId, [
    ["semantic", "name", `User's name is ${PROFILE_NAME}`, { category: "identity", value: PROFILE_NAME }, 0.9],
    ["semantic", "home_city", "User lives in Lisbon", { category: "location", value: "Lisbon" }, 0.8],
    ["semantic", "employer", "User works at Acme Robotics", { category: "work", value: "Acme Robotics" }, 0.7],
    ["semantic", "diet", "User is vegetarian", { category: "diet", value: "vegetarian" }, 0.8],
    ["semantic", null, "User is allergic to peanuts", { category: "allergy", value: "peanuts" }, 0.9],
    ["procedural", "address_as", "Address the user as Captain", { kind: "instruction", value: "Captain" }, 0.8],
    ["procedural", "response_format", "Answer in bullet points", { kind: "instruction", value: "bullet points" }, 0.7],
    ["procedural", "length", "Keep answers under 100 words", { kind: "instruction", value: "short" }, 0.6],
  ]);
}

/**
 * More procedural memories: standing instructions and tool workflows, plus
 * the superseded versions they replaced (8 rows, 6 active).
 */
export const MORE_PROCEDURAL_ROWS = 8;
export async function seedMoreProcedural(exec: SqlExec, userId: string): Promise<void> {
  await insertRows(exec, userId, [
    ["procedural", "units", "Use metric units", { kind: "instruction", value: "metric" }, 0.6],
    ["procedural", "emoji", "Do not use emoji", { kind: "instruction", value: "no emoji" }, 0.4],
    ["procedural", "tone", "Keep a friendly, informal tone", { kind: "instruction", value: "informal" }, 0.5],
    ["procedural", "language", "Reply in English", { kind: "instruction", value: "English" }, 0.5],
    ["procedural", "tool:calculate:arithmetic", "For arithmetic, use the calculate tool and show the expression", { kind: "workflow", value: null }, 0.5],
    ["procedural", "tool:getCurrentTime:time in a city", "When asked the time in a city, call getCurrentTime with that city's time zone", { kind: "workflow", value: null }, 0.5],
  ]);
  await insertRows(
    exec,
    userId,
    [
      ["procedural", "address_as", "Address the user as Boss", { kind: "instruction", value: "Boss" }, 0.8],
      ["procedural", "units", "Use imperial units", { kind: "instruction", value: "imperial" }, 0.6],
    ],
    true,
  );
}
