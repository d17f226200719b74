import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHILD_MARKER } from "./lock";

/** Preloaded into node children so they stop when the launcher is gone (see the file). */
const EXIT_WITH_PARENT = path.join(path.dirname(fileURLToPath(import.meta.url)), "exit-with-parent.mjs");

export interface Supervised {
  readonly name: string;
  stop(): Promise<void>;
}

interface Options {
  name: string;
  /** A Node.js script and its arguments (run with this Node), or any other command. */
  node?: { args: string[] };
  command?: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** Restart when it dies on its own (with a short back-off), instead of giving up. */
  restart: boolean;
  /** Called when a non-restarting child exits by itself. */
  onExit?: (code: number | null) => void;
  /** Called with the pid of every start (and restart). */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs a child in its own process group (so Ctrl-C handling stays with the
 * launcher and grandchildren die with it), prefixing nothing: children print
 * their own tagged lines. Node children also watch the launcher and stop
 * when it is gone, even when it was killed with SIGKILL.
 */
export function supervise(options: Options): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    const [command, args] = options.node
      ? [process.execPath, ["--import", EXIT_WITH_PARENT, ...options.node.args]]
      : [options.command!, options.args ?? []];
    child = spawn(command, args, {
      env: { ...options.env, [CHILD_MARKER]: String(process.pid) },
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    if (child.pid) options.onSpawn?.(child.pid);
    child.on("exit", (code, signal) => {
      child = undefined;
      if (stopping) return;
      if (!options.restart) {
        options.onExit?.(code);
        return;
      }
      // Back off when it keeps dying at once; reset after a healthy minute.
      restarts = Date.now() - startedAt > 60_000 ? 1 : restarts + 1;
      const delay = Math.min(500 * 2 ** (restarts - 1), 10_000);
      console.log(
        `[launcher] ${options.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`,
      );
      timer = setTimeout(start, delay);
    });
  };
  start();

  return {
    name: options.name,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const running = child;
      if (!running?.pid) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      killGroup(running.pid, "SIGTERM");
      const forced = setTimeout(() => killGroup(running.pid!, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(forced);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
