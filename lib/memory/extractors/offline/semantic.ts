/**
 * Semantic facts from the user's own statements. Only clauses that state
 * something count: questions, hypotheticals and reported speech are skipped
 * (see sentences.ts), and every positive pattern requires the verb to follow
 * "I" directly, so "I don't like sushi" can never read as a like.
 */
import type { SemanticFact } from "@/lib/memory/types";
import { describeDate, findDate, isoDay, monthName, parseMonthDay } from "./dates";
import { deicticObjects, diets, familyRelations, partnerRelations, pets } from "./lexicon";
import { findConditionalInstructions } from "./conditional";
import { applyCorrections, selfCorrectedStatements } from "./corrections";
import { type Ctx, fact, isFragment, type Rule } from "./facts";
import { normalizeValue, splitList, stripArticle, titleCase, trimValue } from "./normalize";
import { otherPeopleFacts } from "./others";
import { possessionFacts } from "./possessions";
import { isBareIntroduction, profileClauses } from "./profile";
import type { AnalyzedMessage, Clause } from "./sentences";
import {
  isKnownDemonym,
  isLanguage,
  jobTitleAt,
  listPhraseAt,
  nameAt,
  organisationAt,
  phraseAt,
  placeAt,
  placeKind,
} from "./values";

const I_AM = "(?:i'm|i am|im)";
const ADVERBS = "(?:(?:really|truly|absolutely|just|also|do|totally|especially|genuinely|honestly|definitely|kind of|kinda|sort of|still|very much|simply|actually|deeply|always|both|all|often|usually|regularly)\\s+)*";
const NAMED = "('s name is|\\s+is called|\\s+is named|\\s+called|\\s+named|\\s*,|\\s+is)?\\s+";

/** A relative's or pet's name; a casual writer's lower-case word only after "named", "called", "'s name is". */
function relationName(connector: string | undefined, text: string, casual: boolean): string | null {
  const explicit = connector !== undefined && /name|called|named/i.test(connector);
  return nameAt(text, casual && explicit);
}

// ---- identity -------------------------------------------------------------

const name: Rule = (c, { casual }) => {
  const out: SemanticFact[] = [];
  const m = /\bmy (?:full |first |real |actual )?name(?:'s|\s+is)\s+(.*)$/i.exec(c) ?? /^(?:the\s+)?name's\s+(.*)$/i.exec(c);
  const explicit = m ? nameAt(m[1]!, casual) : null;
  if (explicit) out.push(fact("name", "identity", `User's name is ${explicit}`, explicit));
  // "I'm Zed": capitalized, alone or followed by a boundary; never from a casual writer ("i'm tired").
  const intro = new RegExp(`^${I_AM}\\s+(.*)$`, "i").exec(c);
  if (!explicit && intro) {
    const value = nameAt(intro[1]!, false);
    const after = value ? intro[1]!.slice(value.length).trim() : "";
    if (value && /^(?:$|,|and\b|here\b|from\b|by the way\b|btw\b|nice\b)/i.test(after)) {
      out.push(fact("name", "identity", `User's name is ${value}`, value));
    }
  }
  const here = /^(.+?)\s+here$/.exec(c);
  const signed = !explicit && here ? nameAt(here[1]!, false) : null;
  if (signed && signed === here![1]) out.push(fact("name", "identity", `User's name is ${signed}`, signed));
  const nick = /\bmy nickname is\s+(.*)$/i.exec(c);
  const nickname = nick ? nameAt(nick[1]!, true) : null;
  if (nickname) out.push(fact(null, "identity", `User's nickname is ${nickname}`, nickname));
  return out;
};

const age: Rule = (c) => {
  const m =
    new RegExp(`\\b${I_AM}\\s+(\\d{1,3})(?:\\s*(?:years?|yrs?)(?:\\s*old)?|\\s*y\\/?o)?(?=\\s*$|\\s*[,.!;]|\\s+(?:and|but|so|now|today)\\b)`, "i").exec(c) ??
    /\bi (?:just |recently )?turned\s+(\d{1,3})\b/i.exec(c) ??
    /\bmy age is\s+(\d{1,3})\b/i.exec(c);
  if (!m) return [];
  const years = Number(m[1]);
  return years >= 1 && years <= 120 ? [fact("age", "identity", `User is ${years} years old`, String(years))] : [];
};

const birthday: Rule = (c, { now }) => {
  const out: SemanticFact[] = [];
  const bday = /\bmy (?:birthday|bday|b-day|date of birth)(?:'s|\s+is)\s+(?:on\s+)?(.*)$/i.exec(c);
  const born = /\bi was born\s+(?:on\s+)?(.*)$/i.exec(c);
  const text = bday?.[1] ?? born?.[1];
  if (text === undefined) return out;
  let md = parseMonthDay(text);
  if (!md && bday) {
    const rel = findDate(text, now);
    if (rel?.iso && rel.iso.length === 10) {
      const [, mo, d] = rel.iso.split("-").map(Number);
      md = { month: mo!, day: d!, year: null };
    }
  }
  if (md) {
    const value = `${monthName(md.month)} ${md.day}`;
    const date = md.year !== null ? isoDay(md.year, md.month, md.day) : null;
    out.push(fact("birthday", "identity", `User's birthday is ${value}${md.year ? `, ${md.year}` : ""}`, value, date));
    return out;
  }
  if (!born) return out;
  const year = /^in\s+(\d{4})\b/i.exec(text);
  if (year) return [fact(null, "identity", `User was born in ${year[1]}`, year[1]!)];
  const place = /^in\s+(.*)$/i.exec(text);
  const where = place ? placeAt(place[1]!, false) : null;
  if (where) out.push(fact(null, "location", `User was born in ${where}`, where));
  return out;
};

const nationality: Rule = (c) => {
  const m = new RegExp(`^${I_AM}\\s+(?:a\\s+)?([A-Za-z]+(?:\\s+[A-Za-z]+)?)\\s*$`, "i").exec(c);
  if (!m || !isKnownDemonym(m[1]!)) return [];
  const value = titleCase(m[1]!.toLowerCase());
  return [fact(null, "identity", `User is ${value}`, value)];
};

const speaks: Rule = (c) => {
  const m = /\bi (?:can )?speak\s+(.*)$/i.exec(c);
  if (!m) return [];
  return splitList(listPhraseAt(m[1]!.replace(/\b(?:a little|a bit of|some|fluent|fluently|basic|native|conversational)\b/gi, " ")))
    .map((w) => w.trim())
    .filter((w) => isLanguage(w))
    .map((w) => {
      const value = titleCase(w.toLowerCase());
      return fact(null, "other", `User speaks ${value}`, value);
    });
};

// ---- location -------------------------------------------------------------

function homeFacts(text: string, ctx: Ctx, verb: string): SemanticFact[] {
  const place = placeAt(text, ctx.casual);
  if (!place) return [];
  const out: SemanticFact[] = [];
  const kind = placeKind(place);
  if (kind === "country") out.push(fact("home_country", "location", `User ${verb} ${place}`, place));
  else if (kind === "region") out.push(fact(null, "location", `User ${verb} ${place}`, place));
  else out.push(fact("home_city", "location", `User ${verb} ${place}`, place));
  // "Lisbon, Portugal"
  const rest = text.slice(text.indexOf(place) + place.length);
  const second = /^\s*,\s*(.*)$/.exec(rest);
  const country = second ? placeAt(second[1]!, ctx.casual) : null;
  if (kind === "city" && country && placeKind(country) === "country") {
    out.push(fact("home_country", "location", `User ${verb} ${country}`, country));
  }
  return out;
}

const home: Rule = (c, ctx) => {
  const lives =
    /(?:\b(?:i|we)|^(?:(?:me|i) and my [\p{L} ]{2,40}?|my [\p{L} ]{2,40}? and (?:i|me)))\s+(?:currently\s+|now\s+|still\s+|actually\s+|both\s+)?(?:live|reside)\s+in\s+(.*)$/iu.exec(c) ??
    new RegExp(`\\b(?:${I_AM}|we're|we are)\\s+(?:currently\\s+|now\\s+)?(?:living|based|located)\\s+(?:in|out of)\\s+(.*)$`, "i").exec(c) ??
    /\b(?:i|we)(?:'ve| have)\s+(?:been\s+living|lived)\s+in\s+(.*?)\s+(?:for|since)\b/i.exec(c);
  if (lives) return homeFacts(lives[1]!, ctx, "lives in");
  const moved = /\b(?:i|we)(?:'ve| have)?\s+(?:just\s+|recently\s+|finally\s+|already\s+)?(?:moved|relocated)\s+(?:here\s+)?to\s+(.*)$/i.exec(c);
  if (moved) return homeFacts(moved[1]!, ctx, "lives in").map((f) => ({ ...f, content: f.content.replace("lives in", "moved to") }));
  return [];
};

const origin: Rule = (c, { casual }) => {
  const m = new RegExp(`\\b(?:${I_AM}\\s+(?:originally\\s+)?from|i (?:originally\\s+)?come from|i grew up in)\\s+(.*)$`, "i").exec(c);
  if (!m) return [];
  const place = placeAt(m[1]!, casual);
  if (!place) return [];
  const grewUp = /grew up/i.test(m[0]);
  return [fact(null, "location", grewUp ? `User grew up in ${place}` : `User is from ${place}`, place, null, 0.6)];
};

// ---- work -----------------------------------------------------------------

function employerFact(text: string, ctx: Ctx): SemanticFact | null {
  const org = organisationAt(text, ctx.casual);
  if (!org || placeKind(org.value) !== "city" || /^(?:home|myself|free)$/i.test(org.value)) return null;
  return fact("employer", "work", `User works at ${org.phrase}`, org.value);
}

function jobFact(title: string): SemanticFact {
  const lower = title.toLowerCase();
  const value = /^(?:ceo|cto|cfo|coo)$/.test(lower) ? title.toUpperCase() : title;
  return fact("job_title", "work", `User works as ${/^[aeiou]/i.test(value) ? "an" : "a"} ${value}`, value);
}

const work: Rule = (c, ctx) => {
  const out: SemanticFact[] = [];
  const m =
    /\b(?:i|we)\s+(?:currently\s+|now\s+|still\s+|also\s+)?work\s+(?:full[- ]time\s+|part[- ]time\s+|remotely\s+)?(at|for|in|as)\s+(.*)$/i.exec(c) ??
    new RegExp(`\\b${I_AM}\\s+(?:currently\\s+|now\\s+)?(?:working|employed)\\s+(at|for|by|as|in)\\s+(.*)$`, "i").exec(c);
  if (m) {
    const prep = m[1]!.toLowerCase();
    const rest = m[2]!;
    if (prep === "as") {
      const title = jobTitleAt(rest, false);
      if (title) out.push(jobFact(title));
      const at = /\s(?:at|for)\s+(.*)$/i.exec(rest);
      const employer = at ? employerFact(at[1]!, ctx) : null;
      if (employer) out.push(employer);
    } else if (prep === "in") {
      // "I work in marketing" (a field); "I work in Lisbon" is a place, not a job.
      const field = phraseAt(rest);
      if (field && /^[a-z]/.test(field) && field.split(" ").length <= 3 && !placeAt(rest, false)) {
        const value = stripArticle(field);
        out.push(fact(null, "work", `User works in ${field}`, value));
      }
    } else {
      const employer = employerFact(rest, ctx);
      if (employer) out.push(employer);
      const as = /\sas\s+(.*)$/i.exec(rest);
      const title = as ? jobTitleAt(as[1]!, false) : null;
      if (title) out.push(jobFact(title));
    }
    return out;
  }

  const role = /\bmy (?:job|job title|role|position|title|profession|occupation) is\s+(.*)$/i.exec(c);
  if (role) {
    const title = jobTitleAt(role[1]!, false);
    return title ? [jobFact(title)] : [];
  }

  const boss = new RegExp(`\\b${I_AM}\\s+(?:the\\s+)?(ceo|cto|cfo|coo|founder|co-?founder|head of [a-z]+|director of [a-z]+)\\s+(?:of|at)\\s+(.*)$`, "i").exec(c);
  if (boss) {
    out.push(jobFact(boss[1]!));
    const employer = employerFact(boss[2]!, ctx);
    if (employer) out.push(employer);
    return out;
  }

  const iAmA = new RegExp(`\\b${I_AM}\\s+(?:currently\\s+|now\\s+|actually\\s+|also\\s+|still\\s+|really\\s+)?(an?\\s+.*)$`, "i").exec(c);
  if (iAmA) {
    const title = jobTitleAt(iAmA[1]!, true);
    if (!title) return out;
    const at = /\s(?:at|for|with)\s+(.*)$/i.exec(iAmA[1]!);
    if (/\bstudent$/i.test(title)) {
      const school = at ? organisationAt(at[1]!, ctx.casual) : null;
      out.push(school ? fact(null, "work", `User is a ${title} at ${school.phrase}`, school.value) : jobFact(title));
      return out;
    }
    out.push(jobFact(title));
    const employer = at ? employerFact(at[1]!, ctx) : null;
    if (employer) out.push(employer);
    return out;
  }

  const status = new RegExp(`\\b${I_AM}\\s+(?:now\\s+)?(retired|unemployed|self-employed|a freelancer|freelancing|between jobs)\\b`, "i").exec(c);
  if (status) {
    const value = status[1]!.toLowerCase().replace(/^a /, "");
    return [fact(null, "work", `User is ${status[1]!.toLowerCase()}`, value)];
  }

  const study = /\bi (?:study|am studying|'m studying)\s+(.*)$/i.exec(c) ?? new RegExp(`\\b${I_AM}\\s+studying\\s+(.*)$`, "i").exec(c);
  if (study) {
    const school = /^(?:at|in)\s+(.*)$/i.exec(study[1]!);
    const org = school ? organisationAt(school[1]!, ctx.casual) : null;
    if (school) return org && placeKind(org.value) === "city" ? [fact(null, "work", `User studies at ${org.phrase}`, org.value)] : out;
    const subject = phraseAt(study[1]!.replace(/\s+at\s+.*$/i, ""));
    if (subject && subject.split(" ").length <= 4 && !deicticObjects.test(subject)) {
      out.push(fact(null, "other", `User studies ${subject}`, subject));
    }
  }
  return out;
};

// ---- family and pets ------------------------------------------------------

const NUMBER_WORD = "(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\\d+)";
const relationPattern = (set: ReadonlySet<string>) => [...set].sort((a, b) => b.length - a.length).map((w) => w.replace(/[-]/g, "[- ]")).join("|");
const FAMILY = relationPattern(familyRelations);
const PARTNER = relationPattern(partnerRelations);
const PETS = relationPattern(pets);
/** People or animals the user names as a group: "my kids are Ava, Leo and Sam". */
const GROUPS = "kids|children|sons|daughters|sisters|brothers|siblings|twins|grandchildren|grandkids|cats|dogs|pets|parrots|rabbits|fish|horses";
const HAVE = "(?:\\s+have got|\\s+have|'ve got|\\s+got)";

/** The names listed at the start of `text` ("Ava, Leo and Sam"), up to the first item that is not a name. */
function names(text: string, casual: boolean): string[] {
  const out: string[] = [];
  for (const part of splitList(listPhraseAt(text))) {
    const name = nameAt(part, casual);
    // "Rex and a cat called Luna": the names end where something else is listed.
    if (!name || name.length < trimValue(part).replace(/^["']/, "").length) break;
    out.push(name);
  }
  return out.slice(0, 8);
}

const SINGULAR: Readonly<Record<string, string>> = { children: "child", grandchildren: "grandchild", kids: "kid", grandkids: "grandkid" };

function singular(relation: string): string {
  return SINGULAR[relation] ?? relation.replace(/(?<=[^s])s$/, "");
}

function plural(relation: string): string {
  if (relation === "child") return "children";
  if (relation.endsWith("s")) return relation;
  return `${relation}s`;
}

const family: Rule = (c, { casual }) => {
  const out: SemanticFact[] = [];
  const partner = new RegExp(`\\bmy (${PARTNER})${NAMED}(.*)$`, "i").exec(c);
  const partnerName = partner ? relationName(partner[2], partner[3]!, casual) : null;
  if (partner && partnerName) {
    out.push(fact("partner", "family", `User's ${partner[1]!.toLowerCase()} is ${partnerName}`, partnerName));
  }
  const married = new RegExp(`\\b${I_AM}\\s+(married|engaged)(?:\\s+to\\s+(.*))?$`, "i").exec(c);
  if (married) {
    const spouse = married[2] ? nameAt(married[2], casual) : null;
    const state = married[1]!.toLowerCase();
    out.push(spouse ? fact("partner", "family", `User is ${state} to ${spouse}`, spouse) : fact(null, "family", `User is ${state}`, state));
  }
  const relative = new RegExp(`\\bmy (${FAMILY})${NAMED}(.*)$`, "i").exec(c);
  const relativeName = relative ? relationName(relative[2], relative[3]!, casual) : null;
  if (relative && relativeName) {
    out.push(fact(null, "family", `User's ${relative[1]!.toLowerCase()} is named ${relativeName}`, relativeName));
  }
  const has = new RegExp(`\\b(?:i|we)${HAVE}\\s+${NUMBER_WORD}\\s+(?:(?:little|older|younger|big|baby|twin|grown-up|adult)\\s+)?(${FAMILY}|children|siblings|kids|sisters|brothers|sons|daughters|twins|grandchildren|grandkids)\\b(.*)$`, "i").exec(c);
  if (has) {
    const count = has[1]!.toLowerCase();
    const relation = has[2]!.toLowerCase();
    const named = /^\s*(?:,|named|called|:)\s*(.*)$/i.exec(has[3]!);
    const who = named ? names(named[1]!, casual) : [];
    const single = /^(?:a|an|one)$/.test(count);
    const phrase = single ? `a ${relation}` : `${count} ${plural(relation)}`;
    // The count is a fact of its own ("how many kids do I have?"); each name is another.
    if (!single || who.length === 0) out.push(fact(null, "family", `User has ${phrase}`, stripArticle(phrase)));
    for (const person of who) out.push(fact(null, "family", `User has a ${singular(relation)} named ${person}`, person));
  }
  const listed = new RegExp(`\\bmy (${GROUPS})\\s+(are|'re)\\s+(called\\s+|named\\s+)?(.*)$`, "i").exec(c);
  if (listed) {
    const relation = singular(listed[1]!.toLowerCase());
    const category = pets.has(relation) ? "pet" : "family";
    for (const member of names(listed[4]!, casual && listed[3] !== undefined)) {
      out.push(fact(null, category, `User has a ${relation} named ${member}`, member));
    }
  }
  const parent = new RegExp(`\\b${I_AM}\\s+(?:a|the)\\s+(mom|mother|mum|dad|father|parent)\\s+of\\s+${NUMBER_WORD}\\b`, "i").exec(c);
  if (parent) {
    const value = `${parent[1]!.toLowerCase()} of ${parent[2]!.toLowerCase()}`;
    out.push(fact(null, "family", `User is a ${value}`, value));
  }
  return out;
};

const pet: Rule = (c, { casual }) => {
  const out: SemanticFact[] = [];
  const has = new RegExp(`\\b(?:i|we)(?:${HAVE}|\\s+own)\\s+(.*)$`, "i").exec(c);
  if (has) {
    // "a dog named Rex and a cat called Luna": every pet in the list. Names follow a comma, "named" or
    // "called"; several only for several pets ("two cats, Tom and Jerry"), never a count word ("and a cat").
    const each = new RegExp(
      `(?:^|,\\s*|\\s+and\\s+)${NUMBER_WORD}\\s+(?:[a-z-]+\\s+)?(${PETS})(s|es)?\\b((?:\\s*,|\\s+named|\\s+called)\\s*[\\p{L}'-]+(?:(?:\\s*,\\s*|\\s+and\\s+)(?!${NUMBER_WORD}\\s)[\\p{L}'-]+)*)?`,
      "giu",
    );
    for (const m of has[1]!.matchAll(each)) {
      const count = m[1]!.toLowerCase();
      const animal = m[2]!.toLowerCase();
      const single = /^(?:a|an|one)$/.test(count);
      const phrase = single ? `${/^[aeiou]/.test(animal) ? "an" : "a"} ${animal}` : `${count} ${animal}${m[3] ?? "s"}`;
      const namedText = m[4] ? m[4].replace(/^\s*(?:,|named|called)\s*/i, "") : "";
      const explicit = m[4] !== undefined && /named|called/i.test(m[4]);
      const petNames = namedText ? names(namedText, casual || explicit).slice(0, single ? 1 : 8) : [];
      if (!single || petNames.length === 0) out.push(fact(null, "pet", `User has ${phrase}`, stripArticle(phrase)));
      const one = `${/^[aeiou]/.test(animal) ? "an" : "a"} ${animal}`;
      for (const petName of petNames) out.push(fact(null, "pet", `User has ${one} named ${petName}`, petName));
    }
    if (out.length > 0) return out;
  }
  const my = new RegExp(`\\bmy (${PETS})${NAMED}(.*)$`, "i").exec(c);
  const petName = my ? relationName(my[2], my[3]!, casual) : null;
  if (my && petName) {
    const animal = my[1]!.toLowerCase();
    out.push(fact(null, "pet", `User has ${/^[aeiou]/.test(animal) ? "an" : "a"} ${animal} named ${petName}`, petName));
  }
  return out;
};

// ---- likes, dislikes, preferences ----------------------------------------

/** Objects about how the assistant answers are procedural, not facts about the user. */
const ABOUT_ANSWERS = /\b(?:answers?|responses?|replies|reply|bullet|bullets|emojis?|format(?:ting)?|markdown|tables?|metric|imperial|units|celsius|fahrenheit|temperatures|measurements|tone|you)\b/i;

function objects(text: string): string[] {
  const phrase = listPhraseAt(text);
  if (!phrase || deicticObjects.test(phrase) || ABOUT_ANSWERS.test(phrase)) return [];
  return splitList(phrase)
    .map((item) => trimValue(item.replace(/^(?:my|our)\s+/i, "")))
    .filter((item) => item.length > 0 && item.length <= 60 && item.split(" ").length <= 6 && !deicticObjects.test(item));
}

function verbPhrase(item: string): { value: string; isVerb: boolean } {
  const m = /^to\s+(.*)$/i.exec(item);
  return m ? { value: m[1]!, isVerb: true } : { value: item, isVerb: false };
}

const likes: Rule = (c) => {
  const out: SemanticFact[] = [];
  const like = new RegExp(`\\bi\\s+${ADVERBS}(love|like|enjoy|adore)\\s+(.*)$`, "i").exec(c);
  const fan = new RegExp(`\\b${I_AM}\\s+(?:a\\s+)?(?:really\\s+|very\\s+|so\\s+|totally\\s+)?(?:(?:big|huge|great|massive)\\s+)?(?:fan of|into|obsessed with|crazy about|passionate about)\\s+(.*)$`, "i").exec(c);
  const m = like ?? fan;
  if (m) {
    const text = like ? like[2]! : fan![1]!;
    for (const item of objects(text)) {
      const { value, isVerb } = verbPhrase(item);
      out.push(fact(null, "like", isVerb ? `User likes to ${value}` : `User likes ${item}`, value));
    }
  }
  return out;
};

/** "My hobbies are climbing, chess and photography", "I play guitar, piano and a little drums". */
const hobbies: Rule = (c) => {
  const out: SemanticFact[] = [];
  const listed = /\bmy (?:main\s+)?(hobbies|interests|passions|hobby|passion)\s+(?:are|is|include)\s+(.*)$/i.exec(c);
  if (listed) {
    const what = listed[1]!.toLowerCase();
    const plural = /s$/.test(what);
    for (const item of objects(listed[2]!)) {
      out.push(fact(null, "like", plural ? `User's ${what} include ${item}` : `User's ${what} is ${item}`, item));
    }
  }
  const plays = new RegExp(`\\bi\\s+${ADVERBS}(play|practi[cs]e)\\s+(.*)$`, "i").exec(c);
  if (plays) {
    const verb = plays[1]!.toLowerCase() === "play" ? "plays" : "practises";
    for (const item of objects(plays[2]!)) {
      const value = trimValue(
        item.replace(QUANTITY, "").replace(/\s+(?:for|with|in|at|on|every|each|twice|once|since|when|professionally|competitively|casually|sometimes|often|daily|weekly)\b.*$/i, ""),
      );
      if (!value || NOT_PLAYED.test(value)) continue;
      out.push(fact(null, "like", `User ${verb} ${value}`, value));
    }
  }
  return out;
};

/** "a little drums", "a bit of chess", "some tennis": how much, not what. */
const QUANTITY = /^(?:a little(?: bit of)?|a bit of|a bit|a lot of|lots of|some|the)\s+/i;
const NOT_PLAYED = /^(?:along|around|outside|together|well|badly|games? with|it|a lot|a role|a part|the (?:game|fool|victim)|dead|dumb|nice|fair|safe|by ear)\b/i;

const dislikes: Rule = (c) => {
  const out: SemanticFact[] = [];
  const m =
    new RegExp(`\\bi\\s+${ADVERBS}(?:don't|dont|do not|never|really don't|didn't ever)\\s+(?:really\\s+|much\\s+|particularly\\s+|actually\\s+|even\\s+)?(?:like|love|enjoy|care for)\\s+(.*)$`, "i").exec(c) ??
    new RegExp(`\\bi\\s+${ADVERBS}(?:hate|dislike|detest|loathe|despise|can't stand|cannot stand|can not stand|can't bear)\\s+(.*)$`, "i").exec(c) ??
    new RegExp(`\\b${I_AM}\\s+(?:really\\s+)?not\\s+(?:a\\s+)?(?:(?:big|huge|great)\\s+)?(?:fan of|into|keen on|a fan of)\\s+(.*)$`, "i").exec(c);
  const notMine = /^(.{1,40}?)\s+(?:is not|isn't|are not|aren't)\s+(?:really\s+)?(?:my thing|for me|my cup of tea|my jam)$/i.exec(c);
  const text = m?.[1] ?? notMine?.[1];
  if (text === undefined) return out;
  for (const item of objects(text)) {
    const { value, isVerb } = verbPhrase(item);
    out.push(fact(null, "dislike", isVerb ? `User doesn't like to ${value}` : `User dislikes ${item}`, value));
  }
  return out;
};

const preferences: Rule = (c) => {
  const out: SemanticFact[] = [];
  const favorite = /\bmy (?:absolute\s+|all-time\s+)?fav(?:ou?rite|e)\s+([a-z][a-z ]{0,30}?)\s+(?:is|are)\s+(.*)$/i.exec(c);
  if (favorite) {
    const thing = favorite[1]!.toLowerCase();
    const several = /\bare\s/i.test(favorite[0].slice(favorite[0].length - favorite[2]!.length - 4));
    const values = several ? splitList(listPhraseAt(favorite[2]!)) : [phraseAt(favorite[2]!)];
    for (const value of values) {
      if (!value || deicticObjects.test(value) || ABOUT_ANSWERS.test(`${thing} ${value}`)) continue;
      out.push(fact(null, "preference", `User's favorite ${thing} ${several ? "include" : "is"} ${value}`, value));
    }
  }
  const reversed = /^(.{1,60}?)\s+(?:is|are)\s+my\s+(?:absolute\s+|all-time\s+)?fav(?:ou?rite|e)(?:\s+([a-z][a-z ]{0,30}))?$/i.exec(c);
  if (reversed) {
    const value = trimValue(reversed[1]!);
    if (!deicticObjects.test(value) && !ABOUT_ANSWERS.test(value)) {
      const thing = reversed[2] ? ` ${phraseAt(reversed[2])}` : "";
      out.push(fact(null, "preference", `User's favorite${thing} is ${value}`, value));
    }
  }
  const prefer = /\bi\s+(?:really\s+|much\s+|generally\s+|usually\s+|always\s+|definitely\s+)?prefer\s+(.*)$/i.exec(c) ?? /\bi'd\s+rather\s+(.*)$/i.exec(c);
  if (prefer) {
    const rest = prefer[1]!;
    const [choice] = objects(rest);
    const other = /\b(?:over|to|rather than|instead of|than)\s+(.*)$/i.exec(rest.slice((choice ?? "").length));
    const against = other ? phraseAt(other[1]!) : "";
    if (choice && !ABOUT_ANSWERS.test(rest)) {
      const { value, isVerb } = verbPhrase(choice);
      const content = `User prefers ${isVerb ? `to ${value}` : value}${against && !deicticObjects.test(against) ? ` over ${against}` : ""}`;
      out.push(fact(null, "preference", content, value));
    }
  }
  return out;
};

// ---- allergies and diet ---------------------------------------------------

const allergies: Rule = (c) => {
  const out: SemanticFact[] = [];
  const to = new RegExp(`\\b${I_AM}\\s+(?:severely\\s+|very\\s+|highly\\s+|mildly\\s+|deathly\\s+|a bit\\s+|slightly\\s+|also\\s+)?allergic\\s+to\\s+(.*)$`, "i").exec(c) ??
    /\bi have (?:an?\s+)?(?:severe\s+|mild\s+|serious\s+)?allerg(?:y|ies)\s+to\s+(.*)$/i.exec(c);
  if (to) {
    for (const item of splitList(listPhraseAt(to[1]!))) {
      if (deicticObjects.test(item)) continue;
      const value = stripArticle(item);
      out.push(fact(null, "allergy", `User is allergic to ${value}`, value));
    }
  }
  const noun = /\bi have (?:an?\s+)?(?:severe\s+|mild\s+|serious\s+)?([a-z][a-z -]{1,30}?)\s+allerg(?:y|ies)\b/i.exec(c);
  if (noun && !to) {
    const value = noun[1]!.trim();
    out.push(fact(null, "allergy", `User has a ${value} allergy`, value));
  }
  const intolerant = new RegExp(`\\b${I_AM}\\s+(?:also\\s+)?(lactose|gluten|fructose|histamine)[- ]intolerant\\b`, "i").exec(c);
  if (intolerant) {
    const value = intolerant[1]!.toLowerCase();
    out.push(fact(null, "allergy", `User is ${value} intolerant`, value));
  }
  if (new RegExp(`\\b(?:${I_AM}\\s+(?:a\\s+)?coeliac|${I_AM}\\s+(?:a\\s+)?celiac|i have (?:celiac|coeliac) disease)\\b`, "i").test(c)) {
    out.push(fact(null, "allergy", "User has celiac disease and cannot eat gluten", "gluten"));
  }
  return out;
};

const DIET = [...diets].sort((a, b) => b.length - a.length).map((d) => d.replace(/[- ]/g, "[- ]")).join("|");

const diet: Rule = (c) => {
  const out: SemanticFact[] = [];
  const named =
    new RegExp(`\\b${I_AM}\\s+(?:an?\\s+)?(?:strict\\s+|full\\s+|mostly\\s+|now\\s+|also\\s+)?(${DIET})\\b(?!\\s+(?:food|restaurant|recipe))`, "i").exec(c) ??
    new RegExp(`\\bi\\s+(?:eat|keep|follow|go)\\s+(?:a\\s+)?(?:strict\\s+)?(${DIET})\\b`, "i").exec(c) ??
    new RegExp(`\\b${I_AM}\\s+on\\s+an?\\s+(?:strict\\s+)?(${DIET})\\s+diet\\b`, "i").exec(c) ??
    new RegExp(`\\bi(?:'ve| have)\\s+been\\s+(?:an?\\s+)?(?:strict\\s+)?(${DIET})\\b`, "i").exec(c);
  if (named) {
    const value = named[1]!.toLowerCase().replace(/\s+/g, "-");
    out.push(fact("diet", "diet", `User's diet is ${value}`, value));
  }
  const abstains = /\bi\s+(?:really\s+|just\s+|also\s+|simply\s+)?(?:don't|do not|never|can't|cannot|can not)\s+eat\s+(.*)$/i.exec(c);
  if (abstains) {
    const cannot = /can/i.test(abstains[0]);
    for (const item of splitList(listPhraseAt(abstains[1]!))) {
      if (deicticObjects.test(item) || item.split(" ").length > 3) continue;
      out.push(fact(null, "diet", `User ${cannot ? "can't" : "doesn't"} eat ${item}`, item));
    }
  }
  return out;
};

// ---- goals and plans ------------------------------------------------------

/** "I want to know…", "I'd like to ask…": requests in this chat, not life goals. */
const NOT_GOALS =
  /^(?:know|ask|see|check|find|understand|learn (?:more|about)|talk|chat|tell|say|make sure|be sure|confirm|try|test|get|go to bed|go to sleep|sleep|eat|compare|calculate|convert|figure|remember|hear|share|mention|clarify|note|add|change|update|correct|delete|remove|start over|stop|quit|cancel|thank|play|ask|be|have|do|buy (?:some|a coffee)|order|book a table|read (?:this|that|it)|look|think|discuss|go|come|continue|begin|start this|set|use|call|write (?:this|that|it|a message)|send)\b/i;

const TRAVEL_VERBS = "flying|traveling|travelling|going|heading|driving|moving|relocating|visiting|leaving for|off";

/** A goal from the phrase after the verb; the clause's date (if any) is resolved and cut from the value. */
function goalFact(value: string, verbForm: string, c: string, ctx: Ctx): SemanticFact | null {
  const found = findDate(c, ctx.now);
  let v = value;
  if (found) v = v.replace(found.phrase, "");
  v = phraseAt(v.replace(/\s+(?:on|in|by|next|this)\s*$/i, "")).replace(/\s+(?:on|in|by|at|next|this)$/i, "");
  if (!v || v.split(" ").length > 10 || deicticObjects.test(v)) return null;
  const date = found?.iso ?? null;
  const subject = verbForm.startsWith("'") ? "User" : "User ";
  return fact(null, "goal", `${subject}${verbForm} ${v}${describeDate(date)}`, v, date, date ? 0.7 : 0.6);
}

const goals: Rule = (c, ctx) => {
  const out: SemanticFact[] = [];
  const want = /\b(?:i|we)\s+(?:really\s+|also\s+|still\s+|eventually\s+)?(want|plan|hope|intend|aim|mean)\s+to\s+(.*)$/i.exec(c);
  const wouldLike = /\b(?:i'd|i would)\s+(?:really\s+)?(like|love)\s+to\s+(.*)$/i.exec(c);
  const planning = new RegExp(`\\b${I_AM}\\s+(?:also\\s+|still\\s+)?(planning|hoping|trying|aiming|saving up|saving)\\s+(?:to|for|on)\\s+(.*)$`, "i").exec(c);
  const goingTo = new RegExp(`\\b${I_AM}\\s+(?:also\\s+)?(?:going|gonna)\\s+(?:to\\s+)?(.*)$`, "i").exec(c);
  const myGoal = /\bmy (?:main |big |biggest |long-term |new year's )?(goal|dream|plan|ambition|resolution)(?: for [a-z0-9 ]+)? is to\s+(.*)$/i.exec(c);
  const planningA = new RegExp(`\\b${I_AM}\\s+planning\\s+(an?|my|our)\\s+(.*)$`, "i").exec(c);

  const forms: Record<string, string> = {
    want: "wants to",
    plan: "plans to",
    hope: "hopes to",
    intend: "intends to",
    aim: "aims to",
    mean: "means to",
    like: "would like to",
    love: "would love to",
    planning: "plans to",
    hoping: "hopes to",
    trying: "is trying to",
    aiming: "aims to",
    saving: "is saving for",
    "saving up": "is saving up for",
  };

  const verbGoal = want ?? wouldLike ?? planning;
  if (verbGoal) {
    const verb = verbGoal[1]!.toLowerCase();
    const rest = verbGoal[2]!;
    if (!NOT_GOALS.test(rest) || verb.startsWith("saving")) {
      const made = goalFact(rest, forms[verb] ?? "wants to", c, ctx);
      if (made) out.push(verb.startsWith("saving") ? { ...made, value: `${verb} for ${made.value}` } : made);
    }
    return out;
  }
  if (myGoal) {
    const made = goalFact(myGoal[2]!, `'s ${myGoal[1]!.toLowerCase()} is to`, c, ctx);
    if (made) out.push(made);
    return out;
  }
  if (planningA) {
    const made = goalFact(`${planningA[1]!.toLowerCase() === "my" || planningA[1]!.toLowerCase() === "our" ? "a" : planningA[1]} ${planningA[2]}`, "is planning", c, ctx);
    if (made) out.push(made);
    return out;
  }

  const travel = new RegExp(`\\b(?:${I_AM}|we're|we are|i will be|i'll be)\\s+(?:also\\s+|finally\\s+)?(${TRAVEL_VERBS})\\s+(?:to\\s+|for\\s+)?(.*)$`, "i").exec(c);
  if (travel) {
    const verb = travel[1]!.toLowerCase();
    const found = findDate(c, ctx.now);
    const place = placeAt(found ? travel[2]!.replace(found.phrase, " ").trim() : travel[2]!, ctx.casual);
    const firm = /^(?:flying|traveling|travelling|moving|relocating|visiting)$/.test(verb);
    if (place && (found !== null || firm)) {
      const phrase = verb === "visiting" ? `visiting ${place}` : verb === "leaving for" ? `leaving for ${place}` : `${verb} to ${place}`;
      const date = found?.iso ?? null;
      out.push(fact(null, "goal", `User is ${phrase}${describeDate(date)}`, phrase, date, date ? 0.7 : 0.6));
      return out;
    }
    if (place) return out;
    // "visiting my parents in Chicago next weekend": a dated visit to someone.
    if (verb === "visiting" && found) {
      const made = goalFact(travel[2]!, "is visiting", c, ctx);
      if (made) out.push({ ...made, value: `visiting ${made.value}` });
      return out;
    }
  }
  if (goingTo) {
    // "I'm going to run a marathon" is a plan; "I'm going to bed", "I'm going to ask you…" are not.
    const rest = goingTo[1]!;
    const errand = /^(?:the|a|an|my|bed|work|school|church|class|gym|store|shop|office|be|need|ask|check|try|tell|show|explain|give|answer|reply|let)\b/i;
    if (/^[a-z]/.test(rest) && !NOT_GOALS.test(rest) && !errand.test(rest)) {
      const made = goalFact(rest, "is going to", c, ctx);
      if (made) out.push(made);
    }
    return out;
  }

  const preparing = new RegExp(`\\b${I_AM}\\s+(?:currently\\s+|also\\s+)?(training|preparing|studying)\\s+for\\s+(.*)$`, "i").exec(c);
  if (preparing) {
    const made = goalFact(preparing[2]!, `is ${preparing[1]!.toLowerCase()} for`, c, ctx);
    if (made) out.push({ ...made, value: `${preparing[1]!.toLowerCase()} for ${made.value}` });
    return out;
  }

  const event = new RegExp(`\\b${I_AM}\\s+(getting married|graduating|starting (?:a new job|my new job|university|college|school|a new role)|retiring|having a baby|running a marathon|running the [A-Z][a-z]+ marathon)\\b`, "i").exec(c);
  if (event) {
    const found = findDate(c, ctx.now);
    if (found) {
      const phrase = event[1]!.toLowerCase();
      out.push(fact(null, "goal", `User is ${phrase}${describeDate(found.iso)}`, phrase, found.iso, 0.7));
    }
    return out;
  }

  const appointment = /\b(?:i|we) have (?:an?|my|our)\s+((?:[a-z-]+\s+){0,2}(?:trip|flight|wedding|exam|interview|conference|appointment|marathon|race|vacation|holiday|surgery|operation|concert|presentation|deadline|recital|defen[cs]e)(?:\s+(?:to|in)\s+[A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)?)?)/iu.exec(c) ??
    /\bmy\s+((?:[a-z-]+\s+){0,2}(?:trip|flight|wedding|exam|interview|conference|appointment|marathon|race|vacation|holiday|surgery|operation|concert|presentation|deadline)(?:\s+(?:to|in)\s+[A-Z][\p{L}-]+)?)\s+is\b/iu.exec(c);
  if (appointment) {
    const found = findDate(c, ctx.now);
    if (found) {
      const phrase = trimValue(appointment[1]!);
      out.push(fact(null, "goal", `User has ${/^[aeiou]/i.test(phrase) ? "an" : "a"} ${phrase}${describeDate(found.iso)}`, phrase, found.iso, 0.7));
    }
  }
  return out;
};

const learning: Rule = (c) => {
  const m = new RegExp(`\\b${I_AM}\\s+(?:currently\\s+|also\\s+)?learning\\s+((?:how\\s+)?to\\s+)?(.*)$`, "i").exec(c);
  if (!m || /^about\b/i.test(m[2]!)) return [];
  const what = phraseAt(m[2]!);
  if (!what || deicticObjects.test(what) || what.split(" ").length > 5) return [];
  const value = `learning ${m[1] ? "to " : ""}${what}`;
  return [fact(null, "goal", `User is ${value}`, value)];
};

const rules: readonly Rule[] = [name, age, birthday, nationality, speaks, home, origin, work, family, pet, otherPeopleFacts, possessionFacts, likes, hobbies, dislikes, preferences, allergies, diet, goals, learning];

/** Every rule's facts for one clause of the user's. */
export function factsOf(text: string, ctx: Ctx): SemanticFact[] {
  return rules.flatMap((rule) => rule(text, ctx));
}

function usable(clause: Clause): boolean {
  return !clause.question && !clause.hypothetical && !clause.reported;
}

const idOf = (f: SemanticFact) => `${f.category}|${normalizeValue(f.value)}`;

/**
 * Facts stated by the user in this message. The assistant's reply is never
 * read here: what the assistant claims about the user is not evidence.
 * `previous` (the user's previous message) only locates the slot of a
 * correction ("I meant Porto"); nothing else is taken from it.
 */
export function extractSemantic(message: AnalyzedMessage, now: Date, previous: AnalyzedMessage | null = null): SemanticFact[] {
  if (message.promptLike) return [];
  const ctx: Ctx = { casual: message.casual, now };
  const seen = new Set<string>();
  const out: SemanticFact[] = [];
  const add = (facts: SemanticFact[]) => {
    for (const f of facts) {
      const id = idOf(f);
      if (seen.has(id) || f.value.length > 200 || f.content.length > 500 || isFragment(f)) continue;
      seen.add(id);
      out.push(f);
    }
  };
  const conditionalSentences = new Set(findConditionalInstructions(message).map((c) => c.sentence));
  const read = new Set<string>();
  message.clauses.forEach((clause, i) => {
    if (!usable(clause) || conditionalSentences.has(clause.sentence)) return;
    const before = message.clauses[i - 1];
    const introduced = before !== undefined && before.sentence === clause.sentence && isBareIntroduction(before.text);
    for (const text of [clause.text, ...profileClauses(clause.text, introduced)]) {
      // A clause said twice (pasted text repeats itself) gives the same facts twice: read it once.
      if (read.has(text)) continue;
      read.add(text);
      add(factsOf(text, ctx));
    }
  });
  for (const statement of selfCorrectedStatements(message)) add(factsOf(statement, ctx));
  const corrected = applyCorrections(message, previous, {
    read: (text) => factsOf(text, ctx),
    value: (f) => f.value,
    sameSlot: (a, b) => (a.key !== null ? a.key === b.key : a.category === b.category),
  });
  const retracted = new Set(corrected.retracted.map(idOf));
  const kept = out.filter((f) => !retracted.has(idOf(f)));
  out.splice(0, out.length, ...kept);
  for (const id of retracted) seen.delete(id);
  add(corrected.added);
  // "I'm a vegetarian" is a diet, not also a like of "vegetarian": a like never repeats another fact's value.
  return out.filter(
    (f) => (f.category !== "like" && f.category !== "preference") || !out.some((g) => g !== f && g.category !== f.category && normalizeValue(g.value) === normalizeValue(f.value)),
  );
}
