import fs from "node:fs";
import path from "node:path";

/**
 * An exclusive lock on the data folder. PGlite does not lock its directory and
 * two openers silently lose writes, so a second launcher must refuse to start.
 * The lock also names the launcher's children, so a launcher that was killed
 * outright (kill -9) leaves enough behind for the next start to stop them.
 */
export interface Lock {
  /** Records a started child (a restart replaces the pid under the same name). */
  recordChild(name: string, pid: number): void;
  release(): void;
}

interface LockFile {
  pid: number;
  children: Record<string, number>;
}

/**
 * In the environment of every child a launcher starts (its value: the
 * launcher's pid). The environment, not the command line: Next renames its
 * process ("next-server (v16…)"), which rewrites what /proc shows as argv.
 */
export const CHILD_MARKER = "JARVUS_LAUNCHER_PID";

export function acquireLock(dataDir: string, log: (line: string) => void = () => {}): Lock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "launcher.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    const state: LockFile = { pid: process.pid, children: {} };
    try {
      fs.writeFileSync(file, JSON.stringify(state), { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLock(file);
      if (holder && isAlive(holder.pid)) {
        throw new Error(
          `Jarvus is already running from this folder (pid ${holder.pid}, lock ${file}). ` +
            "Stop it first (Ctrl-C in its terminal); two servers on one data folder would corrupt it.",
        );
      }
      // Left behind by a launcher that died without stopping its children.
      if (holder) stopLeftovers(holder, log);
      fs.unlinkSync(file);
      continue;
    }
    const write = () => fs.writeFileSync(file, JSON.stringify(state));
    return {
      recordChild(name, pid) {
        state.children[name] = pid;
        write();
      },
      release() {
        try {
          if (readLock(file)?.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`Could not take the lock ${file}`);
}

function readLock(file: string): LockFile | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  // Older launchers wrote the bare pid.
  if (/^\d+$/.test(text.trim())) return { pid: Number(text), children: {} };
  try {
    const parsed = JSON.parse(text) as Partial<LockFile>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, children: parsed.children ?? {} } : null;
  } catch {
    return null;
  }
}

/**
 * Stops the children a dead launcher recorded — only processes that are still
 * its own (their environment names it in CHILD_MARKER), since a pid may have
 * been reused. Each child leads its own process group, which is stopped whole.
 * Throws when one cannot be stopped: a half-up app must not start beside it.
 */
function stopLeftovers(holder: LockFile, log: (line: string) => void): void {
  for (const [name, pid] of Object.entries(holder.children)) {
    if (!isAlive(pid) || !startedBy(pid, holder.pid)) continue;
    log(`stopping ${name} (pid ${pid}) left running by a launcher that was killed`);
    signalGroup(pid, "SIGTERM");
    if (!waitForExit(pid, 5_000)) {
      signalGroup(pid, "SIGKILL");
      if (!waitForExit(pid, 2_000)) {
        throw new Error(`${name} (pid ${pid}) from an earlier launcher is still running and would not stop; stop it by hand.`);
      }
    }
  }
}

function startedBy(pid: number, launcherPid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${CHILD_MARKER}=${launcherPid}`);
  } catch {
    // No /proc (macOS): trust the lock, which only the launcher writes.
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function waitForExit(pid: number, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    Atomics.wait(pause, 0, 0, 100);
  }
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie has exited (it holds no port or file) and only waits for its parent to reap it.
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true;
  }
}
