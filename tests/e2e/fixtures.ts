import { test as base, type APIRequestContext } from "@playwright/test";

/**
 * The API requires a session for everything but GET /api/session, and a page
 * gets one by calling it on first load. The `request` fixture here does the
 * same before the test starts, so API tests act as a visitor who opened Jarvus.
 */
export const test = base.extend<{ request: APIRequestContext }>({
  request: async ({ request }, use) => {
    await request.get("/api/session");
    await use(request);
  },
});

export { expect } from "@playwright/test";

/** State-changing requests must say they carry JSON, even without a body. */
export const asJson = { headers: { "content-type": "application/json" } } as const;
