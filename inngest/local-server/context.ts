import type pg from "pg";
import type { ResolvedOptions } from "./config";
import type { Sql, Tables } from "./db";
import type { HttpClient } from "./http-client";
import type { LeasedItem } from "./queue";
import type { Registry } from "./registry";

export interface Logger {
  /** Startup, sync and error lines: always printed. */
  info(line: string): void;
  /** One line per run transition; silenced by --quiet. */
  run(line: string): void;
}

/** What every module of a running server shares. */
export interface ServerContext {
  /** For transactions (withTransaction). */
  pool: pg.Pool;
  /** Single statements outside a transaction. */
  db: Sql;
  t: Tables;
  registry: Registry;
  opts: ResolvedOptions;
  log: Logger;
  http: HttpClient;
  /** Nudges the worker: new work may be due now. */
  wake(): void;
  /**
   * Hands a new run's first call straight to this process's worker, skipping
   * a trip through the dispatcher: reserve() a slot inside the transaction,
   * then start() after commit (release() if it rolls back).
   */
  direct: {
    reserve(): boolean;
    release(): void;
    start(item: LeasedItem): void;
  };
}

export function createLogger(write: (line: string) => void, quiet: boolean): Logger {
  return {
    info: (line) => write(`[inngest-local] ${line}`),
    run: (line) => {
      if (!quiet) write(`[inngest-local] ${line}`);
    },
  };
}
