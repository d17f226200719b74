import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/queries/memories";
import type { MemoryType } from "@/db/schema";

/**
 * Candidate queries for retrieval. Each is bounded (LIMIT, or a per-type
 * row_number cut over a LIMITed scan) and starts from an index: the user's
 * (user_id, type, valid_from) or (user_id, key) b-tree, the GIN index on the
 * generated `search` tsvector, or the GIN trigram index on `content`. They
 * run before every chat reply, so they avoid per-row functions in WHERE that
 * would defeat those indexes: fuzzy matching uses the `%>` operator
 * (indexable) rather than `word_similarity(...) >= x` (a scan), with its
 * threshold set for the transaction by getTrigramCandidates().
 */

export type CandidateRow = {
  id: string;
  type: MemoryType;
  key: string | null;
  content: string;
  data: Record<string, unknown>;
  importance: number;
  validFrom: Date;
  sourceConversationId: string | null;
  sourceTurnId: string | null;
  /** The list's own score (ts_rank, word similarity, cosine similarity); 0 where there is none. */
  score: number;
};

/**
 * Active: not superseded, not invalidated, not deleted. Superseding always
 * sets invalidated_at too; superseded_by is checked as well so that no path
 * can put an old value back in the prompt.
 */
export const ACTIVE: SQL = sql.raw(
  "m.invalidated_at is null and m.deleted_at is null and m.superseded_by is null",
);

// valid_from as epoch milliseconds: drizzle's pg session hands timestamps to raw queries as strings.
export const MEMORY_COLUMNS: SQL = sql.raw(
  `m.id, m.type, m.key, m.content, m.data, m.importance, extract(epoch from m.valid_from) * 1000 as "validFromMs", ` +
    `m.source_conversation_id as "sourceConversationId", m.source_turn_id as "sourceTurnId"`,
);

type RawCandidateRow = Omit<CandidateRow, "validFrom"> & { validFromMs: number | string };

/** Rows selected with MEMORY_COLUMNS and a score, as CandidateRows. */
export function toCandidateRows(rows: RawCandidateRow[]): CandidateRow[] {
  return rows.map(({ validFromMs, ...row }) => ({
    ...row,
    importance: Number(row.importance),
    score: Number(row.score),
    validFrom: new Date(Number(validFromMs)),
  }));
}

/**
 * Below this pg_trgm word similarity a query word is not a fuzzy match of a
 * memory ("alergic" ~ "allergic" scores 0.7, "peanutz" ~ "peanuts" 0.75).
 * Same value as the memories page search (db/queries/memories.ts).
 */
export const FUZZY_THRESHOLD = 0.5;

/**
 * All active procedural memories: instructions before workflows, then by
 * importance and recency. The limit only guards against a runaway store;
 * procedural memories are keyed and supersede each other, so there are few.
 */
export async function getActiveProceduralMemories(
  db: DbOrTx,
  { userId, limit }: { userId: string; limit: number },
): Promise<CandidateRow[]> {
  const { rows } = await db.execute<RawCandidateRow>(sql`
    select ${MEMORY_COLUMNS}, 0::real as score
    from memories m
    where m.user_id = ${userId} and m.type = 'procedural' and ${ACTIVE}
    order by case when m.data->>'kind' = 'workflow' then 1 else 0 end, m.importance desc, m.valid_from desc, m.id
    limit ${limit}`);
  return toCandidateRows(rows);
}

/** Terms that find allergy facts whatever their wording ("allergic to", "has a peanut allergy"). */
const ALLERGY_TSQUERY = "allerg:* | intoleran:*";

/**
 * The user's core profile: active facts with one of the single-valued keys
 * (name, home city, employer, diet, age, birthday, …) and every allergy.
 * Keys go through the (user_id, key) index; allergies through the full-text
 * GIN index (allergy facts are keyless, and `data` has no index).
 */
export async function getCoreProfileFacts(
  db: DbOrTx,
  { userId, keys, limit }: { userId: string; keys: readonly string[]; limit: number },
): Promise<CandidateRow[]> {
  const { rows } = await db.execute<RawCandidateRow>(sql`
    select ${MEMORY_COLUMNS}, 0::real as score
    from memories m
    where m.user_id = ${userId} and m.type = 'semantic' and ${ACTIVE}
      and (m.key = any(${sql.param([...keys])}::text[])
           or (m.search @@ to_tsquery('simple', ${ALLERGY_TSQUERY}) and m.data->>'category' = 'allergy'))
    order by m.importance desc, m.valid_from desc, m.id
    limit ${limit}`);
  return toCandidateRows(rows);
}

/**
 * At most this many full-text matches are ranked. Postgres has no index that
 * orders by ts_rank, so every match is read and ranked; a word found in a
 * large share of a big store (the bench's most common words match ~3% of
 * 100k memories) would otherwise cost one rank per match. Rarely reached;
 * when it is, the matches left out are the last in heap order (usually the
 * newest).
 */
export const FULLTEXT_SCAN_LIMIT = 5000;

/**
 * Full-text matches per type (semantic, episodic), best first by ts_rank
 * (normalisation 1: divided by 1 + log(length), so a short fact that names
 * the thing beats a long episode that mentions it in passing). Also says, for
 * each of `wordTerms`, whether any of the user's memories matched it, so
 * fuzzy matching can be kept to the words text search did not find.
 */
export async function getFullTextCandidates(
  db: DbOrTx,
  {
    userId,
    tsquery,
    wordTerms = [],
    perType,
  }: { userId: string; tsquery: string; wordTerms?: readonly string[]; perType: number },
): Promise<{ rows: CandidateRow[]; wordMatched: boolean[] }> {
  // Evaluated only over the rows the index found, in the same pass.
  const hits =
    wordTerms.length > 0
      ? sql`array[${sql.join(
          wordTerms.map((t) => sql`bool_or(m.search @@ to_tsquery('simple', ${t})) over ()`),
          sql`, `,
        )}]`
      : sql`array[]::boolean[]`;
  const { rows } = await db.execute<RawCandidateRow & { hits: boolean[] }>(sql`
    select * from (
      select ${MEMORY_COLUMNS}, ts_rank(m.search, m.q, 1) as score, ${hits} as hits,
             row_number() over (
               partition by m.type order by ts_rank(m.search, m.q, 1) desc, m.importance desc, m.valid_from desc, m.id
             ) as rn
      from (
        select m.*, q from memories m, to_tsquery('simple', ${tsquery}) q
        where m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE} and m.search @@ q
        limit ${FULLTEXT_SCAN_LIMIT}
      ) m
    ) ranked
    where rn <= ${perType}
    order by type, rn`);
  const first = rows[0]?.hits ?? [];
  return {
    rows: toCandidateRows(rows.map(({ hits: _hits, ...row }) => row)),
    wordMatched: wordTerms.map((_, i) => first[i] === true),
  };
}

/**
 * How many fuzzy candidates are scored at most. pg_trgm must recompute
 * word_similarity for every row the trigram index proposes; a typo of a
 * common word proposes every memory that has the word, so the scan stops
 * after this many (those rows all score alike anyway).
 */
export const TRIGRAM_SCAN_LIMIT = 150;

/**
 * Fuzzy matches per type: memories whose content has an extent similar to
 * one of the words (typos: "alergic", "Lisbn"), best first by the best
 * word's similarity.
 *
 * The planner costs pg_trgm's similarity operator like a cheap comparison and
 * so prefers reading the user's rows (seq scan, or any b-tree that matches
 * user_id, type or superseded_by) and computing word_similarity on each:
 * ~10–20 µs a row, seconds at 100k memories. So the trigram test stands alone
 * in a subquery fenced with OFFSET 0 (Postgres pushes no condition into it),
 * with sequential scans off for this statement: the GIN trigram index is the
 * only way in, and only its candidates are checked. The user and state
 * filters apply to what it yields, and LIMIT stops the scan early.
 *
 * The fuzzy threshold and the planner setting are set in one statement and
 * last until the end of the caller's transaction (not turned back: a round
 * trip less before every reply), so this must be its last query.
 */
export async function getTrigramCandidates(
  db: DbOrTx,
  { userId, words, perType }: { userId: string; words: readonly string[]; perType: number },
): Promise<CandidateRow[]> {
  if (words.length === 0) return [];
  // `content %> word` is `word <% content` (word similarity), in the form the GIN opclass indexes.
  const matches = sql.join(
    words.map((w) => sql`m.content %> ${w}`),
    sql` or `,
  );
  const similarity = sql.join(
    words.map((w) => sql`word_similarity(${w}, m.content)`),
    sql`, `,
  );
  await db.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true),
                              set_config('enable_seqscan', 'off', true)`);
  const { rows } = await db.execute<RawCandidateRow>(sql`
      select * from (
        select ${MEMORY_COLUMNS}, s.score,
               row_number() over (
                 partition by m.type order by s.score desc, m.importance desc, m.valid_from desc, m.id
               ) as rn
        from (
          select m.* from (
            select m.id, m.user_id, m.type, m.key, m.content, m.data, m.importance, m.valid_from,
                   m.invalidated_at, m.deleted_at, m.superseded_by, m.source_conversation_id, m.source_turn_id
            from memories m
            where ${matches}
            offset 0
          ) m
          where m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE}
          limit ${TRIGRAM_SCAN_LIMIT}
        ) m
        cross join lateral (select greatest(${similarity}) as score) s
      ) ranked
      where rn <= ${perType}
      order by type, rn`);
  return toCandidateRows(rows);
}

/** The newest active episodes, newest first. */
export async function getRecentEpisodes(
  db: DbOrTx,
  { userId, limit }: { userId: string; limit: number },
): Promise<CandidateRow[]> {
  const { rows } = await db.execute<RawCandidateRow>(sql`
    select ${MEMORY_COLUMNS}, 0::real as score
    from memories m
    where m.user_id = ${userId} and m.type = 'episodic' and ${ACTIVE}
    order by m.valid_from desc, m.id desc
    limit ${limit}`);
  return toCandidateRows(rows);
}

/**
 * At most this many full-text matches go to BM25 (lexical.ts). Postgres
 * cannot order by BM25, so the matches are pre-ranked by ts_rank (term
 * frequency, no rarity) and cut here: rarely reached, and when it is, only
 * the weakest matches of very common words are left out.
 */
export const LEXICAL_SCAN_LIMIT = 400;

/**
 * Facts and episodes holding any of the query's words (the OR-ed prefix
 * tsquery), through the GIN index on `search`, best by ts_rank first; each
 * with its topics, which the index covers too.
 */
export async function getLexicalCandidates(
  db: DbOrTx,
  { userId, tsquery, limit = LEXICAL_SCAN_LIMIT }: { userId: string; tsquery: string; limit?: number },
): Promise<Array<CandidateRow & { topics: string }>> {
  const { rows } = await db.execute<RawCandidateRow & { topics: string | null }>(sql`
    select ${MEMORY_COLUMNS}, coalesce(m.data->>'topics', '') as topics, ts_rank(m.search, q, 1) as score
    from memories m, to_tsquery('simple', ${tsquery}) q
    where m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE} and m.search @@ q
    order by ts_rank(m.search, q, 1) desc, m.valid_from desc, m.id
    limit ${limit}`);
  return toCandidateRows(rows).map((r, i) => ({ ...r, topics: rows[i]!.topics ?? "" }));
}

/** Facts and episodes said within [from, to), newest first: the period a question names. */
export async function getMemoriesInPeriod(
  db: DbOrTx,
  { userId, from, to, limit }: { userId: string; from: Date; to: Date; limit: number },
): Promise<CandidateRow[]> {
  const { rows } = await db.execute<RawCandidateRow>(sql`
    select ${MEMORY_COLUMNS}, 0::real as score
    from memories m
    where m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE}
      and m.valid_from >= ${from.toISOString()} and m.valid_from < ${to.toISOString()}
    order by m.valid_from desc, m.id
    limit ${limit}`);
  return toCandidateRows(rows);
}

/**
 * How many facts and episodes the user has, for BM25's document
 * frequencies. Exact is not needed — the logarithm of a rarity — so a count
 * is kept per process for a minute instead of costing a scan of the user's
 * rows before every reply.
 */
const collectionSizes = new Map<string, { size: number; at: number }>();
const COLLECTION_SIZE_TTL_MS = 60_000;

export async function getSearchableMemoryCount(db: DbOrTx, { userId }: { userId: string }): Promise<number> {
  const cached = collectionSizes.get(userId);
  if (cached && Date.now() - cached.at < COLLECTION_SIZE_TTL_MS) return cached.size;
  const { rows } = await db.execute<{ n: number | string }>(sql`
    select count(*) as n from memories m
    where m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE}`);
  const size = Number(rows[0]?.n ?? 0);
  if (collectionSizes.size > 10_000) collectionSizes.clear();
  collectionSizes.set(userId, { size, at: Date.now() });
  return size;
}
