/**
 * A production `next start` of this checkout for benches, and a timed chat
 * request against it (request → headers → first body byte → first text
 * delta → end, measured with node:http). Shared by chat-ttfb.ts and import.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { freePort } from "@/scripts/ports";
import { sleep } from "./stats";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const AUTH_SECRET = "bench-only-secret-that-is-at-least-32-characters";
export const SESSION_COOKIE = "jarvus_session"; // lib/auth/session.ts (server-only, so not imported)

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  output: string[];
  agent: http.Agent;
}

/** Stops everything the bench started, last first; call once at the end (or on a deadline). */
export const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const stop of cleanups.reverse()) await stop().catch((e) => console.error(`[bench] cleanup failed: ${String(e)}`));
  })();
  return cleaning;
}

export async function startNext(name: string, env: NodeJS.ProcessEnv, port?: number): Promise<Server> {
  port ??= await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) output.push(line);
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(async () => agent.destroy());
  const server: Server = { name, port, child, output, agent };
  // Ready when the database answers through the app.
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (code ${child.exitCode}):\n${output.join("\n")}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path: "/api/health", agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", () => resolve(0));
      req.setTimeout(5_000, () => req.destroy());
    });
    if (status === 200) return server;
    if (Date.now() > until) throw new Error(`${name} not healthy within 90 s:\n${output.join("\n")}`);
    await sleep(250);
  }
}

export function serverEnv(base: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the caller's shell may change the model, the database or Inngest.
  for (const key of Object.keys(env)) {
    if (/^(OPENAI_|INNGEST_|MEMORY_RETRIEVAL$|POSTGRES_URL$|DATABASE_URL$|PORT$|HOST$|NODE_OPTIONS$)/.test(key)) {
      delete env[key];
    }
  }
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET, ...base };
}

export interface Sample {
  status: number;
  headersMs: number;
  ttfbMs: number;
  firstDeltaMs: number;
  totalMs: number;
  /** SSE events in the first body chunk read: more than 1 means the `start` chunk waited for later ones. */
  firstChunkEvents: number;
  text: string;
  model?: string;
  errorChunk: boolean;
}

export function chat(server: Server, cookie: string, conversationId: string, question: string): Promise<Sample> {
  const body = JSON.stringify({
    id: conversationId,
    message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: question }] },
  });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let headersAt = NaN;
    let firstByteAt = NaN;
    let firstDeltaAt = NaN;
    let firstChunkEvents = 0;
    let seen = ""; // latin1 view of the body, to spot the first text-delta across chunk borders
    const chunks: Buffer[] = [];
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: "/api/chat",
        method: "POST",
        agent: server.agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          cookie: `${SESSION_COOKIE}=${cookie}`,
        },
      },
      (res) => {
        headersAt = performance.now();
        res.on("data", (chunk: Buffer) => {
          const now = performance.now();
          if (Number.isNaN(firstByteAt)) {
            firstByteAt = now;
            firstChunkEvents = chunk.toString("latin1").split("data: ").length - 1;
          }
          chunks.push(chunk);
          if (Number.isNaN(firstDeltaAt)) {
            const from = Math.max(0, seen.length - 24);
            seen += chunk.toString("latin1");
            if (seen.indexOf('"type":"text-delta"', from) >= 0) firstDeltaAt = now;
          }
        });
        res.on("end", () => {
          const end = performance.now();
          let text = "";
          let model: string | undefined;
          let errorChunk = false;
          for (const line of Buffer.concat(chunks).toString("utf8").split("\n")) {
            if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
            try {
              const part = JSON.parse(line.slice(6)) as {
                type: string;
                delta?: string;
                messageMetadata?: { model?: string };
              };
              if (part.type === "text-delta") text += part.delta ?? "";
              if (part.type === "start") model = part.messageMetadata?.model;
              if (part.type === "error") errorChunk = true;
            } catch {
              // not JSON: leave it
            }
          }
          if (res.statusCode !== 200) text = Buffer.concat(chunks).toString("utf8").slice(0, 300);
          resolve({
            status: res.statusCode ?? 0,
            headersMs: headersAt - t0,
            ttfbMs: firstByteAt - t0,
            firstDeltaMs: firstDeltaAt - t0,
            totalMs: end - t0,
            firstChunkEvents,
            text,
            model,
            errorChunk,
          });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("request timed out after 30 s")));
    req.on("error", reject);
    req.end(body);
  });
}
