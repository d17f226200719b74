import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

/** Helpers for tests that start the app's real processes (the launcher, next start, the local Inngest server). */

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface Health {
  ok: boolean;
  db: string;
  inngest: string;
}

export async function health(port: number): Promise<Health | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(30_000) });
    return (await res.json()) as Health;
  } catch {
    return undefined;
  }
}

export interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Spawns a process whose output is collected (and shown when DEBUG_PROCESSES is set). */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  let output = "";
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (d: Buffer) => {
    output += d;
    if (process.env.DEBUG_PROCESSES) process.stderr.write(d);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

export interface LauncherPorts {
  app: number;
  db: number;
  inngest: number;
  ui: number;
}

/** `npm run dev` / `npm start` as a newcomer runs it: embedded Postgres, the local Inngest server, Next. */
export function launch(mode: "dev" | "start", ports: LauncherPorts, dataDir: string, env: Record<string, string> = {}): Started {
  return start(process.execPath, ["--import", "tsx", "scripts/launcher.ts", mode], {
    ...process.env,
    DATABASE_URL: "",
    POSTGRES_URL: "",
    INNGEST_DEV: "",
    INNGEST_SIGNING_KEY: "",
    INNGEST_EVENT_KEY: "",
    INNGEST_BASE_URL: "",
    TEST_DATABASE_URL: "",
    JARVUS_DATA_DIR: dataDir,
    PORT: String(ports.app),
    JARVUS_DB_PORT: String(ports.db),
    INNGEST_LOCAL_PORT: String(ports.inngest),
    INNGEST_LOCAL_UI_PORT: String(ports.ui),
    ...env,
  });
}

/** Pids whose command line contains every one of `parts` (Linux /proc). */
export function pidsMatching(...parts: string[]): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
        return parts.every((part) => cmd.includes(part));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether a process runs (a zombie has exited and only waits to be reaped). */
export function running(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

/** The direct children of a process (Linux /proc). */
export function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]?.split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}
