import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import net from "node:net";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { PGliteSessionQueue } from "./pglite-session-queue";

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
  // pglite-socket's wire-protocol handler per connection, with our own queue in
  // front of PGlite (see PGliteSessionQueue for why its built-in one is not enough).
  const queue = new PGliteSessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = net.createServer((socket) => {
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]["queryQueue"],
      closeOnDetach: true,
    });
    handlers.add(handler);
    socket.once("close", () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const handler of handlers) void handler.detach(true);
      });
      queue.close();
      await db.close();
    },
  };
}
