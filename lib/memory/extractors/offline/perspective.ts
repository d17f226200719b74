/**
 * Whose words these are. Stored memories speak about "the user" in the third
 * person; the assistant's offers ("Shall I call you Captain?") speak to the user
 * and must be turned into what the user would have said ("call me Captain").
 * Word boundaries matter: "memes", "summer" and "homemade" keep their "me".
 */

/**
 * "my family" → "their family", "me" → "them", "myself" → "themselves". A bare "I"
 * is left alone: "World War I" is not a pronoun.
 */
export function toThirdPerson(text: string): string {
  return text
    .replace(/\bmyself\b/gi, "themselves")
    .replace(/\bmine\b/gi, "theirs")
    .replace(/\bmy\b/gi, "their")
    .replace(/\bme\b/gi, "them")
    .replace(/\bI'm\b/g, "they're")
    .replace(/\bI've\b/g, "they've")
    .replace(/\bI'll\b/g, "they'll")
    .replace(/\bI'd\b/g, "they'd")
    .replace(/\bI am\b/g, "they are");
}

const FROM_ASSISTANT: Readonly<Record<string, string>> = {
  you: "me",
  your: "my",
  yours: "mine",
  yourself: "myself",
  "you're": "I'm",
  "you've": "I've",
  my: "your",
  mine: "yours",
  me: "you",
  myself: "yourself",
  i: "you",
  "i'm": "you're",
  "i've": "you've",
  "i'll": "you'll",
};

/** The assistant's "call you Captain" / "keep my answers short" as the user says it: "call me Captain" / "keep your answers short". */
export function fromAssistantToUser(text: string): string {
  return text.replace(/\b(?:you(?:'re|'ve)?|yours?|yourself|my|mine|me|myself|i(?:'m|'ve|'ll)?)\b/gi, (word) => FROM_ASSISTANT[word.toLowerCase()] ?? word);
}

const IRREGULAR_THIRD_PERSON: Readonly<Record<string, string>> = {
  "'m": "is",
  am: "is",
  "'ll": "will",
  "'d": "would",
  "'ve": "has",
  have: "has",
  do: "does",
  "don't": "doesn't",
  go: "goes",
  was: "was",
};

const MODALS = /^(?:can|can't|cannot|could|couldn't|will|won't|would|wouldn't|should|shouldn't|must|might|may)$/i;

/** "ask" → "asks", "watch" → "watches", "copy" → "copies"; modals and past forms stay. */
export function thirdPersonVerb(verb: string): string {
  const lower = verb.toLowerCase();
  const irregular = IRREGULAR_THIRD_PERSON[lower];
  if (irregular) return irregular;
  if (MODALS.test(lower) || /ed$/.test(lower)) return lower;
  if (/(?:s|sh|ch|x|z|o)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * A condition said by the user, as the assistant should read it:
 * "I ask for a recipe" → "the user asks for a recipe", "I'm cooking" →
 * "the user is cooking", "my question is about money" → "the user's question is
 * about money". Other subjects ("you don't know", "it's about code") are kept.
 */
export function conditionAboutUser(condition: string): string {
  const text = condition.trim();
  const subject = /^i(?:('m|'ve|'ll|'d)|\s+(\S+))\s*(.*)$/i.exec(text);
  if (subject) {
    const verb = thirdPersonVerb(subject[1] ?? subject[2]!);
    return `the user ${verb} ${toThirdPerson(subject[3]!)}`.trim();
  }
  const possessive = /^my\s+(.*)$/i.exec(text);
  if (possessive) return `the user's ${toThirdPerson(possessive[1]!)}`;
  return toThirdPerson(text);
}
