/**
 * Facts about the people (and animals) in the user's life, stored as theirs:
 * "my friend Sam loves climbing" → "User's friend Sam loves climbing" (category
 * other), "my sister just moved to Denver" → "User's sister just moved to Denver"
 * (family). They never take one of the user's keys (home_city, employer…) and
 * never read as the user's own like: the user's rules all need "I".
 */
import { type Category, fact, type Rule } from "./facts";
import { deicticObjects, diets, familyRelations, partnerRelations, pets } from "./lexicon";
import { splitList, stripArticle, trimValue } from "./normalize";
import { isPossession } from "./possessions";
import { isLanguage, jobTitleAt, listPhraseAt, nameAt, organisationAt, phraseAt, placeAt } from "./values";

const OTHER_PEOPLE =
  "friend|friends|colleague|colleagues|coworker|coworkers|co-worker|co-workers|boss|manager|neighbour|neighbours|neighbor|neighbors|" +
  "roommate|roommates|flatmate|flatmates|housemate|housemates|classmate|classmates|teacher|doctor|therapist|landlord|landlady|mentor|" +
  "coach|tutor|student|students|team|teammate|teammates|client|clients|ex|ex-wife|ex-husband|ex-girlfriend|ex-boyfriend";
const FAMILY_GROUPS = "parents|kids|children|sons|daughters|sisters|brothers|siblings|grandparents|grandkids|grandchildren|in-laws|cousins|twins|family";
const PET_GROUPS = "cats|dogs|pets";

const byLength = (list: Iterable<string>) => [...list].sort((a, b) => b.length - a.length).map((w) => w.replace(/-/g, "[- ]"));
const RELATIONS = byLength([...familyRelations, ...partnerRelations, ...pets, ...OTHER_PEOPLE.split("|"), ...FAMILY_GROUPS.split("|"), ...PET_GROUPS.split("|")]).join("|");
const MODIFIERS = "(?:(?:older|younger|little|big|baby|twin|eldest|oldest|youngest|new|old|late|elder|step|best|good|closest|dear)\\s+)*";

const SUBJECT = new RegExp(`^(?:(?:and|also|plus|oh and)\\s+)?my\\s+(${MODIFIERS}(?:${RELATIONS}))\\b\\s*,?\\s*(.*)$`, "i");

const ADVERBS = "(?:(?:really|truly|absolutely|just|also|still|now|recently|finally|actually|totally|always|both|even|already)\\s+)*";

function categoryOf(relation: string): Category {
  const bare = relation.toLowerCase().replace(new RegExp(`^${MODIFIERS}`, "i"), "");
  if (pets.has(bare) || PET_GROUPS.split("|").includes(bare)) return "pet";
  if (familyRelations.has(relation.toLowerCase()) || familyRelations.has(bare) || partnerRelations.has(bare) || FAMILY_GROUPS.split("|").includes(bare)) {
    return "family";
  }
  return "other";
}

/** One value of a predicate: as the user said it ("a firefighter", "the vacuum") and bare ("firefighter", "vacuum"). */
interface Said {
  said: string;
  value: string;
}

interface Predicate {
  /** As written, up to the object: "just moved to", "is allergic to". */
  verb: string;
  values: Said[];
}

type Reader = (rest: string) => Said[];

const asSaid = (item: string): Said => ({ said: item, value: stripArticle(item) });

const objectsOf: Reader = (rest) =>
  splitList(listPhraseAt(rest))
    .map((item) => trimValue(item))
    .filter((item) => item.length > 0 && item.split(" ").length <= 6 && !deicticObjects.test(item))
    .map(asSaid);

const placeOf: Reader = (rest) => {
  const place = placeAt(rest, false);
  return place ? [{ said: place, value: place }] : [];
};

const organisationOf: Reader = (rest) => {
  const org = organisationAt(rest, false);
  return org && !/^(?:home|himself|herself|themselves|free)$/i.test(org.value) ? [{ said: org.phrase, value: org.value }] : [];
};

const jobOf: Reader = (rest) => {
  const title = jobTitleAt(rest, true);
  return title ? [{ said: `${/^[aeiou]/i.test(title) ? "an" : "a"} ${title}`, value: title }] : [];
};

const dietOf: Reader = (rest) => {
  const word = phraseAt(rest).toLowerCase().replace(/^(?:a|an|strict|full)\s+/, "");
  return diets.has(word) ? [{ said: word, value: word }] : [];
};

const COUNTED = /^(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s/i;

const possessionOf: Reader = (rest) =>
  splitList(listPhraseAt(rest))
    .filter((item) => {
      const words = item.toLowerCase().split(" ");
      const head = words[words.length - 1]!.replace(/(?<=[^s])s$/, "");
      const owned = isPossession(item.replace(COUNTED, "")) || pets.has(head) || familyRelations.has(head) || /^(?:kid|child|children)$/.test(head);
      return COUNTED.test(item) && owned;
    })
    .map(asSaid);

const languagesOf: Reader = (rest) =>
  splitList(listPhraseAt(rest))
    .filter(isLanguage)
    .map((l) => ({ said: l, value: l }));

const ageOf: Reader = (rest) => {
  const m = /^(\d{1,3})(?:\s+years?\s+old)?$/i.exec(phraseAt(rest));
  return m && Number(m[1]) <= 120 ? [{ said: m[0], value: m[1]! }] : [];
};

/** Each verb with what may follow it; the first that reads a value wins. */
const PREDICATES: ReadonlyArray<[RegExp, Reader]> = [
  [/^((?:loves?|likes?|enjoys?|adores?|hates?|dislikes?|detests?|can't stand|cannot stand|(?:is|are) (?:obsessed with|into|crazy about|passionate about|a (?:big |huge )?fans? of|not a fan of)))\s+(.*)$/i, objectsOf],
  [/^((?:lives?|live|(?:is|are) (?:living|based))\s+in|(?:moved|relocated|(?:is|are) moving)\s+(?:back\s+)?to|(?:is|are|comes?) from|grew up in)\s+(.*)$/i, placeOf],
  [/^((?:works?|(?:is|are) working)\s+(?:at|for))\s+(.*)$/i, organisationOf],
  [/^((?:works?|(?:is|are) working)\s+as|(?:is|are))\s+(an?\s+.*)$/i, jobOf],
  [/^((?:is|are)\s+(?:severely\s+|very\s+|also\s+)?allergic\s+to)\s+(.*)$/i, objectsOf],
  [/^((?:is|are))\s+((?:an?\s+|strict\s+)?[a-z-]+(?:\s+free)?)$/i, dietOf],
  [/^((?:has|have)(?: got)?|owns?|drives?|rides?)\s+(.*)$/i, possessionOf],
  [/^(speaks?)\s+(.*)$/i, languagesOf],
  [/^((?:is|are))\s+(\d{1,3}(?:\s+years?\s+old)?)$/i, ageOf],
];

function predicateAt(text: string): Predicate | null {
  const body = text.replace(new RegExp(`^${ADVERBS}`, "i"), "");
  const adverbs = text.slice(0, text.length - body.length);
  for (const [re, read] of PREDICATES) {
    const m = re.exec(body);
    if (!m) continue;
    const values = read(m[2]!).filter((v) => v.value !== "");
    if (values.length > 0) return { verb: `${adverbs}${m[1]!}`, values };
  }
  return null;
}

/** "My friend Sam loves climbing" and the like: one fact per value, about them. */
export const otherPeopleFacts: Rule = (clause) => {
  const m = SUBJECT.exec(clause);
  if (!m) return [];
  const relation = m[1]!.toLowerCase();
  let rest = m[2]!;
  // "my sister and I…" is about the user; "my sister's name…" is about a name, read elsewhere.
  if (/^(?:and|&)\s+(?:i|me)\b|^'s\b/i.test(rest)) return [];
  const name = nameAt(rest, false);
  if (name) rest = rest.slice(name.length).replace(/^\s*,?\s*/, "");
  const predicate = predicateAt(rest);
  if (!predicate) return [];
  const who = `User's ${relation}${name ? ` ${name}` : ""}`;
  const category = categoryOf(relation);
  return predicate.values.map(({ said, value }) => fact(null, category, `${who} ${predicate.verb} ${said}`, value));
};
