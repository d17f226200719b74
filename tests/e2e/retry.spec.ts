import pg from "pg";
import fs from "node:fs";
import { asJson, expect, test } from "./fixtures";
import { e2eDatabaseUrlFile } from "../helpers/e2e-db-url";
import { ChatPage } from "./pages/chat-page";

/** The local Inngest server keeps its runs in the app's database (schema inngest_local). */
async function runsOfTurn(turnId: string): Promise<number> {
  const client = new pg.Client({ connectionString: fs.readFileSync(e2eDatabaseUrlFile(), "utf8").trim() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from inngest_local.runs where fn_id like '%extract-memories' and event->'data'->>'turnId' = $1",
      [turnId],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

test("retrying a turn whose memory is done starts no run and counts against no limit", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.gotoNew();
  const reply = await chat.sendMessage("I love hiking in the Alps.");
  await expect(reply.getByTestId("memory-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  const turnId = (await reply.getAttribute("data-turn-id"))!;
  await expect.poll(() => runsOfTurn(turnId), { timeout: 15_000 }).toBe(1);

  // More than the retry limit (RATE_LIMIT_RETRY, 5 per 10 minutes): none counts, none runs.
  for (let i = 0; i < 20; i++) {
    const res = await page.request.post(`/api/turns/${turnId}/retry`, asJson);
    expect(res.status()).toBe(202);
    expect(await res.json()).toEqual({ id: turnId, status: "done" });
  }
  await page.waitForTimeout(2_000);
  expect(await runsOfTurn(turnId)).toBe(1);
  expect((await (await page.request.get(`/api/turns/${turnId}`)).json()).status).toBe("done");
});
