import { spawn, type ChildProcess } from "node:child_process";

export interface Supervised {
  readonly name: string;
  stop(): Promise<void>;
}

interface Options {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Restart when it dies on its own (with a short back-off), instead of giving up. */
  restart: boolean;
  /** Called when a non-restarting child exits by itself. */
  onExit?: (code: number | null) => void;
}

/**
 * Runs a child in its own process group (so Ctrl-C handling stays with the
 * launcher and grandchildren die with it), prefixing nothing: children print
 * their own tagged lines.
 */
export function supervise(options: Options): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    child = spawn(options.command, options.args, {
      env: options.env,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
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
