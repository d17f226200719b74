import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";

const saved = { ...process.env };
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-secret-"));
  vi.resetModules();
});

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function loadSecret(env: Record<string, string>) {
  Object.assign(process.env, { AUTH_SECRET: "", JARVUS_DATA_DIR: dataDir, ...env });
  const { resetEnvCache: reset } = await import("@/lib/env");
  reset();
  return (await import("@/lib/auth/secret")).getAuthSecret;
}

describe("auth secret", () => {
  it("uses AUTH_SECRET when set", async () => {
    const getAuthSecret = await loadSecret({ AUTH_SECRET: "s".repeat(40), NODE_ENV: "production" });
    expect(getAuthSecret()).toBe("s".repeat(40));
  });

  it("refuses to run in production without AUTH_SECRET", async () => {
    const getAuthSecret = await loadSecret({ NODE_ENV: "production" });
    expect(() => getAuthSecret()).toThrow(/AUTH_SECRET is required in production/);
  });

  it("in development generates one, keeps it in the data folder, and reuses it", async () => {
    const first = (await loadSecret({ NODE_ENV: "development" }))();
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dataDir, "auth-secret"), "utf8")).toBe(first);
    vi.resetModules();
    const second = (await loadSecret({ NODE_ENV: "development" }))();
    expect(second).toBe(first);
  });
});
