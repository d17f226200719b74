import { headers } from "next/headers";
import { getAuth } from "@/lib/auth/auth";
import { deleteAccount } from "@/lib/auth/delete-account";
import { requireAccount } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { deleteAccountSchema } from "./schema";

/**
 * DELETE /api/account { password }: deletes the signed-in account and
 * everything of it (lib/auth/delete-account.ts). 204; the session cookie goes.
 */
export const DELETE = withErrorHandling(async (request: Request) => {
  const { password } = await parseJsonBody(request, deleteAccountSchema, { surface: "account", maxBytes: 2048 });
  const { userId, account } = await requireAccount();
  // The same per-email budget as sign-in: this endpoint must not become a password oracle.
  await enforceRateLimit("sign-in", account.email.toLowerCase());
  const auth = getAuth();
  const valid = await auth.api
    .verifyPassword({ body: { password }, headers: await headers() })
    .then(() => true)
    .catch(() => false);
  if (!valid) throw new AppError("bad_request:current_password", "That password is not right.");
  await deleteAccount({ userId, email: account.email });
  const { authCookies } = await auth.$context;
  const cleared = `${authCookies.sessionToken.name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${authCookies.sessionToken.attributes.secure ? "; Secure" : ""}`;
  return new Response(null, { status: 204, headers: { "set-cookie": cleared, "cache-control": "no-store" } });
});
