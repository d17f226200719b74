import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { withTransaction, type Tables } from "./db";

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Applies the pending migrations/*.sql in name order, all in one transaction,
 * each recorded in the schema's own `migrations` table. An advisory
 * lock keyed on the schema makes two servers starting at once take turns.
 * Returns the names applied now.
 */
export async function migrate(pool: pg.Pool, schemaName: string, t: Tables): Promise<string[]> {
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const lockKey = `inngest_local_migrate:${schemaName}`;
  return withTransaction(pool, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await tx.query<{ name: string }>(`SELECT name FROM ${t.migrations}`)).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, file), "utf8");
      // SET LOCAL ends with this transaction, so it cannot leak into other
      // sessions' queries even where connections share a session (PGlite).
      await tx.query(`SET LOCAL search_path TO ${t.schema}`);
      await tx.query(sql);
      await tx.query(`INSERT INTO ${t.migrations} (name) VALUES ($1)`, [file]);
      applied.push(file);
    }
    return applied;
  });
}
