import { describe, expect, it } from "vitest";
import { getTurnById } from "@/db/queries/turns";
import { seedTurn } from "./fixtures";

describe("sending the turn event while Inngest is down", () => {
  it("reports the failure and leaves the turn pending for the outbox", async () => {
    // Nothing listens on this loopback port; the app's client reads INNGEST_DEV when imported.
    process.env.INNGEST_DEV = "http://127.0.0.1:9";
    const { sendTurnEvent } = await import("@/inngest/send");
    const turn = await seedTurn({ userText: "I live in Porto" });
    expect(await sendTurnEvent(turn)).toBe(false);
    const stored = await getTurnById({ userId: turn.userId, id: turn.turnId });
    expect(stored).toMatchObject({ memoryStatus: "pending", eventSentAt: null });
    // Marked delayed, so the UI can say so and the outbox re-sends at its next sweep.
    expect(stored?.eventFailedAt).toBeInstanceOf(Date);
    const { getTurnStatusView } = await import("@/lib/memory/turn-status");
    expect((await getTurnStatusView(stored!)).delivery).toBe("delayed");
  }, 30_000);
});
