import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { expect, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { e2eDatabaseUrlFile } from "../../helpers/e2e-db-url";

/**
 * Test-only seeding for Playwright: plain SQL against the e2e server's own
 * database (scripts/e2e-server.ts writes its URL to a temp file). The app has
 * no test endpoints; the memory pipeline cannot be driven from a test quickly
 * or deterministically, so memories are written here the way consolidation
 * writes them (row + history).
 */
let pool: pg.Pool | undefined;

function db(): pg.Pool {
  if (!pool) {
    const file = e2eDatabaseUrlFile();
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: start the app through scripts/e2e-server.ts (playwright.config.ts does).`);
    }
    pool = new pg.Pool({ connectionString: fs.readFileSync(file, "utf8").trim(), max: 2 });
  }
  return pool;
}

export async function closeSeedDb(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

/** The session user of a request context (cookie-bound; made on first call). */
export async function sessionUserId(request: APIRequestContext): Promise<string> {
  const res = await request.get("/api/session");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { userId: string }).userId;
}

export async function createConversation(userId: string, title = "Trip planning"): Promise<string> {
  const id = randomUUID();
  await db().query("insert into conversations (id, user_id, title) values ($1, $2, $3)", [id, userId, title]);
  return id;
}

/** A turn with its two messages, as the chat route saves it. */
export async function createTurn(userId: string, conversationId: string): Promise<string> {
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const turnId = randomUUID();
  await db().query(
    `insert into messages (id, conversation_id, user_id, role, parts) values
       ($1, $3, $4, 'user', '[]'::jsonb), ($2, $3, $4, 'assistant', '[]'::jsonb)`,
    [userMessageId, assistantMessageId, conversationId, userId],
  );
  await db().query(
    `insert into turns (id, user_id, conversation_id, user_message_id, assistant_message_id, memory_status)
     values ($1, $2, $3, $4, $5, 'done')`,
    [turnId, userId, conversationId, userMessageId, assistantMessageId],
  );
  return turnId;
}

export interface SeedMemory {
  type: "episodic" | "semantic" | "procedural";
  content: string;
  key?: string | null;
  importance?: number;
  data?: Record<string, unknown>;
  conversationId?: string | null;
  turnId?: string | null;
  /** Defaults to now; older dates order the list (newest first). */
  createdAt?: Date;
  invalidatedAt?: Date | null;
  supersededBy?: string | null;
}

/** A memory row with its "add" history row. */
export async function insertMemory(userId: string, m: SeedMemory): Promise<string> {
  const id = randomUUID();
  const createdAt = m.createdAt ?? new Date();
  await db().query(
    `insert into memories (id, user_id, type, key, content, data, normalized, importance, valid_from,
       invalidated_at, superseded_by, source_conversation_id, source_turn_id, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $9, $9)`,
    [
      id,
      userId,
      m.type,
      m.key ?? null,
      m.content,
      JSON.stringify(m.data ?? {}),
      m.content.toLowerCase(),
      m.importance ?? 0.5,
      createdAt,
      m.invalidatedAt ?? null,
      m.supersededBy ?? null,
      m.conversationId ?? null,
      m.turnId ?? null,
    ],
  );
  await insertHistory({ memoryId: id, userId, action: "add", previousContent: null, content: m.content, at: createdAt });
  return id;
}

export async function insertHistory(h: {
  memoryId: string;
  userId: string;
  action: "add" | "supersede" | "invalidate" | "edit" | "delete";
  previousContent: string | null;
  content: string | null;
  at?: Date;
}): Promise<void> {
  await db().query(
    `insert into memory_history (memory_id, user_id, action, previous_content, content, created_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [h.memoryId, h.userId, h.action, h.previousContent, h.content, h.at ?? new Date()],
  );
}

/**
 * A single-valued fact that changed: `from` (older, superseded) → `to`
 * (active), the way consolidation records it.
 */
export async function insertSupersededFact(
  userId: string,
  { key, from, to, conversationId }: { key: string; from: string; to: string; conversationId?: string },
): Promise<{ oldId: string; newId: string; supersededAt: Date }> {
  const supersededAt = new Date(Date.now() - 60_000);
  const newId = await insertMemory(userId, { type: "semantic", key, content: to, importance: 0.8, conversationId, createdAt: supersededAt });
  const oldId = await insertMemory(userId, {
    type: "semantic",
    key,
    content: from,
    importance: 0.8,
    conversationId,
    createdAt: new Date(Date.now() - 24 * 3600_000),
    invalidatedAt: supersededAt,
    supersededBy: newId,
  });
  await insertHistory({ memoryId: oldId, userId, action: "supersede", previousContent: from, content: to, at: supersededAt });
  return { oldId, newId, supersededAt };
}

export async function memoryRowCount(userId: string): Promise<number> {
  const { rows } = await db().query<{ n: number }>("select count(*)::int as n from memories where user_id = $1", [userId]);
  return rows[0]?.n ?? 0;
}

export async function historyActions(memoryId: string): Promise<{ action: string; previous_content: string | null; content: string | null }[]> {
  const { rows } = await db().query<{ action: string; previous_content: string | null; content: string | null }>(
    "select action, previous_content, content from memory_history where memory_id = $1 order by created_at, id",
    [memoryId],
  );
  return rows;
}

/** Stored messages of a conversation, oldest first (any user: tests check what was written at all). */
export async function storedMessages(conversationId: string): Promise<{ id: string; user_id: string; role: string; text: string }[]> {
  const { rows } = await db().query<{ id: string; user_id: string; role: string; text: string }>(
    `select id, user_id, role, coalesce((select string_agg(p->>'text', '') from jsonb_array_elements(parts) p), '') as text
     from messages where conversation_id = $1 order by seq`,
    [conversationId],
  );
  return rows;
}

/** Everything ever written by or for a user: a request that changed nothing leaves these where they were. */
export async function rowCountsOf(userId: string): Promise<Record<string, number>> {
  const { rows } = await db().query<Record<string, number>>(
    `select (select count(*)::int from conversations where user_id = $1) as conversations,
            (select count(*)::int from messages where user_id = $1) as messages,
            (select count(*)::int from turns where user_id = $1) as turns,
            (select count(*)::int from memories where user_id = $1) as memories`,
    [userId],
  );
  return rows[0]!;
}

/** Rows per table of every public table with a user_id column (from information_schema: new tables count too). */
export async function allRowCountsOf(userId: string): Promise<Record<string, number>> {
  const tables = await db().query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'user_id' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const { rows } = await db().query<{ n: number }>(`select count(*)::int as n from "${table_name}" where user_id = $1`, [userId]);
    counts[table_name] = rows[0]?.n ?? 0;
  }
  return counts;
}

export async function userCount(): Promise<number> {
  const { rows } = await db().query<{ n: number }>("select count(*)::int as n from users");
  return rows[0]?.n ?? 0;
}

/** An assistant message with the given parts in a new conversation of the user's. */
export async function insertConversationWithReply(userId: string, parts: unknown[]): Promise<string> {
  const conversationId = await createConversation(userId, "Seeded");
  await db().query(
    `insert into messages (id, conversation_id, user_id, role, parts) values
       ($1, $3, $4, 'user', '[{"type":"text","text":"show me"}]'::jsonb), ($2, $3, $4, 'assistant', $5::jsonb)`,
    [randomUUID(), randomUUID(), conversationId, userId, JSON.stringify(parts)],
  );
  return conversationId;
}

/** Backdates a conversation's last activity (the sidebar groups by it). */
export async function setConversationUpdatedAt(conversationId: string, updatedAt: Date): Promise<void> {
  await db().query("update conversations set updated_at = $2 where id = $1", [conversationId, updatedAt]);
}
