import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";

/** What the app registers for imported history: a throttle from IMPORT_TURNS_PER_SECOND, and a per-user concurrency key. */
describe("extract-imported-memories", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("is throttled at IMPORT_TURNS_PER_SECOND (default 2 per second) and runs at most 4 of a user's turns at once", async () => {
    resetEnvCache();
    const { createExtractMemories } = await import("@/inngest/functions/extract-memories");
    const extractor = () => {
      throw new Error("not called");
    };
    const byDefault = createExtractMemories({ extractor, source: "import" });
    expect(byDefault.opts.throttle).toEqual({ limit: 2, period: "1s" });
    expect(byDefault.opts.concurrency).toEqual({ limit: 4, key: "event.data.userId" });

    vi.stubEnv("IMPORT_TURNS_PER_SECOND", "5");
    resetEnvCache();
    expect(createExtractMemories({ extractor, source: "import" }).opts.throttle).toEqual({ limit: 5, period: "1s" });

    // Live chat is never throttled: one turn at a time per user, in order.
    const chat = createExtractMemories({ extractor, source: "chat" });
    expect(chat.opts.throttle).toBeUndefined();
    expect(chat.opts.concurrency).toEqual({ limit: 1, key: "event.data.userId" });
  });
});
