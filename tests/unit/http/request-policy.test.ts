import { describe, expect, it } from "vitest";
import {
  checkHost,
  checkStateChangingRequest,
  contentSecurityPolicy,
  hostName,
  LOOPBACK_HOSTS,
} from "@/lib/http/request-policy";

const request = (method: string, pathname: string, headers: Record<string, string>) => ({
  method,
  pathname,
  headers: new Headers(headers),
});
const json = { "content-type": "application/json", host: "127.0.0.1:3000" };

describe("checkStateChangingRequest", () => {
  it("lets reads through whatever their origin", () => {
    expect(checkStateChangingRequest(request("GET", "/api/memories", { origin: "https://evil.example" }))).toBeNull();
  });

  it("accepts a same-origin JSON request, and one from a client that is no browser", () => {
    expect(
      checkStateChangingRequest(request("POST", "/api/chat", { ...json, origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" })),
    ).toBeNull();
    expect(checkStateChangingRequest(request("DELETE", "/api/memories/x", json))).toBeNull();
  });

  it("refuses another site, another port of this host and an opaque origin with 403 forbidden:origin", () => {
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "http://127.0.0.1:9999", "sec-fetch-site": "same-site" },
      { origin: "http://127.0.0.1:9999" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const error = checkStateChangingRequest(request("POST", "/api/chat", { ...json, ...headers }));
      expect(error?.code, JSON.stringify(headers)).toBe("forbidden:origin");
      expect(error?.status).toBe(403);
    }
  });

  it("refuses a body that is not JSON with 415, the way a form would send it", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const headers: Record<string, string> = { host: "127.0.0.1:3000", ...(type ? { "content-type": type } : {}) };
      const error = checkStateChangingRequest(request("POST", "/api/chat", headers));
      expect(error?.code, String(type)).toBe("unsupported_media_type:json");
      expect(error?.status).toBe(415);
    }
    expect(checkStateChangingRequest(request("PATCH", "/api/memories/x", { ...json, "content-type": "application/json; charset=utf-8" }))).toBeNull();
  });

  it("leaves /api/inngest to the SDK's signature check", () => {
    expect(checkStateChangingRequest(request("POST", "/api/inngest", { "content-type": "text/plain", origin: "https://evil.example" }))).toBeNull();
    expect(checkStateChangingRequest(request("POST", "/api/inngestx", { "content-type": "text/plain" }))?.status).toBe(415);
  });
});

describe("checkHost", () => {
  it("answers loopback names on any port and refuses others (DNS rebinding)", () => {
    for (const host of ["127.0.0.1:3000", "localhost", "LOCALHOST:8080", "[::1]:3000"]) {
      expect(checkHost(host, LOOPBACK_HOSTS), host).toBeNull();
    }
    for (const host of ["evil.example", "evil.example:3000", "127.0.0.1.evil.example", "", null]) {
      expect(checkHost(host, LOOPBACK_HOSTS)?.code, String(host)).toBe("forbidden:host");
    }
    expect(checkHost("chat.example.com", [...LOOPBACK_HOSTS, "chat.example.com"])).toBeNull();
    expect(checkHost("anything", ["*"])).toBeNull();
    expect(hostName("[::1]:3000")).toBe("[::1]");
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only with the nonce, no remote images and no framing", () => {
    const csp = contentSecurityPolicy("abc", { development: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy("abc", { development: true })).toContain("'unsafe-eval'");
  });
});
