/**
 * One application error type. The code's prefix decides the HTTP status; the
 * suffix names the surface (`not_found:conversation`). Tests assert codes, not
 * wording. Database and other internal errors never reach the client.
 */
const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  // Only for a cross-site origin (DESIGN §6): someone else's ids answer 404, never 403.
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorKind = keyof typeof statusByKind;
export type ErrorCode = `${ErrorKind}:${string}`;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. `Retry-After` on a 429. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    const kind = code.slice(0, code.indexOf(":")) as ErrorKind;
    this.status = statusByKind[kind];
    this.headers = options?.headers ?? {};
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    if (error.status >= 500) console.error(`[api] ${error.code}`, error.cause ?? error);
    return Response.json(
      { code: error.code, message: error.message },
      { status: error.status, headers: { "cache-control": "no-store", ...error.headers } },
    );
  }
  console.error("[api] unexpected error", error);
  return Response.json(
    { code: "internal:server", message: "Something went wrong on our side. Please try again." },
    { status: 500 },
  );
}

/** Wraps a route handler so every thrown error becomes `{ code, message }`. */
export function withErrorHandling<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
