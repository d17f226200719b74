import { z } from "zod";
import { formatPath, ImportValidationError, type ImportedMessage, type ParsedImport } from "./types";

/**
 * ChatGPT's data export, `conversations.json`: an array of conversations,
 * each a tree (`mapping`) of message nodes linked by `parent`/`children`,
 * because an edited message starts a new branch. Only the branch the user
 * last saw counts: from `current_node` (else the newest leaf) up to the root.
 * Only user and assistant text is kept; system, tool and hidden nodes and
 * non-text parts (images, code output) are skipped. Times are epoch seconds.
 */
const nodeSchema = z.object({
  parent: z.string().nullable().optional(),
  children: z.array(z.string()).optional(),
  message: z
    .object({
      author: z.object({ role: z.string() }),
      content: z.object({ content_type: z.string().optional(), parts: z.array(z.unknown()).optional() }).optional(),
      create_time: z.number().nullable().optional(),
      metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    })
    .nullable()
    .optional(),
});

const conversationSchema = z.object({
  id: z.string().optional(),
  conversation_id: z.string().optional(),
  title: z.string().nullable().optional(),
  create_time: z.number().nullable().optional(),
  current_node: z.string().nullable().optional(),
  mapping: z.record(z.string(), nodeSchema),
});

export const chatGptExportSchema = z.array(conversationSchema).min(1);

type Node = z.infer<typeof nodeSchema>;

/** The node the user last saw: `current_node`, else the leaf with the newest message. */
function lastNode(mapping: Record<string, Node>, current: string | null | undefined): string | undefined {
  if (current && mapping[current]) return current;
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const [id, node] of Object.entries(mapping)) {
    if ((node.children?.length ?? 0) > 0) continue;
    const t = node.message?.create_time ?? -1;
    if (t >= bestTime) [best, bestTime] = [id, t];
  }
  return best;
}

function textOf(node: Node): string {
  const parts = node.message?.content?.parts ?? [];
  return parts
    .filter((p): p is string => typeof p === "string")
    .join("\n")
    .trim();
}

export function parseChatGptExport(body: unknown): ParsedImport {
  const parsed = chatGptExportSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImportValidationError(formatPath(issue.path), issue.message);
  }
  return {
    format: "chatgpt",
    conversations: parsed.data.map((conversation, index) => {
      const chain: string[] = [];
      const seen = new Set<string>();
      for (let id = lastNode(conversation.mapping, conversation.current_node); id; ) {
        if (seen.has(id)) throw new ImportValidationError(`[${index}].mapping.${id}.parent`, "the branch loops back on itself");
        seen.add(id);
        chain.push(id);
        id = conversation.mapping[id]?.parent ?? undefined;
      }
      chain.reverse();
      const fallback = conversation.create_time ?? null;
      let previous: number | null = fallback;
      const messages: ImportedMessage[] = [];
      for (const id of chain) {
        const node = conversation.mapping[id]!;
        const role = node.message?.author.role;
        const hidden = node.message?.metadata?.is_visually_hidden_from_conversation === true;
        const seconds = node.message?.create_time ?? previous;
        if (node.message?.create_time != null) previous = node.message.create_time;
        if ((role !== "user" && role !== "assistant") || hidden) continue;
        const text = textOf(node);
        if (text === "") continue;
        if (seconds === null || seconds === undefined) {
          throw new ImportValidationError(`[${index}].mapping.${id}.message.create_time`, "the message has no time, nor has its conversation");
        }
        messages.push({ role, text, createdAt: new Date(seconds * 1000) });
      }
      return { externalId: conversation.id ?? conversation.conversation_id ?? null, title: conversation.title ?? null, messages };
    }),
  };
}
