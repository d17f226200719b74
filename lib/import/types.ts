import type { ImportFormat } from "@/db/schema";

/** History as every import format reads into it: what was said, by whom, when. */
export interface ImportedMessage {
  role: "user" | "assistant";
  text: string;
  createdAt: Date;
}

export interface ImportedConversation {
  /** The source's own id (Jarvus `externalId`, ChatGPT conversation id): re-imports find the conversation by it. */
  externalId: string | null;
  title: string | null;
  /** Oldest first. */
  messages: ImportedMessage[];
}

export interface ParsedImport {
  format: ImportFormat;
  conversations: ImportedConversation[];
}

/** The first problem found in an upload, at a path like `conversations[3].messages[7].createdAt`. */
export class ImportValidationError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "ImportValidationError";
  }
}

/** A zod issue path as the error names it: `conversations[3].messages[7].createdAt`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(body)";
}
