import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** The browser side of a first visit: one GET /api/session per page load, and API calls wait for it. */
describe("visitorSession / apiFetch", () => {
  const calls: string[] = [];
  let answerSession: (res: Response) => void;

  beforeEach(() => {
    vi.resetModules();
    calls.length = 0;
    vi.stubGlobal("fetch", (input: RequestInfo | URL) => {
      const url = String(input);
      calls.push(url);
      if (url === "/api/session") return new Promise<Response>((resolve) => (answerSession = resolve));
      return Promise.resolve(new Response("{}"));
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("asks once however many calls wait, and sends each only after the session answered", async () => {
    const { apiFetch, visitorSession } = await import("@/lib/http/visitor-session");
    void visitorSession();
    const first = apiFetch("/api/settings", { method: "PATCH" });
    const second = apiFetch("/api/import", { method: "POST" });
    await Promise.resolve();
    expect(calls).toEqual(["/api/session"]);
    answerSession(new Response("{}"));
    await Promise.all([first, second]);
    expect(calls).toEqual(["/api/session", "/api/settings", "/api/import"]);
  });

  it("a failed session request is asked again by the next call", async () => {
    const { apiFetch } = await import("@/lib/http/visitor-session");
    const first = apiFetch("/api/conversations");
    await Promise.resolve();
    answerSession(new Response("{}", { status: 429 }));
    await first;
    const second = apiFetch("/api/conversations");
    await Promise.resolve();
    answerSession(new Response("{}"));
    await second;
    expect(calls).toEqual(["/api/session", "/api/conversations", "/api/session", "/api/conversations"]);
  });

  it("sendJson goes through it, as JSON", async () => {
    const seen: RequestInit[] = [];
    vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(String(input));
      if (init) seen.push(init);
      return Promise.resolve(new Response("{}"));
    });
    const { sendJson } = await import("@/lib/http/send-json");
    await sendJson("/api/memories/x", "DELETE");
    expect(calls).toEqual(["/api/session", "/api/memories/x"]);
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", headers: { "content-type": "application/json" }, body: "{}" });
  });
});
