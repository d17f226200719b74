/**
 * A first visit has no session until `GET /api/session` answers: it is the
 * only route that mints one, and a GET, so no cross-site form can. Every page
 * of the app shell asks once as it loads, and every API call from the browser
 * waits for that answer first. Without the wait, a click made while it is in
 * flight is a 401 (the memory switch flips back, an import fails), and
 * parallel first requests would each mint a different guest.
 */
let pending: Promise<void> | null = null;

/** The visitor's session, minted or confirmed once per page load; a failure is asked again next time. */
export function visitorSession(): Promise<void> {
  pending ??= fetch("/api/session", { cache: "no-store" }).then(
    (res) => {
      if (!res.ok) pending = null;
    },
    () => {
      pending = null;
    },
  );
  return pending;
}

/** `fetch` for the app's own API: the same call, once the visitor has a session. */
export async function apiFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  await visitorSession();
  return fetch(input, init);
}
