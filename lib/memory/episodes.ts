/**
 * How an episode is stored: the user's own words, verbatim, and what the
 * assistant did. Pure.
 *
 * - Up to EPISODE_MAX_CHARS of what the user said is kept word for word;
 *   beyond that it is cut (the whole message stays in the conversation).
 * - A message longer than PASSAGE_CHARS is split into passages at sentence
 *   ends (or, inside a very long sentence, at spaces), each its own row, so
 *   every part of a long message stays findable and a retrieved passage is
 *   small enough for the context.
 * - What the assistant did (tools with inputs and results, or the gist of a
 *   real model's reply) follows the first passage.
 * - When the conversation opened with the other side's words (imported
 *   history can: a greeting with news, a question), the user's first turn
 *   keeps their start, up to OPENER_CHARS, as a row of its own: it is what the
 *   user answered, found by its own words and shown only when it matches.
 */

/** The most of one message kept verbatim as episodes. */
export const EPISODE_MAX_CHARS = 4_000;
/** Longest passage: long enough to keep a thought together, short enough to pack several in a context. */
export const PASSAGE_CHARS = 600;

/** Splits text into passages of at most `max` characters, at sentence ends where it can. */
export function splitPassages(text: string, max = PASSAGE_CHARS): string[] {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean === "" ? [] : [clean];
  const sentences = clean.match(/[^.!?…]+(?:[.!?…]+["'”’)\]]*|$)\s*/g) ?? [clean];
  const passages: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) passages.push(current.trim());
    current = "";
  };
  for (const sentence of sentences) {
    if ((current + sentence).length <= max) {
      current += sentence;
      continue;
    }
    flush();
    // A sentence longer than a passage: cut at the last space that fits.
    let rest = sentence;
    while (rest.length > max) {
      const cut = rest.lastIndexOf(" ", max);
      const at = cut > max / 2 ? cut : max;
      passages.push(rest.slice(0, at).trim());
      rest = rest.slice(at);
    }
    current = rest;
  }
  flush();
  return passages;
}

/** The most of a conversation's opening message (the other side's) kept with the user's first turn. */
export const OPENER_CHARS = 300;

const quoted = (text: string) => `“${text.replace(/[“”]/g, '"')}”`;

/**
 * The rows of one episode: the user's words as passages, the first followed by what the assistant
 * did, then the start of the conversation's opening message when the turn answered one.
 */
export function episodeContents({ said, did, opener = null }: { said: string; did: string | null; opener?: string | null }): string[] {
  const words = said.length > EPISODE_MAX_CHARS ? `${said.slice(0, EPISODE_MAX_CHARS)}…` : said;
  const passages = splitPassages(words).map(quoted);
  const assistant = did?.trim() ? `assistant: ${did.trim()}` : null;
  const opened = opener ? splitPassages(opener, OPENER_CHARS)[0] : undefined;
  const openerRow = opened ? [`assistant opened the conversation with ${quoted(opened)}`] : [];
  if (passages.length === 0) return assistant ? [assistant, ...openerRow] : openerRow;
  if (assistant) passages[0] = `${passages[0]} — ${assistant}`;
  return [...passages, ...openerRow];
}

/** How an episode quotes the gist of a model's reply (withoutReplyGist takes it out again). */
export function replyGist(gist: string): string {
  return `replied “${gist.replace(/[“”]/g, '"')}”`;
}

const REPLY_GIST_AT_END = /(?:; | — assistant: |^assistant: )replied “([^”]*)”$/;

/** The quoted gist of the assistant's reply at the end of an episode, if it has one. */
export function replyGistOf(content: string): string | null {
  return REPLY_GIST_AT_END.exec(content)?.[1] ?? null;
}

/**
 * An episode without the gist of the assistant's reply, as it enters the
 * prompt when the reply is not what matched: the episode is the user's
 * memory, and the other side's "Thanks, Evan!" on every line would cost the
 * budget room for what the user said. Tool calls stay: they are what was
 * done. An episode that is nothing but a reply's gist keeps it.
 */
export function withoutReplyGist(content: string): string {
  const stripped = content.replace(REPLY_GIST_AT_END, "");
  return stripped === "" ? content : stripped;
}
