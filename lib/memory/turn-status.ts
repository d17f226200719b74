import "server-only";
import { getMemoryJobsByTurnId } from "@/db/queries/memory-jobs";
import type { TurnRow } from "@/db/queries/turns";
import { env } from "@/lib/env";
import { memoryTypes } from "./types";

/**
 * Whether the turn's event reached Inngest: `delayed` when handing it over
 * failed (Inngest unreachable) — the outbox retries it; the UI says so and
 * offers Retry.
 */
export type TurnDelivery = "sent" | "waiting" | "delayed";

export interface TurnStatusView {
  id: string;
  conversationId: string;
  status: TurnRow["memoryStatus"];
  delivery: TurnDelivery;
  /** The turn's run on the Inngest dashboard, when one is configured (INNGEST_DASHBOARD_URL). */
  runUrl: string | null;
  jobs: {
    type: (typeof memoryTypes)[number];
    status: "pending" | "running" | "done" | "failed";
    attempts: number;
    added: number;
    updated: number;
    superseded: number;
    error: string | null;
  }[];
}

/** A turn's memory status as GET /api/turns/:id answers it: always all three types. */
export async function getTurnStatusView(turn: TurnRow): Promise<TurnStatusView> {
  const jobs = await getMemoryJobsByTurnId({ turnId: turn.id });
  return {
    id: turn.id,
    conversationId: turn.conversationId,
    status: turn.memoryStatus,
    delivery: deliveryOf(turn),
    runUrl: runUrlOf(turn.id),
    jobs: memoryTypes.map((type) => {
      const job = jobs.find((j) => j.type === type);
      return {
        type,
        status: job?.status ?? "pending",
        attempts: job?.attempts ?? 0,
        added: job?.added ?? 0,
        updated: job?.updated ?? 0,
        superseded: job?.superseded ?? 0,
        error: job?.error ?? null,
      };
    }),
  };
}

export function deliveryOf(turn: Pick<TurnRow, "memoryStatus" | "eventSentAt" | "eventFailedAt">): TurnDelivery {
  if (turn.memoryStatus !== "pending" || turn.eventSentAt) return "sent";
  return turn.eventFailedAt ? "delayed" : "waiting";
}

/** The dashboard's run search for the turn: its events carry the turn id (the local server's `/runs?q=`). */
export function runUrlOf(turnId: string): string | null {
  const dashboard = env().INNGEST_DASHBOARD_URL;
  if (!dashboard) return null;
  const url = new URL("/runs", dashboard);
  url.searchParams.set("q", turnId);
  return url.toString();
}
