import { expect, type Locator, type Page } from "@playwright/test";

/** The chat screen, as a person uses it. */
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly conversations: Locator;
  readonly assistantMessages: Locator;
  readonly userMessages: Locator;
  /** The open conversation's title in the page header. */
  readonly title: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("composer-input");
    this.send = page.getByTestId("send");
    this.conversations = page.getByTestId("conversation-item");
    this.assistantMessages = page.getByTestId("message-assistant");
    this.userMessages = page.getByTestId("message-user");
    this.title = page.getByTestId("chat-title");
  }

  /** The sidebar row of the conversation titled `title`. */
  item(title: string | RegExp): Locator {
    return this.conversations.filter({ hasText: title });
  }

  async rename(title: string, to: string) {
    await this.item(title).getByTestId("conversation-menu").click();
    await this.page.getByTestId("rename-conversation").click();
    const input = this.page.getByTestId("rename-input");
    await expect(input).toBeFocused();
    await input.fill(to);
    await input.press("Enter");
    await expect(this.page.getByTestId("rename-dialog")).toBeHidden();
  }

  /** Opens the delete question of a conversation (the alert dialog), without answering it. */
  async askToDelete(title: string) {
    await this.item(title).getByTestId("conversation-menu").click();
    await this.page.getByTestId("delete-conversation").click();
    await expect(this.page.getByTestId("delete-conversation-dialog")).toBeVisible();
  }

  async gotoNew() {
    await this.page.goto("/");
    // Focused by an effect: the page is hydrated, so a click now is not lost.
    await expect(this.input).toBeFocused();
  }

  /** Sends a message and waits until the reply has finished streaming. */
  async sendMessage(text: string) {
    const before = await this.assistantMessages.count();
    await this.input.fill(text);
    await this.send.click();
    await expect(this.assistantMessages).toHaveCount(before + 1);
    await this.waitIdle();
    return this.assistantMessages.nth(before);
  }

  async waitIdle() {
    await expect(this.page.getByTestId("chat")).toHaveAttribute("data-status", "ready");
  }

  /** The conversation id, from the address the chat moved to after its first message. */
  conversationId(): string {
    const match = /\/chat\/([0-9a-f-]{36})/.exec(this.page.url());
    if (!match?.[1]) throw new Error(`not on a conversation page: ${this.page.url()}`);
    return match[1];
  }
}
