/**
 * Test harness for the local Inngest server: a real SDK app (serve() from
 * inngest/node on a loopback port) plus the server under test on its own
 * schema, and helpers that read the server's JSON API. In production mode the
 * server gets a signing key and an event key, and the app runs in cloud mode
 * with the same keys, as it would against self-hosted Inngest.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { inject } from "vitest";
import { startLocalInngestServer, type LocalInngestServer, type LocalInngestServerOptions } from "@/inngest/local-server/index";
import type { EventView, FunctionView, RunDetail, RunSummary } from "@/inngest/local-server/queries";

export type AnyFunction = InngestFunction.Any;

/** The fixtures throw on purpose; the SDK would log every one of those errors. */
export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

export interface Keys {
  signingKey: string;
  eventKey: string;
}

/** Fresh keys in the formats Inngest uses: a hex signing key with its env prefix, and an event key. */
export function generateKeys(): Keys {
  return { signingKey: `signkey-test-${randomBytes(32).toString("hex")}`, eventKey: randomBytes(16).toString("hex") };
}

/** The SDK client the fixtures use: dev mode, or cloud mode with keys, against the server under test. */
export function createClient(baseUrl: string, keys?: Keys) {
  return keys
    ? new Inngest({ id: "conformance", isDev: false, baseUrl, eventKey: keys.eventKey, signingKey: keys.signingKey, logger: silentLogger })
    : new Inngest({ id: "conformance", isDev: true, baseUrl, logger: silentLogger });
}
export type TestClient = ReturnType<typeof createClient>;

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? inject("databaseUrl");
}

/** A schema of the test file's own, so files can run in parallel on one database. */
export function uniqueSchema(prefix: string): string {
  return `il_${prefix}_${randomBytes(3).toString("hex")}`;
}

export { freePort } from "@/scripts/ports";

export interface ServeOptions {
  /** Cloud mode: the key the app verifies requests with and signs its answers with. */
  signingKey?: string;
  /** Rewrites the headers of each answer before it leaves (forged-signature tests). */
  tamper?: (headers: Record<string, string>) => void;
}

/** An HTTP server whose serve() handler can be swapped (re-sync tests) or taken down (crash tests). */
export class TestApp {
  private server: http.Server | undefined;
  private handler: http.RequestListener | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/inngest`;
  }

  async listen(port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      if (!this.handler) {
        res.writeHead(503).end("not ready");
        return;
      }
      void this.handler(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  serve(client: Inngest.Any, functions: AnyFunction[], opts: ServeOptions = {}): void {
    const handler = serve({ client, functions, ...(opts.signingKey ? { signingKey: opts.signingKey } : {}) }) as unknown as http.RequestListener;
    const tamper = opts.tamper;
    this.handler = !tamper
      ? handler
      : (req, res) => {
          const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
          res.writeHead = ((status: number, headers?: http.OutgoingHttpHeaders) => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) h[k.toLowerCase()] = String(v);
            tamper(h);
            return writeHead(status, h);
          }) as typeof res.writeHead;
          void handler(req, res);
        };
  }

  /** Drops the server and every open connection, like a killed process would. */
  async kill(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

export interface Harness {
  app: TestApp;
  client: TestClient;
  server: LocalInngestServer;
  /** Production mode only. */
  keys: Keys | undefined;
  logs: string[];
  api: Api;
  serve(functions: AnyFunction[], opts?: Omit<ServeOptions, "signingKey">): Promise<void>;
  /** Stops the server and starts a new one on the same schema and port (state must survive). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the app, the server (pointed at the app) and a client pointed at the
 * server; `functions` gets the client and returns what to serve.
 */
export async function startHarness(opts: {
  schema: string;
  functions: (client: TestClient) => AnyFunction[];
  server?: Partial<LocalInngestServerOptions>;
  mode?: "dev" | "production";
  serve?: Omit<ServeOptions, "signingKey">;
}): Promise<Harness> {
  const app = new TestApp();
  await app.listen();
  const logs: string[] = [];
  const keys = opts.mode === "production" ? generateKeys() : undefined;
  const options: LocalInngestServerOptions = {
    databaseUrl: databaseUrl(),
    appUrls: [app.url],
    port: 0,
    uiPort: 0,
    schema: opts.schema,
    syncIntervalMs: 0,
    backoffFactor: 0.002,
    leaseTimeoutMs: 5_000,
    poolSize: 4,
    log: (line) => logs.push(line),
    ...keys,
    ...opts.server,
  };
  let server = await startLocalInngestServer(options);
  const client = createClient(server.url, keys);
  const h: Harness = {
    app,
    client,
    server,
    keys,
    logs,
    api: new Api(server.url, logs, keys ? { authorization: `Bearer ${keys.signingKey}` } : {}),
    async serve(functions, serveOpts = {}) {
      app.serve(client, functions, { ...serveOpts, signingKey: keys?.signingKey });
      const results = await server.syncNow();
      if (!results.every((r) => r.ok)) throw new Error(`sync failed: ${JSON.stringify(results)}`);
    },
    async restart() {
      const port = Number(new URL(server.url).port);
      await server.stop();
      server = await startLocalInngestServer({ ...options, port, uiPort: null });
      h.server = server;
    },
    async stop() {
      await server.stop();
      await app.kill();
    },
  };
  await h.serve(opts.functions(client), opts.serve);
  return h;
}

/** Reads the server's JSON API (served on the main port under /v0). */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly logs: string[] = [],
    /** Sent with every request: the signing key in production mode. */
    readonly headers: Record<string, string> = {},
  ) {}

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}/v0/${path}`, { headers: this.headers });
    if (!res.ok) throw new Error(`GET /v0/${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** POSTs JSON (or no body, still labelled JSON as the API requires) to /v0/…; returns the status and parsed body. */
  async post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}/v0/${path}`, {
      method: "POST",
      headers: { ...this.headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async runs(functionId?: string): Promise<RunSummary[]> {
    const q = functionId ? `?function=${encodeURIComponent(functionId)}&limit=1000` : "?limit=1000";
    return (await this.get<{ runs: RunSummary[] }>(`runs${q}`)).runs;
  }

  run(id: string): Promise<RunDetail> {
    return this.get<RunDetail>(`runs/${encodeURIComponent(id)}`);
  }

  async functions(): Promise<FunctionView[]> {
    return (await this.get<{ functions: FunctionView[] }>("functions")).functions;
  }

  async events(name?: string): Promise<EventView[]> {
    return (await this.get<{ events: EventView[] }>(`events?limit=1000${name ? `&name=${encodeURIComponent(name)}` : ""}`)).events;
  }

  /** Polls until `check` returns a value (not undefined/false); fails with context after `timeoutMs`. */
  async waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await check();
        if (v !== undefined && v !== false) return v;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        const runs = await this.runs().catch(() => []);
        throw new Error(
          `timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}\n` +
            `runs: ${JSON.stringify(runs.map((r) => [r.functionId, r.status]))}\nlog:\n${this.logs.slice(-30).join("\n")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until `functionId` has `count` runs, all ended; returns their details, oldest first. */
  async waitForEndedRuns(functionId: string, count = 1, timeoutMs?: number): Promise<RunDetail[]> {
    const runs = await this.waitFor(
      `${count} ended run(s) of ${functionId}`,
      async () => {
        const rs = await this.runs(functionId);
        return rs.length >= count && rs.every((r) => r.status !== "queued" && r.status !== "running") ? rs : undefined;
      },
      timeoutMs,
    );
    return Promise.all(runs.reverse().map((r) => this.run(r.id)));
  }
}

/** A promise the test resolves by hand, to hold a step body at a known point. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

export const fnId = (id: string) => `conformance-${id}`;
