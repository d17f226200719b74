import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/**
 * Accounts as a person uses them, in Chromium: a guest is remembered, signs
 * up and keeps it, signs out (the next guest knows nothing), signs in from
 * another browser and is remembered there, deletes the account and can no
 * longer sign in.
 */

const PASSWORD = "correct horse battery staple";

async function fillAndSubmit(page: Page, fields: Record<string, string>, button: string) {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: button }).click();
}

test("guest → account → sign out → another browser → delete", async ({ page, browser }) => {
  const address = `e2e-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const chat = new ChatPage(page);
  await chat.gotoNew();
  await expect(page.getByTestId("account-guest")).toBeVisible();
  const said = await chat.sendMessage("My name is Zed. Call me Captain.");
  await expect(said.getByTestId("memory-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await chat.gotoNew();
  await expect(await chat.sendMessage("What's my name?")).toContainText("Zed");

  // Sign up: the form states the password rule; the guest's chats come along.
  await page.getByRole("link", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByText(/At least 8 characters/)).toBeVisible();
  await fillAndSubmit(page, { Name: "Zed", Email: address, Password: "short" }, "Create account");
  // Too short: the browser's own check (minlength) keeps the form here.
  await expect(page).toHaveURL(/\/sign-up$/);
  await fillAndSubmit(page, { Name: "Zed", Email: address, Password: PASSWORD }, "Create account");
  await expect(page.getByTestId("account-email")).toHaveText(address);
  await expect(chat.conversations).toHaveCount(2);
  await chat.gotoNew();
  await expect(await chat.sendMessage("What's my name?")).toContainText("Zed");

  // Sign out: a new guest, who knows nothing.
  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("account-guest")).toBeVisible();
  await expect(chat.conversations).toHaveCount(0);
  const stranger = await chat.sendMessage("What's my name?");
  await expect(stranger).not.toContainText("Zed");
  await page.goto("/memories");
  await expect(page.getByTestId("memory-item")).toHaveCount(0);

  // Another browser: sign in, the same conversations and memories.
  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    const chat2 = new ChatPage(page2);
    await page2.goto("/sign-in");
    await fillAndSubmit(page2, { Email: address, Password: "not the password" }, "Sign in");
    await expect(page2.getByTestId("form-error")).toContainText("do not match");
    await fillAndSubmit(page2, { Email: address, Password: PASSWORD }, "Sign in");
    await expect(page2.getByTestId("account-email")).toHaveText(address);
    await expect(chat2.conversations).toHaveCount(3);
    const recalled = await chat2.sendMessage("What's my name?");
    await expect(recalled).toContainText("Zed");
    await expect(recalled).toContainText("Captain");
    await page2.goto("/memories");
    await expect(page2.getByTestId("memory-item").filter({ hasText: "Zed" })).toHaveCount(1);

    // The account page: both sessions listed (the first browser signed out, so just this one).
    await page2.goto("/account");
    await expect(page2.getByTestId("session-item")).toHaveCount(1);
    await expect(page2.getByTestId("session-item")).toContainText("this browser");

    // Delete: the password again, then nothing is left and signing in fails.
    await page2.getByTestId("delete-account").click();
    await page2.getByLabel("Your password").fill(PASSWORD);
    await page2.getByTestId("delete-account-confirm").click();
    await expect(page2).toHaveURL(/\/$/);
    await expect(page2.getByTestId("account-guest")).toBeVisible();
    await expect(chat2.conversations).toHaveCount(0);
    await page2.goto("/sign-in");
    await fillAndSubmit(page2, { Email: address, Password: PASSWORD }, "Sign in");
    await expect(page2.getByTestId("form-error")).toContainText("do not match");
  } finally {
    await other.close();
  }
});

test("the account forms: labels, rules and errors in words", async ({ page }) => {
  await page.goto("/sign-up");
  for (const label of ["Name", "Email", "Password"]) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-describedby", "password-hint");
  const address = `forms-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await fillAndSubmit(page, { Name: "A", Email: address, Password: PASSWORD }, "Create account");
  await expect(page.getByTestId("account-email")).toHaveText(address);
  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("account-guest")).toBeVisible();
  await page.goto("/sign-up");
  await fillAndSubmit(page, { Name: "B", Email: address, Password: PASSWORD }, "Create account");
  await expect(page.getByTestId("form-error")).toContainText("already exists");
  await page.goto("/forgot-password");
  await expect(page.getByText(/not available on this server/)).toBeVisible();
  await page.goto("/reset-password");
  await expect(page.getByTestId("form-error")).toContainText("needs the link");
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in$/);
});
