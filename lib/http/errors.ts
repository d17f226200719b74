/**
 * One application error type. The code's prefix decides the HTTP status; the
 * suffix names the surface (`not_found:conversation`). Tests assert codes, not
 * wording. Database and other internal errors never reach the client.
 */
const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  too_large: 413,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorKind = keyof typeof statusByKind;
export type ErrorCode = `${ErrorKind}:${string}`;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    const kind = code.slice(0, code.indexOf(":")) as ErrorKind;
    this.status = statusByKind[kind];
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    if (error.status >= 500) console.error(`[api] ${error.code}`, error.cause ?? error);
    return Response.json({ code: error.code, message: error.message }, { status: error.status });
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
