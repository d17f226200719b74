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
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
      .join("; ");
    throw new AppError(`bad_request:${options.surface}`, `Invalid request: ${detail}`);
  }
  return parsed.data;
}

/** Validates a uuid path parameter; anything else is simply not found. */
export function parseUuidParam(value: string, surface: string): string {
  if (!isUuid(value)) throw new AppError(`not_found:${surface}`, `No such ${surface}.`);
  return value.toLowerCase();
}
