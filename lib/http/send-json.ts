import { apiFetch } from "./visitor-session";

/**
 * A state-changing request from the browser: the API accepts only JSON bodies
 * (a cross-site HTML form cannot send them), so even a bodyless POST or
 * DELETE says it is JSON. It waits for the visitor's session like every API call.
 */
export function sendJson(url: string, method: "POST" | "PATCH" | "PUT" | "DELETE", body: unknown = {}): Promise<Response> {
  return apiFetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
