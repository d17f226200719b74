import { type JSONSchema7, jsonSchema, type Schema } from "ai";
import { z } from "zod";

type JSONSchema7Definition = JSONSchema7 | boolean;

/**
 * The contract schema (lib/memory/types.ts) as a structured-output schema.
 *
 * Two differences from passing the zod schema straight through, both so one
 * over-long string cannot cost a whole extraction:
 * - the JSON Schema sent to the model has no minLength/maxLength: OpenAI's
 *   strict structured outputs reject those keywords
 *   (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas);
 * - before zod validates the answer, strings are cut to their maxLength,
 *   numbers clamped to their range, arrays cut to maxItems, and "" becomes null
 *   where null is allowed. Anything else that does not fit still fails.
 */
export function structuredSchema<T>(contract: z.ZodType<T>): Schema<T> {
  const full = z.toJSONSchema(contract, { target: "draft-7", io: "input" }) as JSONSchema7;
  const wire = stripLengthKeywords(full) as JSONSchema7;
  delete wire.$schema;
  return jsonSchema<T>(wire, {
    validate: (value) => {
      const parsed = contract.safeParse(fitToSchema(value, full));
      return parsed.success ? { success: true, value: parsed.data } : { success: false, error: parsed.error };
    },
  });
}

function stripLengthKeywords(schema: JSONSchema7Definition): JSONSchema7Definition {
  if (typeof schema === "boolean") return schema;
  const out: JSONSchema7 = { ...schema };
  delete out.minLength;
  delete out.maxLength;
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, stripLengthKeywords(v)]));
  }
  if (out.items && !Array.isArray(out.items)) out.items = stripLengthKeywords(out.items);
  if (out.anyOf) out.anyOf = out.anyOf.map(stripLengthKeywords);
  return out;
}

function allowsNull(schema: JSONSchema7): boolean {
  return (
    schema.type === "null" ||
    (Array.isArray(schema.type) && schema.type.includes("null")) ||
    (schema.anyOf ?? []).some((s: JSONSchema7Definition) => typeof s !== "boolean" && allowsNull(s))
  );
}

/** Best-effort fit of a model's answer to the bounds of `schema`; never throws. */
export function fitToSchema(value: unknown, schema: JSONSchema7Definition): unknown {
  if (typeof schema === "boolean") return value;
  if (value === "" && allowsNull(schema)) return null;
  if (value === null) return value;
  if (schema.anyOf) {
    const branch = schema.anyOf.find((s: JSONSchema7Definition): s is JSONSchema7 => typeof s !== "boolean" && s.type !== "null");
    return branch ? fitToSchema(value, branch) : value;
  }
  if (typeof value === "string" && typeof schema.maxLength === "number" && value.length > schema.maxLength) {
    return value.slice(0, schema.maxLength);
  }
  if (typeof value === "number") {
    let n = value;
    if (typeof schema.minimum === "number") n = Math.max(schema.minimum, n);
    if (typeof schema.maximum === "number") n = Math.min(schema.maximum, n);
    return n;
  }
  if (Array.isArray(value)) {
    const items = schema.items && !Array.isArray(schema.items) ? schema.items : undefined;
    const kept = typeof schema.maxItems === "number" ? value.slice(0, schema.maxItems) : value;
    return items ? kept.map((v) => fitToSchema(v, items)) : kept;
  }
  if (typeof value === "object" && schema.properties) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => {
        const property = schema.properties?.[k];
        return [k, property === undefined ? v : fitToSchema(v, property)];
      }),
    );
  }
  return value;
}
