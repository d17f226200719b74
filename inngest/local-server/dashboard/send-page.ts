/** "Send test event": a name and JSON data, sent through the event API's own path. */
import { esc, page } from "./html";

export interface SendForm {
  name: string;
  data: string;
  id: string;
}

export const EMPTY_SEND_FORM: SendForm = { name: "", data: "{}", id: "" };

/** The form filled with a stored event's name and data, to send it again as it is or edited (no id: a repeat would trigger nothing). */
export function sendFormFrom(payload: { name?: unknown; data?: unknown } | undefined): SendForm {
  if (!payload) return EMPTY_SEND_FORM;
  return { name: typeof payload.name === "string" ? payload.name : "", data: JSON.stringify(payload.data ?? {}, null, 2), id: "" };
}

export function sendPage(mode: "dev" | "production", form: SendForm, error?: string): string {
  return page(
    { title: "Send event", section: "send", mode, notice: error ? { kind: "error", text: error } : undefined },
    `<section class="card"><div class="card-body"><form method="post" action="/send">
<label class="field"><span>Event name</span><input name="name" required value="${esc(form.name)}" placeholder="app/user.signed-up" autocomplete="off"></label>
<label class="field"><span>Data (JSON object)</span><textarea name="data" spellcheck="false">${esc(form.data)}</textarea></label>
<label class="field"><span>Event id <span class="muted">(optional: a repeated id within 24 h triggers nothing)</span></span><input name="id" value="${esc(form.id)}" autocomplete="off"></label>
<button type="submit" class="btn primary">Send event</button>
</form></div></section>`,
  );
}
