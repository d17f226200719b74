/**
 * The worker: one dispatcher loop that leases due queue items and hands each
 * to processItem, up to maxConcurrentCalls at once. It sleeps until the next
 * item, debounce, cron tick or throttle admission is due, or until woken: enqueuing work in this
 * process wakes it, so the happy path never waits for a poll. The poll
 * interval only bounds how late work written by another process is noticed.
 */
import type { ServerContext } from "./context";
import { processItem } from "./engine";
import { leaseDue, nextDue, releaseLeases, renewLeases, type LeasedItem } from "./queue";
import { fireDueCrons, flushDueDebounces } from "./schedules";
import { admitWaiting } from "./throttle";

export class Worker {
  private readonly inFlight = new Map<string, LeasedItem>();
  private readonly chains = new Set<Promise<void>>();
  private stopped = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private loopDone: Promise<void> | undefined;
  private lastErrorLogged = 0;
  private timersDueAt = 0;
  /** The last look found due items it could not lease (concurrency limit or full): a finishing call should look again. */
  private backlog = false;
  /** Slots promised to runs being created (see ServerContext.direct). */
  private reserved = 0;

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    // Renew well before expiry so a busy event loop does not lose live leases.
    const every = Math.max(50, Math.floor(this.ctx.opts.leaseTimeoutMs / 3));
    this.heartbeat = setInterval(() => {
      renewLeases(this.ctx, this.leaseIds()).catch((err) => this.logError("renewing leases", err));
    }, every);
    this.heartbeat.unref();
    this.loopDone = this.loop();
  }

  /** ServerContext.direct: start new runs here without a dispatcher round trip. */
  readonly direct = {
    reserve: (): boolean => {
      if (this.stopped || this.inFlight.size + this.reserved >= this.ctx.opts.maxConcurrentCalls) return false;
      this.reserved++;
      return true;
    },
    release: (): void => {
      this.reserved = Math.max(0, this.reserved - 1);
    },
    start: (item: LeasedItem): void => {
      this.reserved = Math.max(0, this.reserved - 1);
      if (this.stopped) {
        // Stopping: hand the call back so the next start takes it at once.
        releaseLeases(this.ctx, [item.lease_id]).catch(() => {});
        return;
      }
      this.spawn(item);
    },
  };

  wake = (): void => {
    this.woken = true;
    this.wakeUp?.();
  };

  /**
   * Stops leasing, gives in-flight calls `graceMs` to finish, then hands their
   * leases back so the next start retries them at once.
   */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loopDone;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const all = Promise.allSettled([...this.chains]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await releaseLeases(this.ctx, this.leaseIds()).catch(() => {});
  }

  private leaseIds(): string[] {
    return [...new Set([...this.inFlight.values()].map((i) => i.lease_id))];
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let waitMs = this.ctx.opts.pollIntervalMs;
      try {
        if (this.timersDueAt <= Date.now()) {
          await fireDueCrons(this.ctx);
          await flushDueDebounces(this.ctx);
          await admitWaiting(this.ctx);
        }
        const free = this.ctx.opts.maxConcurrentCalls - this.inFlight.size - this.reserved;
        if (free > 0) for (const item of await leaseDue(this.ctx, free)) this.spawn(item);
        const due = await nextDue(this.ctx, this.leaseIds());
        // Due-but-unleased queue items (≤ 0) are blocked by a concurrency limit
        // or by our own capacity: a finishing call wakes us for those.
        this.backlog = due.queueMs !== null && due.queueMs <= 0;
        const timers = [due.debounceMs, due.cronMs, due.throttleMs].filter((v): v is number => v !== null);
        this.timersDueAt = timers.length ? Date.now() + Math.min(...timers) : Infinity;
        const candidates = [due.queueMs, due.foreignLeaseMs, ...timers].filter((v): v is number => v !== null && v > 0);
        const soonest = candidates.length ? Math.min(...candidates) : Infinity;
        const timersDueNow = timers.some((v) => v <= 0);
        waitMs = timersDueNow ? 0 : Math.min(waitMs, Math.ceil(soonest));
      } catch (err) {
        this.logError("dispatching", err);
      }
      await this.sleep(waitMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        self.woken = false;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private spawn(item: LeasedItem): void {
    this.inFlight.set(item.id, item);
    const chain = this.runChain(item).finally(() => {
      this.chains.delete(chain);
      // A freed slot matters only to work that was waiting for one; new work wakes the loop itself.
      if (this.backlog || this.stopped) this.wake();
    });
    this.chains.add(chain);
  }

  /** Processes an item and any continuations it yields (the run's next steps). */
  private async runChain(first: LeasedItem): Promise<void> {
    let item: LeasedItem | undefined = first;
    while (item) {
      let next: LeasedItem | undefined;
      try {
        next = await processItem(this.ctx, item);
      } catch (err) {
        // The lease runs out and the item is retried: nothing is lost.
        this.logError(`processing run ${item.run_id}`, err);
      }
      this.inFlight.delete(item.id);
      if (next && this.stopped) {
        await releaseLeases(this.ctx, [next.lease_id]).catch(() => {});
        next = undefined;
      }
      if (next) this.inFlight.set(next.id, next);
      item = next;
    }
  }

  private logError(what: string, err: unknown): void {
    // After stop() the pool is closing under calls that outlived the grace
    // period; their leases were handed back, so their errors mean nothing.
    if (this.stopped) return;
    // Database hiccups repeat on every loop; one line per 5 s is enough.
    const now = Date.now();
    if (now - this.lastErrorLogged < 5_000) return;
    this.lastErrorLogged = now;
    this.ctx.log.info(`error ${what}: ${(err as Error).message ?? String(err)}`);
  }
}
