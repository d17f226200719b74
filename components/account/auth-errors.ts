/**
 * What the account forms say when the server refuses: words for the codes a
 * person can act on, the server's own message (already in words) otherwise.
 */
const words: Record<string, string> = {
  "unauthorized:credentials": "That email and password do not match an account. Check both and try again.",
  "conflict:email": "An account with this email already exists. Sign in instead, or reset its password.",
  "bad_request:password_too_short": "The password is too short: use at least 8 characters.",
  "bad_request:password_too_long": "The password is too long: use at most 128 characters.",
  "bad_request:current_password": "The current password is not right.",
  "bad_request:token": "This reset link has expired or was already used. Ask for a new one.",
  "bad_request:invalid_email": "That does not look like an email address.",
  "unavailable:password_reset": "Password reset by email is not available on this server: no mail sender is configured.",
  "forbidden:origin": "The request came from another site and was refused.",
};

export async function errorInWords(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (body?.code && words[body.code]) return words[body.code]!;
  if (body?.code?.startsWith("rate_limit:") && body.message) return body.message;
  if (res.status >= 500) return "Something went wrong on our side. Please try again.";
  return body?.message || "The request was not accepted. Please try again.";
}

export const PASSWORD_RULES = "At least 8 characters (at most 128). A few unrelated words make a strong one that is easy to remember.";
