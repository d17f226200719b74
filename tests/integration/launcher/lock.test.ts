import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, CHILD_MARKER } from "@/scripts/lock";
import { running } from "@/tests/helpers/processes";

/**
 * The data-folder lock after a launcher was killed outright: its children are
 * named in the lock, and the next start stops the ones that are still ours.
 */
const dirs: string[] = [];
const pids: number[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A long-running node process in a group of its own, started by `launcherPid` (as its environment says) or not. */
function child(launcherPid: number | null): number {
  const env = { ...process.env, ...(launcherPid ? { [CHILD_MARKER]: String(launcherPid) } : {}) };
  const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore", env });
  c.unref();
  pids.push(c.pid!);
  return c.pid!;
}

function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).stdout.trim() as unknown as number;
}

describe("launcher lock", () => {
  it("stops what a killed launcher left running, leaves processes that are not its own, and takes the lock", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-lock-"));
    dirs.push(dir);
    const launcher = Number(deadPid());
    const leftover = child(launcher);
    const stranger = child(null);
    const reused = child(launcher + 1); // another launcher's child under a recorded pid
    await new Promise((r) => setTimeout(r, 300));
    fs.writeFileSync(
      path.join(dir, "launcher.lock"),
      JSON.stringify({ pid: launcher, children: { Next: leftover, other: stranger, reused } }),
    );
    const lines: string[] = [];
    const lock = acquireLock(dir, (l) => lines.push(l));
    expect(running(leftover)).toBe(false);
    expect(running(stranger)).toBe(true);
    expect(running(reused)).toBe(true);
    expect(lines.join("\n")).toMatch(new RegExp(`stopping Next \\(pid ${leftover}\\)`));
    expect(JSON.parse(fs.readFileSync(path.join(dir, "launcher.lock"), "utf8")).pid).toBe(process.pid);
    lock.recordChild("Next", 12345);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "launcher.lock"), "utf8")).children).toEqual({ Next: 12345 });
    lock.release();
    expect(fs.existsSync(path.join(dir, "launcher.lock"))).toBe(false);
  });

  it("refuses while the holder is alive", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-lock-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "launcher.lock"), JSON.stringify({ pid: process.pid, children: {} }));
    expect(() => acquireLock(dir)).toThrow(/already running/);
  });

  it("a child with the preload stops when its parent is killed", async () => {
    // parent: a node process that starts the child and waits; SIGKILL it, the child follows.
    const script = `
      const { spawn } = require("node:child_process");
      const c = spawn(process.execPath, ["--import", ${JSON.stringify(path.resolve("scripts/exit-with-parent.mjs"))}, "-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
      console.log(c.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
    pids.push(parent.pid!);
    const childPid = await new Promise<number>((resolve) => parent.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
    pids.push(childPid);
    await new Promise((r) => setTimeout(r, 300));
    expect(running(childPid)).toBe(true);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 5_000;
    while (running(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(running(childPid)).toBe(false);
  });
});
