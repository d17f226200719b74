import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/ports";
import { start, waitFor, type Started } from "@/tests/helpers/processes";

/**
 * The functions worker `npm start` runs beside Next (scripts/inngest-worker.ts), in production
 * mode: like /api/inngest it must refuse what the Inngest server did not sign, answer only
 * loopback Host names, and never hand a stranger a stack trace.
 */
let worker: Started;
let port = 0;

beforeAll(async () => {
  port = await freePort();
  worker = start(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join("scripts", "inngest-worker.ts"), "--port", String(port)],
    {
      ...process.env,
      NODE_ENV: "production",
      INNGEST_DEV: "",
      INNGEST_SIGNING_KEY: `signkey-prod-${"ab".repeat(32)}`,
      INNGEST_EVENT_KEY: "worker-test-event-key",
    },
  );
  await waitFor(() => worker.output().includes("[inngest-worker] functions on") || undefined, 60_000, "the worker to listen");
}, 90_000);

afterAll(async () => {
  worker.child.kill("SIGTERM");
  await worker.exited;
});

const url = (p: string) => `http://127.0.0.1:${port}${p}`;

/** A GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(p: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

describe("the Inngest functions worker in production", () => {
  it("refuses an unsigned call with 401, and tells an unsigned caller nothing of its errors", async () => {
    const res = await fetch(url("/api/inngest?fnId=jarvus-extract-memories&stepId=step"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: { name: "chat/turn.completed", data: {} }, steps: {}, ctx: { run_id: "x", attempt: 0 } }),
    });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ message: "Unauthorized" });
    expect(text).not.toMatch(/at |\/work|node_modules|\.ts/);
    // A sync request (PUT) the SDK fails to complete — it cannot reach an Inngest API from here —
    // answers with its status and a plain message, not the error the SDK would return.
    const put = await fetch(url("/api/inngest"), { method: "PUT" });
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(await put.json()).toEqual({ message: "The request could not be handled." });
    // A GET (introspection) unsigned gives nothing away either.
    const get = await fetch(url("/api/inngest"));
    expect(await get.text()).not.toMatch(/node_modules|\.ts:|signing/i);
  });

  it("answers a Host that is not a loopback name with 403 (DNS rebinding)", async () => {
    const res = await getWithHost("/api/inngest", `attacker.example:${port}`);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ message: "This host name is not served here." });
    expect((await getWithHost("/api/inngest", `localhost:${port}`)).status).not.toBe(403);
    expect((await getWithHost("/api/inngest", `[::1]:${port}`)).status).not.toBe(403);
  });
});
