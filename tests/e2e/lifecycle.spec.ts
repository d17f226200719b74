import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../scripts/ports";
import { childrenOf, health, launch, portOpen, running, waitFor, type LauncherPorts, type Started } from "../helpers/processes";
import { expect, test } from "./fixtures";

/**
 * `npm start` (the production build, embedded Postgres, the local Inngest
 * server) killed outright in the middle of work, on a launcher of this test's
 * own (its own data folder and ports).
 */
test.describe.configure({ timeout: 300_000 });

const STREAMS = 30;
const USERS = 5;

let dataDir = "";
let ports: LauncherPorts;
const launched: Started[] = [];

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-lifecycle-"));
  ports = { app: await freePort(), db: await freePort(), inngest: await freePort(), ui: await freePort() };
});

test.afterAll(async () => {
  for (const r of launched) {
    if (r.child.exitCode === null) {
      r.child.kill("SIGINT");
      await Promise.race([r.exited, new Promise((res) => setTimeout(res, 15_000))]);
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function startLauncher(): Started {
  const started = launch("start", ports, dataDir, {
    AUTH_SECRET: "lifecycle-test-secret-that-is-at-least-32-chars",
    RATE_LIMIT: "off",
  });
  launched.push(started);
  return started;
}

async function upAndHealthy() {
  await waitFor(async () => ((await health(ports.app))?.ok ? true : undefined), 120_000, "the app to answer");
}

async function sessionCookie(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${ports.app}/api/session`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/** Starts a chat and resolves once the first byte of the reply has arrived (the body keeps streaming). */
function chatFirstByte(cookie: string, messageId: string): Promise<void> {
  const body = JSON.stringify({
    id: crypto.randomUUID(),
    message: { id: messageId, role: "user", parts: [{ type: "text", text: `My favourite number is ${messageId.slice(0, 4)}. What is 12 * (3 + 4)?` }] },
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: ports.app, path: "/api/chat", method: "POST", headers: { cookie, "content-type": "application/json" } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`chat answered ${res.statusCode}`));
        res.once("data", () => resolve());
        res.on("error", () => {});
        res.resume();
      },
    );
    req.on("error", () => {});
    req.end(body);
  });
}

test("kill -9 during 30 streams: every message that got a response byte is kept; the next start stops the leftovers and runs", async () => {
  const first = startLauncher();
  await upAndHealthy();
  const children = childrenOf(first.child.pid!);
  expect(children.length).toBe(3); // Next, the local Inngest server and the functions worker

  const cookies = await Promise.all(Array.from({ length: USERS }, () => sessionCookie()));
  const ids = Array.from({ length: STREAMS }, () => crypto.randomUUID());
  await Promise.all(ids.map((id, i) => chatFirstByte(cookies[i % USERS]!, id)));
  // Every stream has answered; most are still streaming. Kill the launcher outright.
  first.child.kill("SIGKILL");
  await first.exited;

  // Its children notice and stop by themselves; a start right away would stop them anyway.
  const again = startLauncher();
  await upAndHealthy();
  for (const pid of children) expect(running(pid), `pid ${pid} of the killed launcher`).toBe(false);
  expect(again.output()).not.toMatch(/EADDRINUSE/);

  const client = new pg.Client(`postgres://postgres@127.0.0.1:${ports.db}/postgres`);
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("select id from messages where id = any($1)", [ids]);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  } finally {
    await client.end();
  }

  again.child.kill("SIGINT");
  expect(await again.exited).toBe(0);
  for (const port of [ports.app, ports.db, ports.inngest]) expect(await portOpen(port)).toBe(false);
});
