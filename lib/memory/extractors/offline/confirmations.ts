/**
 * A "yes" to the assistant's offer. When the assistant's last message ended by
 * offering to change how it answers ("Shall I call you Captain?", "Do you want
 * me to keep answers short?") and the user simply agrees ("yes", "sure, please
 * do"), the offer becomes the user's instruction. Only the offer in the
 * assistant's last sentence counts, and only an instruction the rules accept:
 * "Shall I call you a taxi?" or "Would you like another joke?" give nothing.
 */
import { cleanText } from "./normalize";
import { fromAssistantToUser } from "./perspective";
import { splitSentences } from "./sentences";

const ASSENT =
  "(?:yes|yeah|yep|yup|ya|sure|ok|okay|absolutely|definitely|certainly|of course|please|please do|do it|go ahead|go for it|" +
  "sounds good|sounds great|good idea|great idea|perfect|great|that would be (?:great|nice|perfect|good|helpful)|" +
  "that'd be (?:great|nice|perfect|good|helpful)|i'd like that|i would like that|why not|yes please|thanks|thank you|" +
  "thx|please and thank you|👍|🙏)";

/** The whole first sentence agrees; anything after it (", and remember I'm vegan") is read as usual. */
const AGREES = new RegExp(`^${ASSENT}(?:[\\s,.!]+${ASSENT})*(?:[\\s,.!]*$|[,.!]\\s*(?:and\\s+)?\\S)`, "iu");
const DISAGREES = /\b(?:no|not|nope|don't|do not|never|nah|rather not)\b/i;
/** "Sure, but call me Cap": agreement with a change is not agreement with the offer. */
const BUT = new RegExp(`^${ASSENT}(?:[\\s,.!]+${ASSENT})*[\\s,.!]+(?:but|except|although|though|only|just not|instead)\\b`, "iu");

const OFFER =
  /^(?:(?:so|also|and|ok|okay|alright),?\s+)?(?:shall i|should i|do you want me to|would you like me to|want me to|may i|can i|would it help if i|do you prefer that i|would you prefer that i|would you prefer i|do you prefer i)\s+(.+?)\s*\?$/i;

/** "…for this answer", "…right now": an offer about the conversation at hand, not a standing instruction. */
const ONE_OFF = /\b(?:this (?:time|answer|one|reply|response|question)|for now|right now|here|today|again)\b/i;

/** The user's message agrees, and nothing in its first sentence takes the agreement back. */
export function isAssent(userMessage: string): boolean {
  const first = splitSentences(cleanText(userMessage))[0] ?? "";
  const lead = first.split(/[,.!]/)[0] ?? "";
  const text = cleanText(userMessage);
  return AGREES.test(text) && !BUT.test(text) && !DISAGREES.test(lead);
}

/**
 * What the user agreed to, as the user would have said it ("call me Captain"),
 * or null when the message is no assent or the assistant offered nothing.
 */
export function acceptedOffer(userMessage: string, previousAssistantMessage: string | undefined): string | null {
  if (!previousAssistantMessage || !isAssent(userMessage)) return null;
  const sentences = splitSentences(cleanText(previousAssistantMessage));
  const last = (sentences[sentences.length - 1] ?? "").replace(/^[^\p{L}]+/u, "");
  const offer = OFFER.exec(last);
  // "…Dr. Smith or just John?" asks the user to choose: a yes picks nothing.
  if (!offer || ONE_OFF.test(offer[1]!) || /\s+or\s+/i.test(offer[1]!)) return null;
  return fromAssistantToUser(offer[1]!);
}
