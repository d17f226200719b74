import type { z } from "zod";
import { isUuid } from "@/lib/uuid";
import { AppError } from "./errors";

/** Reads a JSON body with a byte cap, then validates it. Nothing is changed on failure. */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { surface: string; maxBytes: number },
): Promise<z.infer<S>> {
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > options.maxBytes) {
    throw new AppError(
      `too_large:${options.surface}`,
      `The request body is larger than ${options.maxBytes} bytes.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AppError("bad_request:json", "The request body is not valid JSON.", { cause });
  }
  const parsed = schema.safeParse(toStorable(json, options.surface));
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
      .join("; ");
    throw new AppError(`bad_request:${options.surface}`, `Invalid request: ${detail}`);
  }
  return parsed.data;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as Postgres can keep it. JSON may carry a lone surrogate ("\ud800"),
 * which jsonb and text columns reject, so it becomes U+FFFD (what a
 * well-formed decoder shows anyway); a NUL character has no such stand-in,
 * so it is refused. Either way the caller never acknowledges text it cannot
 * store.
 */
export function toStorableText(value: string, surface: string): string {
  if (value.includes("\u0000")) {
    throw new AppError(`bad_request:${surface}`, "Text may not contain NUL (\\u0000) characters.");
  }
  return value.replace(LONE_SURROGATE, "\uFFFD");
}

/** toStorableText over every string (keys too) of a parsed JSON value. */
export function toStorable(value: unknown, surface: string): unknown {
  if (typeof value === "string") return toStorableText(value, surface);
  if (Array.isArray(value)) return value.map((v) => toStorable(v, surface));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [toStorableText(k, surface), toStorable(v, surface)]),
    );
  }
  return value;
}

/** A query-string parameter, storable (see toStorableText), or null when absent. */
export function queryParam(url: URL, name: string, surface: string): string | null {
  const value = url.searchParams.get(name);
  return value === null ? null : toStorableText(value, surface);
}

/** Validates a uuid path parameter; anything else is simply not found. */
export function parseUuidParam(value: string, surface: string): string {
  if (!isUuid(value)) throw new AppError(`not_found:${surface}`, `No such ${surface}.`);
  return value.toLowerCase();
}
