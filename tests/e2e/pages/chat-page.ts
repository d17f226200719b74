import { expect, type Locator, type Page } from "@playwright/test";

/** The chat screen, as a person uses it. */
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly conversations: Locator;
  readonly assistantMessages: Locator;
  readonly userMessages: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("composer-input");
    this.send = page.getByTestId("send");
    this.conversations = page.getByTestId("conversation-item");
    this.assistantMessages = page.getByTestId("message-assistant");
    this.userMessages = page.getByTestId("message-user");
  }

  async gotoNew() {
    await this.page.goto("/");
    await expect(this.input).toBeVisible();
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
