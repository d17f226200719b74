import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

let cached: string | undefined;

/**
 * The key that signs session cookies. Production must set AUTH_SECRET; in
 * development a random one is generated once and kept under the data folder,
 * so sessions survive restarts without any setup.
 */
export function getAuthSecret(): string {
  if (cached) return cached;
  const e = env();
  if (e.AUTH_SECRET) return (cached = e.AUTH_SECRET);
  if (e.NODE_ENV === "production") {
    throw new Error("AUTH_SECRET is required in production (at least 32 characters).");
  }
  const file = path.join(e.JARVUS_DATA_DIR, "auth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(e.JARVUS_DATA_DIR, { recursive: true });
    const generated = randomBytes(32).toString("base64url");
    try {
      // "wx": if another process wrote it first, read theirs instead.
      fs.writeFileSync(file, generated, { flag: "wx", mode: 0o600 });
      cached = generated;
    } catch {
      cached = fs.readFileSync(file, "utf8").trim();
    }
  }
  return cached;
}
