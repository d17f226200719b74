/**
 * Crash safety: the server (a child process running main.ts) is SIGKILLed
 * while a step is in flight, and the app is taken down mid-step. Either way
 * the run resumes from its memoized steps: completed step bodies never run
 * again, the interrupted one is retried, nothing is lost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, createClient, databaseUrl, fnId, freePort, gate, startHarness, TestApp, uniqueSchema, type AnyFunction, type TestClient } from "./harness";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const MAIN = path.join(ROOT, "inngest/local-server/main.ts");

interface Child {
  proc: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startChild(args: string[]): Promise<Child> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child
  // process of its own, and a SIGKILL of the CLI would leave that child running.
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let ready!: () => void;
  let failed!: (err: Error) => void;
  const started = new Promise<void>((res, rej) => {
    ready = res;
    failed = rej;
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      output.push(line);
      if (line.includes("event API and SDK endpoint on")) ready();
    }
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  void exited.then(({ code }) => failed(new Error(`main.ts exited (${code}) before starting:\n${output.join("\n")}`)));
  const timer = setTimeout(() => failed(new Error(`main.ts did not start in time:\n${output.join("\n")}`)), 30_000);
  await started.finally(() => clearTimeout(timer));
  return { proc, output, exited };
}

function durableFunctions(client: TestClient, counts: Map<string, number>, hold: { promise: Promise<void> }, prefix: string): AnyFunction[] {
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  return [
    client.createFunction({ id: `${prefix}-durable`, triggers: [{ event: `${prefix}/go` }] }, async ({ step }) => {
      const a = await step.run("a", () => {
        bump("a");
        return "A";
      });
      const b = await step.run("b", async () => {
        bump("b");
        if ((counts.get("b") ?? 0) === 1) await hold.promise; // the first attempt is interrupted here
        return `${a}B`;
      });
      const c = await step.run("c", () => {
        bump("c");
        return `${b}C`;
      });
      return c;
    }),
  ];
}

describe("local Inngest server: crash recovery", () => {
  const app = new TestApp();
  const counts = new Map<string, number>();
  const hold = gate();
  let child: Child | undefined;

  beforeAll(async () => {
    await app.listen();
  });

  afterAll(async () => {
    child?.proc.kill("SIGKILL");
    await app.kill();
  });

  it("resumes a run after the server is SIGKILLed mid-step, without re-running completed steps", async () => {
    const port = await freePort();
    const args = [
      "--port", String(port),
      "--ui-port", "0",
      "--database-url", databaseUrl(),
      "--app-url", app.url,
      "--schema", uniqueSchema("crash"),
      "--lease-timeout", "1s",
      "--sync-interval", "1s",
      "--backoff-factor", "0.002",
    ];
    const api = new Api(`http://127.0.0.1:${port}`);
    const client = createClient(api.baseUrl);
    app.serve(client, durableFunctions(client, counts, hold, "crash"));

    child = await startChild(args);
    await api.waitFor("the app to sync", async () => (await api.functions()).some((f) => f.id === fnId("crash-durable")));
    await client.send({ name: "crash/go", data: {} });
    await api.waitFor("step b to be in flight", async () => counts.get("b") === 1);

    child.proc.kill("SIGKILL");
    expect((await child.exited).signal).toBe("SIGKILL");
    hold.open(); // the interrupted call now finishes, but its answer has nowhere to go

    child = await startChild(args);
    const [run] = await api.waitForEndedRuns(fnId("crash-durable"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("ABC");
    expect(counts.get("a")).toBe(1); // memoized before the crash: never again
    expect(counts.get("b")).toBe(2); // in flight at the crash: retried once the lease ran out
    expect(counts.get("c")).toBe(1);
    expect(run?.steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["b", "completed"],
      ["c", "completed"],
    ]);

    // SIGTERM: a clean exit.
    child.proc.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.output.some((l) => l.includes("SIGTERM: stopping"))).toBe(true);
    child = undefined;
  });

  it("retries a call the app dropped when it went down mid-step, once it is back", async () => {
    const appCounts = new Map<string, number>();
    const appHold = gate();
    const h = await startHarness({
      schema: uniqueSchema("appdown"),
      functions: (c) => durableFunctions(c, appCounts, appHold, "appdown"),
    });
    try {
      await h.client.send({ name: "appdown/go", data: {} });
      await h.api.waitFor("step b to be in flight", async () => appCounts.get("b") === 1);
      const port = h.app.port;
      await h.app.kill();
      appHold.open();
      const [pending] = await h.api.runs(fnId("appdown-durable"));
      await h.api.waitFor("the server to notice", async () => {
        const run = await h.api.run(pending?.id ?? "");
        return run.pending.some((p) => p.lastError?.startsWith("app unreachable"));
      });
      await h.app.listen(port);
      const [run] = await h.api.waitForEndedRuns(fnId("appdown-durable"));
      expect(run?.status).toBe("completed");
      expect(run?.output).toBe("ABC");
      expect([appCounts.get("a"), appCounts.get("b"), appCounts.get("c")]).toEqual([1, 2, 1]);
      // Unanswered calls do not use up the step's retries.
      expect(run?.steps.find((s) => s.name === "b")?.attempts).toBe(1);
    } finally {
      await h.stop();
    }
  });
});
