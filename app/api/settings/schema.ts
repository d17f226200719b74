import { z } from "zod";

/** PATCH /api/settings. */
export const updateSettingsSchema = z.strictObject({
  /** "Use memory": off, nothing is recalled into replies and nothing new is remembered. */
  memoryEnabled: z.boolean(),
});
