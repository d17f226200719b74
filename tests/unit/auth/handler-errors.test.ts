import { describe, expect, it } from "vitest";
import { projectError } from "@/lib/auth/handler";

describe("better-auth errors in the project's shape", () => {
  it("names the statuses a client acts on", () => {
    expect(projectError(401, "INVALID_EMAIL_OR_PASSWORD")).toEqual({ status: 401, code: "unauthorized:credentials" });
    expect(projectError(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")).toEqual({ status: 409, code: "conflict:email" });
    expect(projectError(400, "PASSWORD_TOO_SHORT")).toEqual({ status: 400, code: "bad_request:password_too_short" });
  });

  it("keeps codes that are already ours (rate limits, unavailable) and their status", () => {
    expect(projectError(429, "rate_limit:sign-in")).toEqual({ status: 429, code: "rate_limit:sign-in" });
    expect(projectError(503, "unavailable:password_reset")).toEqual({ status: 503, code: "unavailable:password_reset" });
  });

  it("derives the kind from the status for the rest; 422 validation errors are 400", () => {
    expect(projectError(403, "INVALID_ORIGIN")).toEqual({ status: 403, code: "forbidden:invalid_origin" });
    expect(projectError(422, "VALIDATION_ERROR")).toEqual({ status: 400, code: "bad_request:validation_error" });
    expect(projectError(404, undefined)).toEqual({ status: 404, code: "not_found:auth" });
    expect(projectError(500, "FAILED_TO_CREATE_USER")).toEqual({ status: 500, code: "internal:failed_to_create_user" });
  });
});
