import { z } from "zod";

export const memoryTypes = ["episodic", "semantic", "procedural"] as const;

// A form or a hand-written URL sends `?type=` for "no filter".
const absentIfEmpty = (v: unknown) => (v === "" || v === null ? undefined : v);

/** GET /api/memories query string. */
export const listMemoriesQuerySchema = z.object({
  type: z.preprocess(absentIfEmpty, z.enum(memoryTypes).optional()),
  q: z.preprocess(
    absentIfEmpty,
    z
      .string()
      .trim()
      .max(200)
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
  ),
  /** Only the memories this turn wrote (the "view" link of a reply's memory status). */
  turn: z.preprocess(absentIfEmpty, z.uuid().optional().transform((v) => v?.toLowerCase())),
  /** Only these memories, in any state but deleted (the "Used N memories" list of a reply). */
  ids: z.preprocess(
    (v) => (absentIfEmpty(v) === undefined ? undefined : String(v).split(",")),
    z.array(z.uuid().transform((v) => v.toLowerCase())).max(100).optional(),
  ),
  includeInactive: z.preprocess(
    absentIfEmpty,
    z
      .enum(["true", "false"])
      .optional()
      .transform((v) => v === "true"),
  ),
});

/** DELETE /api/memories: forgetting everything takes an explicit `{ confirm: true }`. */
export const forgetAllMemoriesSchema = z.strictObject({ confirm: z.literal(true) });
