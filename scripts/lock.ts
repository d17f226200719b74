import fs from "node:fs";
import path from "node:path";

/**
 * An exclusive lock on the data folder. PGlite does not lock its directory and
 * two openers silently lose writes, so a second launcher must refuse to start.
 */
export function acquireLock(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "launcher.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return {
        release() {
          try {
            if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(file, "utf8"));
      if (holder && isAlive(holder)) {
        throw new Error(
          `Jarvus is already running from this folder (pid ${holder}, lock ${file}). ` +
            "Stop it first (Ctrl-C in its terminal); two servers on one data folder would corrupt it.",
        );
      }
      fs.unlinkSync(file); // left behind by a crashed launcher
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
