import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorResponse, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody, parseUuidParam, queryParam } from "@/lib/http/parse";

const post = (body: string) => new Request("http://x/api", { method: "POST", body });
const schema = z.object({ name: z.string() });

describe("errors", () => {
  it("maps a code's kind to its status", async () => {
    for (const [code, status] of [
      ["bad_request:x", 400],
      ["not_found:x", 404],
      ["too_large:x", 413],
      ["rate_limit:x", 429],
      ["unavailable:x", 503],
    ] as const) {
      const res = errorResponse(new AppError(code, "m"));
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ code, message: "m" });
    }
  });

  it("never leaks an unexpected error's message", async () => {
    const handler = withErrorHandling(async () => {
      throw new Error('relation "users" does not exist');
    });
    const res = await handler();
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.code).toBe("internal:server");
    expect(body.message).not.toContain("users");
  });
});

describe("parseJsonBody", () => {
  const opts = { surface: "thing", maxBytes: 100 };

  it("parses valid JSON through the schema", async () => {
    await expect(parseJsonBody(post('{"name":"a"}'), schema, opts)).resolves.toEqual({ name: "a" });
  });

  it("answers bad_request:json for malformed JSON", async () => {
    await expect(parseJsonBody(post("{"), schema, opts)).rejects.toMatchObject({ code: "bad_request:json" });
  });

  it("answers bad_request:<surface> for a schema violation", async () => {
    await expect(parseJsonBody(post('{"name":1}'), schema, opts)).rejects.toMatchObject({
      code: "bad_request:thing",
      status: 400,
    });
  });

  it("answers too_large:<surface> past the byte cap", async () => {
    await expect(parseJsonBody(post(`{"name":"${"é".repeat(60)}"}`), schema, opts)).rejects.toMatchObject({
      code: "too_large:thing",
      status: 413,
    });
  });
});

describe("parseUuidParam", () => {
  it("accepts a uuid and answers not_found for anything else", () => {
    expect(parseUuidParam("7C9E6679-7425-40DE-944B-E07FC1F90AE7", "x")).toBe("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    expect(() => parseUuidParam("1; drop table", "memory")).toThrow(
      expect.objectContaining({ code: "not_found:memory" }),
    );
  });
});

describe("text Postgres can store", () => {
  const opts = { surface: "thing", maxBytes: 1000 };

  it("turns lone surrogates into U+FFFD, keeping real pairs", async () => {
    const parsed = await parseJsonBody(post('{"name":"lone \\ud800 surrogate \\ud83d\\ude00"}'), schema, opts);
    expect(parsed.name).toBe("lone \uFFFD surrogate \u{1F600}");
  });

  it("refuses NUL characters anywhere, keys included, as the surface's bad request", async () => {
    for (const body of ['{"name":"a\\u0000b"}', '{"name":"a","x\\u0000":1}']) {
      const error = await parseJsonBody(post(body), schema, opts).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("bad_request:thing");
    }
  });

  it("applies to query parameters too", () => {
    const url = new URL("http://x/api?q=a%00b&ok=%F0%9F%98%80");
    expect(() => queryParam(url, "q", "memories")).toThrow(AppError);
    expect(queryParam(url, "ok", "memories")).toBe("\u{1F600}");
    expect(queryParam(url, "missing", "memories")).toBeNull();
  });

  it("adds headers such as Retry-After to the error response", () => {
    const res = errorResponse(new AppError("rate_limit:chat", "slow down", { headers: { "retry-after": "7" } }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });
});
