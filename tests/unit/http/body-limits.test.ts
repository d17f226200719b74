import { describe, expect, it } from "vitest";
import { MAX_CHAT_BODY_BYTES } from "@/app/api/chat/schema";
import { MAX_IMPORT_BYTES } from "@/app/api/import/schema";
import type { NextConfig } from "next";
// @ts-expect-error -- next.config.mjs is plain JavaScript without a declaration file.
import config from "@/next.config.mjs";

const nextConfig = config as NextConfig;

describe("body limits", () => {
  it("Next buffers more than the largest body a route accepts, so an oversize upload still reads as 413", () => {
    const buffered = nextConfig.experimental?.proxyClientMaxBodySize;
    expect(typeof buffered).toBe("number");
    expect(buffered as number).toBeGreaterThan(Math.max(MAX_IMPORT_BYTES, MAX_CHAT_BODY_BYTES));
  });
});
