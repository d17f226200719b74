import { z } from "zod";

/** DELETE /api/account: the password again, so a borrowed unlocked browser cannot do it in one click. */
export const deleteAccountSchema = z.strictObject({
  password: z.string().min(1).max(1024),
});
