/**
 * Realistic chat turns for the benches, sampled from the labelled extraction
 * fixtures (tests/fixtures/extraction/utterances.json): facts, instructions,
 * questions, hypotheticals, prompt-like traps and tool-call turns, saved
 * through the app's own queries exactly as the chat route saves them.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface FixtureCase {
  id: string;
  tags: string[];
  user: string;
  assistant: string;
  toolCalls: Array<{ toolName: string; input: unknown; output?: unknown; error?: string }>;
}

export interface TurnContent {
  caseId: string;
  userText: string;
  assistantText: string;
  /** UI message tool parts of the assistant message (`tool-<name>`), as the chat route stores them. */
  toolParts: Record<string, unknown>[];
}

const fixturePath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "tests",
  "fixtures",
  "extraction",
  "utterances.json",
);

export function loadFixtureCases(): FixtureCase[] {
  const json = JSON.parse(fs.readFileSync(fixturePath, "utf8")) as { cases: FixtureCase[] };
  // An empty message never reaches the chat route.
  return json.cases.filter((c) => c.user.trim() !== "");
}

export function contentOf(c: FixtureCase): TurnContent {
  return {
    caseId: c.id,
    userText: c.user,
    assistantText: c.assistant,
    toolParts: c.toolCalls.map((t, i) => ({
      type: `tool-${t.toolName}`,
      toolCallId: `call_${c.id}_${i}`,
      ...(t.error !== undefined || t.output === undefined
        ? { state: "output-error", input: t.input, errorText: t.error ?? "failed" }
        : { state: "output-available", input: t.input, output: t.output }),
    })),
  };
}

/** A sampler over the fixture cases; tool-call turns weighted ×3 (they are 6 % of the fixtures). */
export function turnSampler(random: () => number, filter: (c: FixtureCase) => boolean = () => true) {
  const cases = loadFixtureCases().filter(filter);
  const pool = cases.flatMap((c) => (c.toolCalls.length > 0 ? [c, c, c] : [c]));
  return () => contentOf(pool[Math.floor(random() * pool.length)]!);
}

/** A guest user with one conversation, as the chat route creates them. */
export async function createUserWithConversation(title = "Bench chat"): Promise<{ userId: string; conversationId: string }> {
  const { createGuestUser } = await import("@/db/queries/users");
  const { claimConversation } = await import("@/db/queries/conversations");
  const { id: userId } = await createGuestUser();
  const conversationId = randomUUID();
  await claimConversation({ userId, id: conversationId, title });
  return { userId, conversationId };
}

/** Saves one finished exchange with the app's saveTurn (the end of the stream). */
export async function saveChatTurn(
  target: { userId: string; conversationId: string },
  content: TurnContent,
): Promise<{ turnId: string; userId: string; conversationId: string }> {
  const { saveTurn } = await import("@/db/queries/turns");
  const turnId = randomUUID();
  await saveTurn({
    ...target,
    turnId,
    userMessage: { id: randomUUID(), parts: [{ type: "text", text: content.userText }] },
    assistantMessage: {
      id: randomUUID(),
      parts: [{ type: "step-start" }, ...content.toolParts, { type: "text", text: content.assistantText }],
    },
  });
  return { turnId, ...target };
}
