import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** postgres:// URL that psql, drizzle-kit, pg and the app can all use. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder of the data directory, or undefined for an in-memory database (tests). */
  dataDir?: string;
  /** 0 picks a free port. Never 5432: a real server usually owns it. */
  port?: number;
}

/**
 * PGlite (PostgreSQL 18 in WebAssembly) served over the Postgres wire protocol
 * on loopback only, with pg_trgm and pgvector available.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) fs.mkdirSync(path.dirname(path.resolve(options.dataDir)), { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    extensions: { pg_trgm, vector },
  });
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    // The multiplexer serialises transactions across connections, so a pg Pool works.
    maxConnections: 64,
  });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  const port = Number(conn.split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
