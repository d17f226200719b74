import type { Memory, MemoryCounts, MemoryHistoryEntry, MemoryWithHistory } from "@/db/queries/memories";
import type { MemoryAction, MemoryType } from "@/db/schema";

/**
 * The JSON shapes of the memories API (DESIGN §6), shared by the route
 * handlers and the /memories page. Dates are ISO strings; internal columns
 * (user id, normalised text, deletion mark) never leave the server.
 */
export interface MemoryView {
  id: string;
  type: MemoryType;
  key: string | null;
  content: string;
  data: Record<string, unknown>;
  importance: number;
  validFrom: string;
  invalidatedAt: string | null;
  supersededBy: string | null;
  source: { conversationId: string | null; turnId: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface MemoryHistoryView {
  id: string;
  action: MemoryAction;
  previousContent: string | null;
  content: string | null;
  turnId: string | null;
  createdAt: string;
}

export type MemoryWithHistoryView = MemoryView & { history: MemoryHistoryView[] };

/** GET /api/memories/:id */
export type MemoryDetailsView = MemoryWithHistoryView & { predecessors: MemoryWithHistoryView[] };

/** GET /api/memories */
export interface MemoryListView {
  memories: MemoryView[];
  counts: MemoryCounts;
}

export type { MemoryCounts, MemoryType };

export function toMemoryView(m: Memory): MemoryView {
  return {
    id: m.id,
    type: m.type,
    key: m.key,
    content: m.content,
    data: m.data,
    importance: m.importance,
    validFrom: m.validFrom.toISOString(),
    invalidatedAt: m.invalidatedAt?.toISOString() ?? null,
    supersededBy: m.supersededBy,
    source: { conversationId: m.sourceConversationId, turnId: m.sourceTurnId },
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function toMemoryHistoryView(h: MemoryHistoryEntry): MemoryHistoryView {
  return {
    id: h.id,
    action: h.action,
    previousContent: h.previousContent,
    content: h.content,
    turnId: h.turnId,
    createdAt: h.createdAt.toISOString(),
  };
}

export function toMemoryWithHistoryView(m: MemoryWithHistory): MemoryWithHistoryView {
  return { ...toMemoryView(m), history: m.history.map(toMemoryHistoryView) };
}
