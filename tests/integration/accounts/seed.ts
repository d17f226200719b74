import { randomUUID } from "node:crypto";
import { getPool } from "@/db/client";
import { createGuestUser } from "@/db/queries/users";

/**
 * A user with a row in every table that holds user data: an import, its
 * conversation, two messages, a turn, a memory job, three memories (a name,
 * an instruction, an episode), their history, an embedding, and rate-limit
 * counters keyed by the user and the turn.
 */
export async function seedUserData(userId: string, { name = "Zed", addressAs = "Captain", validFrom = "2026-01-01T00:00:00Z" } = {}) {
  const pool = getPool();
  const q = (text: string, values: unknown[]) => pool.query(text, values);
  const importId = randomUUID();
  const conversationId = randomUUID();
  const turnId = randomUUID();
  const [userMessageId, assistantMessageId] = [randomUUID(), randomUUID()];
  await q(`insert into imports (id, user_id, format, conversations, turns) values ($1, $2, 'jarvus', 1, 1)`, [importId, userId]);
  await q(`insert into conversations (id, user_id, title, import_key, import_id) values ($1, $2, 'Trip', $3, $4)`, [conversationId, userId, `ext:${conversationId}`, importId]);
  await q(`insert into messages (id, conversation_id, user_id, role, parts) values ($1, $2, $3, 'user', $4), ($5, $2, $3, 'assistant', $6)`, [
    userMessageId,
    conversationId,
    userId,
    JSON.stringify([{ type: "text", text: `My name is ${name}` }]),
    assistantMessageId,
    JSON.stringify([{ type: "text", text: "Noted." }]),
  ]);
  await q(
    `insert into turns (id, user_id, conversation_id, user_message_id, assistant_message_id, source, import_id, memory_status) values ($1, $2, $3, $4, $5, 'import', $6, 'done')`,
    [turnId, userId, conversationId, userMessageId, assistantMessageId, importId],
  );
  await q(`insert into memory_jobs (turn_id, user_id, type, status) values ($1, $2, 'semantic', 'done')`, [turnId, userId]);
  const memory = async (type: string, key: string | null, content: string) => {
    const id = randomUUID();
    await q(
      `insert into memories (id, user_id, type, key, content, normalized, valid_from, source_conversation_id, source_turn_id) values ($1, $2, $3, $4, $5, lower($5), $6, $7, $8)`,
      [id, userId, type, key, content, validFrom, conversationId, turnId],
    );
    await q(`insert into memory_history (memory_id, user_id, action, content, turn_id) values ($1, $2, 'add', $3, $4)`, [id, userId, content, turnId]);
    return id;
  };
  const nameId = await memory("semantic", "name", `User's name is ${name}`);
  await memory("procedural", "address_as", `Address the user as ${addressAs}`);
  await memory("episodic", null, `User said their name is ${name}`);
  await q(`insert into memory_embeddings (memory_id, user_id, model, dimensions, embedding) values ($1, $2, 'test', 2, $3)`, [nameId, userId, [0.6, 0.8]]);
  await q(`insert into rate_limits (key, points, expire) values ($1, 1, $3), ($2, 1, $3)`, [`chat:${userId}`, `retry:${turnId}`, Date.now() + 60_000]);
  return { importId, conversationId, turnId, nameId };
}

export async function newGuestWithData(options?: Parameters<typeof seedUserData>[1]) {
  const { id } = await createGuestUser();
  return { userId: id, ...(await seedUserData(id, options)) };
}

/** Rows per table (every public table with a user_id column) that belong to `userId`. */
export async function rowCountsOf(userId: string): Promise<Record<string, number>> {
  const pool = getPool();
  const tables = await pool.query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'user_id' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from "${table_name}" where user_id = $1`, [userId]);
    counts[table_name] = rows[0]?.n ?? 0;
  }
  return counts;
}

/**
 * Rows of any table in any schema of the database (the app's, the local
 * Inngest server's) whose text mentions one of `needles`: tables come from
 * information_schema, so a table added later cannot be forgotten.
 */
export async function rowsMentioning(needles: string[]): Promise<Record<string, number>> {
  const pool = getPool();
  const tables = await pool.query<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_%'
     order by 1, 2`,
  );
  const found: Record<string, number> = {};
  for (const { table_schema, table_name } of tables.rows) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from "${table_schema}"."${table_name}" t where ${needles.map((_, i) => `strpos(lower(row_to_json(t)::text), lower($${i + 1})) > 0`).join(" or ")}`,
      needles,
    );
    if ((rows[0]?.n ?? 0) > 0) found[`${table_schema}.${table_name}`] = rows[0]!.n;
  }
  return found;
}
