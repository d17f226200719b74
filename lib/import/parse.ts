import { parseChatGptExport } from "./chatgpt";
import { parseJarvusImport } from "./jarvus";
import { ImportValidationError, type ParsedImport } from "./types";

/** Detects the format by shape — ChatGPT exports are a bare array — and validates all of it. */
export function parseImport(body: unknown): ParsedImport {
  if (Array.isArray(body)) return parseChatGptExport(body);
  if (body !== null && typeof body === "object" && "format" in body) return parseJarvusImport(body);
  throw new ImportValidationError(
    "(body)",
    'expected { "format": "jarvus", "conversations": [...] } or ChatGPT\'s conversations.json (an array)',
  );
}
