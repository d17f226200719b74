/** The production-mode sign-in: the operator pastes the server's signing key. */
import { esc, page } from "./html";

export function signInPage(next: string, failed: boolean): string {
  return page(
    { title: "Sign in", section: "none", mode: "production", bare: true, notice: failed ? { kind: "error", text: "That is not this server's signing key." } : undefined },
    `<div class="signin"><p class="muted">This Inngest server runs in production mode: its runs hold conversation text. Paste its signing key (raw or hashed) to open the dashboard.</p>
<form method="post" action="/signin"><input type="hidden" name="next" value="${esc(next)}">
<label class="field"><span>Signing key</span><input type="password" name="key" required autocomplete="current-password" autofocus></label>
<button type="submit" class="btn primary">Sign in</button></form></div>`,
  );
}
