import { sql } from "drizzle-orm";
import { getDb } from "../client";
import { lockMemoriesOfUser, type Transaction } from "./memories";

/**
 * Moving a guest's data into an account, and deleting an account with
 * everything of it. Both work from the catalog (every column that references
 * users.id), so a table added later is moved and deleted without anyone
 * remembering this file.
 */

/** Tables that belong to better-auth's bookkeeping of an account, never moved from a guest. */
const AUTH_TABLES = new Set(["auth_sessions", "auth_accounts"]);

interface UserColumn {
  table: string;
  column: string;
}

/** Every (table, column) in the public schema with a foreign key to users.id. */
async function columnsReferencingUsers(tx: Transaction): Promise<UserColumn[]> {
  const result = await tx.execute<{ table: string; column: string }>(sql`
    select cl.relname as "table", att.attname as "column"
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace ns on ns.oid = cl.relnamespace
    join pg_attribute att on att.attrelid = con.conrelid and att.attnum = any(con.conkey)
    where con.contype = 'f' and con.confrelid = 'public.users'::regclass and ns.nspname = 'public'
    order by 1, 2`);
  return result.rows;
}

export type RowCounts = Record<string, number>;

export interface MergeResult {
  /** Rows moved per table. */
  moved: RowCounts;
  /** Active memories of the guest that a newer one with the same key in the account superseded (or the other way). */
  superseded: number;
}

/**
 * Moves everything of `guestId` to `accountId` in one transaction and deletes
 * the guest. `adoptSettings`: a brand-new account takes the guest's settings
 * ("Use memory"); signing in to an existing account keeps the account's.
 *
 * A merge into an account that already has data: conversations, turns and
 * episodes simply add up; for a single-valued fact or an instruction
 * (same `key`) active on both sides, the newer one wins and the older is
 * superseded with a history row, as a new turn saying it would have done.
 */
export async function mergeGuestIntoAccount({
  guestId,
  accountId,
  adoptSettings,
  singleValuedKeys,
}: {
  guestId: string;
  accountId: string;
  adoptSettings: boolean;
  /** Semantic keys with one current value (lib/memory/types.ts); instructions always have one. */
  singleValuedKeys: readonly string[];
}): Promise<MergeResult> {
  if (guestId === accountId) return { moved: {}, superseded: 0 };
  return getDb().transaction(async (tx) => {
    // Both users' memory writers (consolidation, embeddings) wait; in id order, so two merges cannot deadlock.
    for (const id of [guestId, accountId].sort()) await lockMemoriesOfUser(tx, id);
    const guest = await tx.execute<{ memory_enabled: boolean; email: string | null }>(
      sql`select memory_enabled, email from users where id = ${guestId} for update`,
    );
    const guestRow = guest.rows[0];
    if (!guestRow) return { moved: {}, superseded: 0 };
    if (guestRow.email !== null) throw new Error("mergeGuestIntoAccount: the source is an account, not a guest");

    // An imported conversation both have (same import key) stays twice rather than colliding.
    await tx.execute(sql`
      update conversations g set import_key = null
      where g.user_id = ${guestId} and g.import_key is not null
        and exists (select 1 from conversations a where a.user_id = ${accountId} and a.import_key = g.import_key)`);

    const moved: RowCounts = {};
    for (const { table, column } of await columnsReferencingUsers(tx)) {
      if (AUTH_TABLES.has(table)) continue;
      // A moved vector draws a new revision: the account's vector caches only read rows above the last one they saw.
      const revision = table === "memory_embeddings" ? sql`, revision = default` : sql``;
      const result = await tx.execute(
        sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${accountId}${revision} where ${sql.identifier(column)} = ${guestId}`,
      );
      moved[table] = (moved[table] ?? 0) + (result.rowCount ?? 0);
    }

    const superseded = await supersedeOlderDuplicateKeys(tx, accountId, singleValuedKeys);
    if (adoptSettings) {
      await tx.execute(sql`update users set memory_enabled = ${guestRow.memory_enabled}, updated_at = now() where id = ${accountId}`);
    }
    await tx.execute(sql`delete from users where id = ${guestId}`);
    return { moved, superseded };
  });
}

/** For each single-valued key with more than one active memory of this user, the newest stays and the others are superseded by it. */
async function supersedeOlderDuplicateKeys(tx: Transaction, userId: string, singleValuedKeys: readonly string[]): Promise<number> {
  const result = await tx.execute<{ id: string; content: string; winner_id: string; winner_content: string }>(sql`
    with active as (
      select id, type, key, content, row_number() over (partition by type, key order by valid_from desc, created_at desc, id) as rank
      from memories
      where user_id = ${userId} and key is not null
        and (type = 'procedural' or (type = 'semantic' and key = any(${sql.param([...singleValuedKeys])}::text[])))
        and invalidated_at is null and deleted_at is null
    ),
    winners as (select id, type, key, content from active where rank = 1),
    losers as (
      select a.id, a.content, w.id as winner_id, w.content as winner_content
      from active a join winners w on w.type = a.type and w.key = a.key
      where a.rank > 1
    ),
    ended as (
      update memories m set invalidated_at = now(), superseded_by = l.winner_id, updated_at = now()
      from losers l where m.id = l.id
      returning m.id
    )
    select l.* from losers l join ended e on e.id = l.id`);
  for (const row of result.rows) {
    await tx.execute(sql`
      insert into memory_history (memory_id, user_id, action, previous_content, content)
      values (${row.id}, ${userId}, 'supersede', ${row.content}, ${row.winner_content})`);
  }
  return result.rows.length;
}

export interface DeletedAccount {
  /** Rows deleted per table (those the user's row took with it, counted before it went). */
  deleted: RowCounts;
}

/**
 * Deletes a user and everything of theirs in one transaction: every row that
 * references them (memories, history, embeddings, conversations, messages,
 * turns, jobs, imports, sessions, credentials go by ON DELETE CASCADE),
 * their password-reset tokens, and the rate-limit counters keyed by their id,
 * email or turns.
 */
export async function deleteUserAndEverything({ userId }: { userId: string }): Promise<DeletedAccount> {
  return getDb().transaction(async (tx) => {
    await lockMemoriesOfUser(tx, userId);
    const user = await tx.execute<{ email: string | null }>(sql`select email from users where id = ${userId} for update`);
    if (!user.rows[0]) return { deleted: {} };
    const deleted: RowCounts = {};
    for (const { table, column } of await columnsReferencingUsers(tx)) {
      const result = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${userId}`,
      );
      deleted[table] = (deleted[table] ?? 0) + (result.rows[0]?.n ?? 0);
    }
    const turnIds = await tx.execute<{ id: string }>(sql`select id from turns where user_id = ${userId}`);
    // rate-limiter-flexible keys are `<surface>:<key>`; the key is a user id, a turn id or an email.
    const keys = [userId, ...turnIds.rows.map((r) => r.id), ...(user.rows[0].email ? [user.rows[0].email] : [])];
    const limits = await tx.execute(sql`delete from rate_limits where substr(key, strpos(key, ':') + 1) = any(${sql.param(keys)}::text[])`);
    deleted.rate_limits = limits.rowCount ?? 0;
    const verifications = await tx.execute(sql`delete from auth_verifications where value = ${userId}`);
    deleted.auth_verifications = verifications.rowCount ?? 0;
    await tx.execute(sql`delete from users where id = ${userId}`);
    deleted.users = 1;
    return { deleted };
  });
}
