import { z } from "zod";
import { formatPath, ImportValidationError, type ParsedImport } from "./types";

/**
 * The Jarvus format (DESIGN §6):
 * `{ format: "jarvus", conversations: [{ externalId?, title?, messages: [{ role, text, createdAt }] }] }`.
 */
const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const messageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  text: z.string(),
  createdAt: isoInstant,
});

export const jarvusImportSchema = z.object({
  format: z.literal("jarvus"),
  conversations: z
    .array(
      z.object({
        externalId: z.string().trim().min(1).max(200).optional(),
        title: z.string().trim().max(200).optional(),
        messages: z.array(messageSchema),
      }),
    )
    .min(1),
});

export function parseJarvusImport(body: unknown): ParsedImport {
  const parsed = jarvusImportSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImportValidationError(formatPath(issue.path), issue.message);
  }
  return {
    format: "jarvus",
    conversations: parsed.data.conversations.map((c) => ({
      externalId: c.externalId ?? null,
      title: c.title || null,
      messages: c.messages
        .filter((m) => m.text.trim() !== "")
        .map((m) => ({ role: m.role, text: m.text, createdAt: new Date(m.createdAt) }))
        // Stable: messages with the same instant keep the order they were written in.
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
    })),
  };
}
