import "server-only";
import { type ErrorKind } from "@/lib/http/errors";
import { getAuth } from "./auth";

/**
 * Answers /api/auth/* with better-auth, its errors rewritten into the
 * project's `{ code, message }` shape and statuses (DESIGN §6): a wrong
 * password is 401 `unauthorized:credentials` whichever half was wrong, a
 * taken email 409 `conflict:email`.
 */
export async function handleAuthRequest(request: Request): Promise<Response> {
  const response = await getAuth().handler(request);
  if (response.status < 400) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { code?: unknown; message?: unknown } | null;
  const { status, code } = projectError(response.status, typeof body?.code === "string" ? body.code : undefined);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  const message = typeof body?.message === "string" && body.message ? body.message : fallbackMessage(status);
  return new Response(JSON.stringify({ code, message }), { status, headers });
}

const kindByStatus: Record<number, ErrorKind> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  415: "unsupported_media_type",
  429: "rate_limit",
  503: "unavailable",
};

/** better-auth codes that get a status or name of the project's own. */
const known: Record<string, { status: number; code: string }> = {
  INVALID_EMAIL_OR_PASSWORD: { status: 401, code: "unauthorized:credentials" },
  USER_ALREADY_EXISTS: { status: 409, code: "conflict:email" },
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: { status: 409, code: "conflict:email" },
  INVALID_PASSWORD: { status: 400, code: "bad_request:current_password" },
  PASSWORD_TOO_SHORT: { status: 400, code: "bad_request:password_too_short" },
  PASSWORD_TOO_LONG: { status: 400, code: "bad_request:password_too_long" },
  INVALID_TOKEN: { status: 400, code: "bad_request:token" },
};

export function projectError(status: number, code: string | undefined): { status: number; code: string } {
  if (code && code.includes(":")) return { status, code }; // ours already (rate limits, unavailable)
  if (code && known[code]) return known[code];
  const mapped = status === 422 ? 400 : status;
  const kind = kindByStatus[mapped] ?? (mapped >= 500 ? "internal" : "bad_request");
  return { status: mapped, code: `${kind}:${(code ?? "auth").toLowerCase()}` };
}

function fallbackMessage(status: number): string {
  if (status === 404) return "There is nothing here.";
  if (status >= 500) return "Something went wrong on our side. Please try again.";
  return "The request was not accepted.";
}
