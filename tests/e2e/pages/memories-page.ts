import { expect, type Locator, type Page } from "@playwright/test";

type MemoryType = "semantic" | "procedural" | "episodic";

/** The /memories screen, as a person uses it. */
export class MemoriesPage {
  readonly items: Locator;
  readonly search: Locator;
  readonly empty: Locator;
  readonly includeInactive: Locator;
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.items = page.getByTestId("memory-item");
    this.search = page.getByTestId("memory-search");
    this.empty = page.getByTestId("memories-empty");
    this.includeInactive = page.getByTestId("memory-include-inactive");
    this.panel = page.getByTestId("memory-panel");
  }

  async goto() {
    await this.page.goto("/memories");
    await expect(this.page.getByRole("heading", { name: "Memories" })).toBeVisible();
    await this.waitIdle();
  }

  tab(type: MemoryType): Locator {
    return this.page.getByTestId(`memory-tab-${type}`);
  }

  count(type: MemoryType): Locator {
    return this.page.getByTestId(`memory-count-${type}`);
  }

  async openTab(type: MemoryType) {
    await this.tab(type).click();
    await expect(this.tab(type)).toHaveAttribute("aria-selected", "true");
    await expect(this.page.getByTestId("memories-loading")).toHaveCount(0);
    await this.waitIdle();
  }

  async waitIdle() {
    await expect(this.panel).toHaveAttribute("data-state", "idle");
  }

  /** The shown memories' texts, in order. */
  async contents(): Promise<string[]> {
    return this.items.getByTestId("memory-content").allTextContents();
  }

  /** The shown memory whose text contains `text` (while it is not being edited). */
  item(text: string): Locator {
    return this.items.filter({ has: this.page.getByTestId("memory-content").filter({ hasText: text }) });
  }

  /** That memory by its id: the locator still holds while its text is edited or changes. */
  async pin(text: string): Promise<Locator> {
    const id = await this.item(text).getAttribute("data-memory-id");
    if (!id) throw new Error(`no memory shows "${text}"`);
    return this.page.locator(`[data-testid="memory-item"][data-memory-id="${id}"]`);
  }
}
