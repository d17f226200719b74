import type { PGlite } from "@electric-sql/pglite";

/**
 * Serialises many Postgres wire-protocol clients onto one PGlite.
 *
 * pglite-socket's own queue hands PGlite to another client between any two
 * messages unless a transaction is open. The extended protocol (Parse, Bind,
 * Execute, Sync: how node-postgres sends every parameterised query) keeps an
 * unnamed statement and portal between messages, so two clients interleaving
 * there corrupt each other ("bind message supplies 1 parameters, but prepared
 * statement requires 7"). Here a client keeps PGlite from its first message
 * until PGlite answers ReadyForQuery with status idle: the end of a query
 * cycle outside any transaction. Everyone else waits in arrival order.
 */
interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

export class PGliteSessionQueue {
  private queue: Pending[] = [];
  private owner: number | null = null;
  private running = false;
  private closed = false;

  constructor(private readonly db: PGlite) {}

  /**
   * The database is about to close: what is still queued fails, and clients
   * that disconnect afterwards (their sockets close a tick later) touch
   * nothing.
   */
  close(): void {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error("embedded Postgres is shutting down"));
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error("embedded Postgres is shutting down"));
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A client that vanished mid-cycle must not keep PGlite (or an open transaction). */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.closed || this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.drain();
  }

  private next(): Pending | undefined {
    const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item && !this.closed; item = this.next()) {
        const chunks: Uint8Array[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data) => {
                // A view into PGlite's receive buffer, which the next chunk overwrites: keep a copy.
                chunks.push(data.slice());
                item!.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = null;
          item.reject(error as Error);
          continue;
        }
        const status = lastReadyStatus(chunks);
        this.owner = status === IDLE ? null : item.handlerId;
        item.resolve(chunks.reduce((n, c) => n + c.length, 0));
      }
    } finally {
      this.running = false;
    }
  }
}

/** The transaction status of the last ReadyForQuery in the output, if any. */
function lastReadyStatus(chunks: Uint8Array[]): number | undefined {
  const out = Buffer.concat(chunks);
  let status: number | undefined;
  let offset = 0;
  while (offset + 5 <= out.length) {
    const type = out[offset]!;
    const length = out.readInt32BE(offset + 1);
    if (type === READY_FOR_QUERY && length === 5 && offset + 5 < out.length) status = out[offset + 5];
    offset += 1 + length;
  }
  return status;
}
