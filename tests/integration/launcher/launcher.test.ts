import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/ports";
import { health, launch, pidsMatching, portOpen, waitFor, type LauncherPorts } from "@/tests/helpers/processes";

/**
 * `npm run dev` as a newcomer runs it: no DATABASE_URL, no Inngest, nothing
 * configured. The launcher must bring up embedded Postgres, the local Inngest
 * server and Next, supervise the Inngest server, refuse a second start on the
 * same data folder, stop every child on Ctrl-C, and keep the data.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-launcher-"));
const children: ChildProcess[] = [];

function launchDev(ports: LauncherPorts) {
  const started = launch("dev", ports, dataDir);
  children.push(started.child);
  return started;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("launcher (npm run dev)", () => {
  it("starts everything, supervises the Inngest server, refuses a second start, stops cleanly, keeps data", async () => {
    const ports: LauncherPorts = { app: await freePort(), db: await freePort(), inngest: await freePort(), ui: await freePort() };
    const first = launchDev(ports);
    const up = await waitFor(async () => {
      const h = await health(ports.app);
      return h?.ok && h.inngest === "up" ? h : undefined;
    }, 150_000, "the app, the database and the local Inngest server");
    expect(up).toEqual({ ok: true, db: "up", inngest: "up" });
    expect(first.output()).toContain(`embedded Postgres: postgres://postgres@127.0.0.1:${ports.db}/postgres`);
    expect(first.output()).toContain(`app: http://127.0.0.1:${ports.app}`);
    expect(first.output()).toContain(`dashboard http://127.0.0.1:${ports.inngest}`);
    // The dashboard answers on the Inngest API's port, where Inngest users look; the old UI port redirects there.
    const dashboard = await fetch(`http://127.0.0.1:${ports.inngest}/runs`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await dashboard.text()).toContain("<h1>Runs</h1>");
    const moved = await fetch(`http://127.0.0.1:${ports.ui}/runs?q=x`, { redirect: "manual" });
    expect(moved.status).toBe(307);
    expect(moved.headers.get("location")).toBe(`http://127.0.0.1:${ports.inngest}/runs?q=x`);

    // psql-style clients reach the embedded database; this row must survive a restart.
    const dbUrl = `postgres://postgres@127.0.0.1:${ports.db}/postgres`;
    const client = new pg.Client(dbUrl);
    await client.connect();
    await client.query("create table if not exists launcher_probe (v text)");
    await client.query("insert into launcher_probe values ('kept')");
    await client.end();

    // A second launcher on the same data folder refuses, and says why.
    const second = launchDev({ ...ports, app: await freePort() });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already running/);

    // The Inngest server dies: the launcher says so and restarts it; the app keeps answering.
    const pids = pidsMatching("local-server", `--port\0${ports.inngest}\0`);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(Number(pid), "SIGKILL");
    await waitFor(() => /local Inngest server exited .*restarting/.test(first.output()) || undefined, 20_000, "restart notice");
    expect((await health(ports.app))?.db).toBe("up");
    await waitFor(async () => ((await health(ports.app))?.inngest === "up" ? true : undefined), 60_000, "Inngest back");

    // Ctrl-C stops every child and frees every port.
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    for (const port of [ports.app, ports.db, ports.inngest, ports.ui]) expect(await portOpen(port)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "launcher.lock"))).toBe(false);

    // Data survives: start again on the same folder and read the row back.
    const third = launchDev(ports);
    await waitFor(async () => ((await health(ports.app))?.ok ? true : undefined), 150_000, "restart");
    const again = new pg.Client(dbUrl);
    await again.connect();
    expect((await again.query("select v from launcher_probe")).rows).toEqual([{ v: "kept" }]);
    await again.end();
    third.child.kill("SIGINT");
    expect(await third.exited).toBe(0);
  }, 420_000);

  it("`npm start` refuses to run without AUTH_SECRET, before starting anything", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/launcher.ts", "start"], {
      env: { ...process.env, AUTH_SECRET: "", JARVUS_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/AUTH_SECRET is required/);
    expect(output).not.toMatch(/embedded Postgres:/);
  }, 60_000);

  it("`npm start` refuses INNGEST_DEV (it would turn off signature checks), before starting anything", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/launcher.ts", "start"], {
      env: { ...process.env, AUTH_SECRET: "x".repeat(32), INNGEST_DEV: "1", JARVUS_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/INNGEST_DEV is set, but `npm start` is production/);
    expect(output).not.toMatch(/embedded Postgres:/);
  }, 60_000);
});
