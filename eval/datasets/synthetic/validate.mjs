#!/usr/bin/env node
// Checks every dataset file in this folder against the format in README.md and prints the
// counts the README quotes. Plain Node on purpose: it must run before `npm install`.
// Usage: node eval/datasets/synthetic/validate.mjs   (exit code 1 on any problem)
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CATEGORIES = ["single-hop", "multi-hop", "temporal", "knowledge-update", "abstention"];
// The sizes each history was written to (README, "What is in it"): an edit that shrinks a
// history or drops questions below them changes what the evaluation's numbers mean.
const MIN_QUESTIONS = { "single-hop": 12, "multi-hop": 8, temporal: 8, "knowledge-update": 6, abstention: 6 };
const MIN_QUESTIONS_TOTAL = 40;
const SESSIONS = { min: 24, max: 32 };
const USER_MESSAGES_PER_SESSION = { min: 5, max: 14 };
const MIN_USER_MESSAGES = 220;
const SPAN_MONTHS = { min: 14, max: 24 };
// A reply that arrives minutes later would not look like a chat assistant.
const MAX_REPLY_DELAY_SECONDS = 120;
// People sometimes send two messages before the reply; more than this looks like a broken export.
const MAX_SHARE_OF_DOUBLE_USER_MESSAGES = 0.05;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const here = dirname(fileURLToPath(import.meta.url));
const pad = (n) => String(n).padStart(2, "0");
const nonEmptyString = (v) => typeof v === "string" && v.trim().length > 0;
const isoDay = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : "");

function checkKeys(value, required, optional, where, problems) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${where}: expected an object`);
    return false;
  }
  for (const key of required) if (!(key in value)) problems.push(`${where}: missing "${key}"`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) problems.push(`${where}: unexpected key "${key}"`);
  }
  return true;
}

function monthsBetween(a, b) {
  const x = new Date(a);
  const y = new Date(b);
  return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + (y.getUTCMonth() - x.getUTCMonth()) +
    (y.getUTCDate() - x.getUTCDate()) / 30;
}

function checkMessage(message, expectedId, where, problems) {
  if (!checkKeys(message, ["id", "role", "text", "createdAt"], [], where, problems)) return null;
  if (message.id !== expectedId) problems.push(`${where}: id "${message.id}" should be "${expectedId}"`);
  if (message.role !== "user" && message.role !== "assistant") problems.push(`${message.id}: role "${message.role}"`);
  if (!nonEmptyString(message.text)) problems.push(`${message.id}: text must be a non-empty string`);
  const at = ISO_UTC.test(message.createdAt) ? Date.parse(message.createdAt) : NaN;
  if (Number.isNaN(at)) problems.push(`${message.id}: createdAt "${message.createdAt}" is not ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)`);
  return { ...message, at };
}

// Shape, ids, roles and times of every conversation; returns the messages by id for the questions.
function checkConversations(data, userId, problems) {
  const messagesById = new Map();
  const conversations = Array.isArray(data.conversations) ? data.conversations : [];
  if (!Array.isArray(data.conversations)) problems.push("conversations must be an array");
  if (conversations.length < SESSIONS.min || conversations.length > SESSIONS.max) {
    problems.push(`${conversations.length} sessions; expected ${SESSIONS.min}–${SESSIONS.max}`);
  }

  let userMessages = 0;
  let doubleUserMessages = 0;
  let firstAt = NaN;
  let lastAt = NaN;

  conversations.forEach((conversation, ci) => {
    const externalId = `${userId}-s${pad(ci + 1)}`;
    const where = `conversation ${ci + 1}`;
    if (!checkKeys(conversation, ["externalId", "title", "messages"], [], where, problems)) return;
    if (conversation.externalId !== externalId) problems.push(`${where}: externalId "${conversation.externalId}" should be "${externalId}"`);
    if (!nonEmptyString(conversation.title)) problems.push(`${where}: title must be a non-empty string`);
    if (!Array.isArray(conversation.messages) || conversation.messages.length === 0) {
      problems.push(`${where}: messages must be a non-empty array`);
      return;
    }

    let sessionUserMessages = 0;
    let previous = null;
    conversation.messages.forEach((raw, mi) => {
      const message = checkMessage(raw, `${externalId}-m${pad(mi + 1)}`, `${where} message ${mi + 1}`, problems);
      if (!message) return;
      if (messagesById.has(message.id)) problems.push(`${message.id}: duplicate id`);
      messagesById.set(message.id, message);
      if (message.role === "user") sessionUserMessages += 1;

      const timed = Number.isFinite(message.at);
      if (!previous) {
        if (message.role !== "user") problems.push(`${message.id}: a conversation starts with the user`);
        if (timed && Number.isFinite(lastAt) && !(message.at > lastAt)) {
          problems.push(`${message.id}: conversation starts before the previous one ends`);
        }
        if (timed && Number.isNaN(firstAt)) firstAt = message.at;
      } else {
        if (timed && Number.isFinite(previous.at) && !(message.at > previous.at)) {
          problems.push(`${message.id}: createdAt not after the previous message`);
        }
        if (message.role === "assistant" && previous.role === "assistant") problems.push(`${message.id}: two assistant messages in a row`);
        if (message.role === "user" && previous.role === "user") doubleUserMessages += 1;
        if (message.role === "assistant" && message.at - previous.at > MAX_REPLY_DELAY_SECONDS * 1000) {
          problems.push(`${message.id}: reply ${Math.round((message.at - previous.at) / 1000)} s after the user message`);
        }
      }
      previous = message;
    });

    if (previous?.role !== "assistant") problems.push(`${where}: the last user message has no reply`);
    if (sessionUserMessages < USER_MESSAGES_PER_SESSION.min || sessionUserMessages > USER_MESSAGES_PER_SESSION.max) {
      problems.push(`${where}: ${sessionUserMessages} user messages; expected ${USER_MESSAGES_PER_SESSION.min}–${USER_MESSAGES_PER_SESSION.max}`);
    }
    if (Number.isFinite(previous?.at)) lastAt = previous.at;
    userMessages += sessionUserMessages;
  });

  if (userMessages < MIN_USER_MESSAGES) problems.push(`${userMessages} user messages; expected at least ${MIN_USER_MESSAGES}`);
  if (doubleUserMessages > userMessages * MAX_SHARE_OF_DOUBLE_USER_MESSAGES) {
    problems.push(`${doubleUserMessages} user messages follow another user message; at most ${Math.floor(userMessages * MAX_SHARE_OF_DOUBLE_USER_MESSAGES)} allowed`);
  }
  const spanMonths = Number.isFinite(firstAt) && Number.isFinite(lastAt) ? monthsBetween(firstAt, lastAt) : 0;
  if (spanMonths < SPAN_MONTHS.min || spanMonths > SPAN_MONTHS.max) {
    problems.push(`history spans ${spanMonths.toFixed(1)} months; expected ${SPAN_MONTHS.min}–${SPAN_MONTHS.max}`);
  }

  return {
    messagesById,
    counts: {
      sessions: conversations.length,
      userMessages,
      assistantMessages: messagesById.size - userMessages,
      spanMonths: Number(spanMonths.toFixed(1)),
      from: isoDay(firstAt),
      to: isoDay(lastAt),
    },
  };
}

// Evidence must point at existing user messages; returns the ones that do.
function userMessageIds(ids, field, where, messagesById, problems) {
  if (!Array.isArray(ids)) {
    problems.push(`${where}: ${field} must be an array`);
    return [];
  }
  if (new Set(ids).size !== ids.length) problems.push(`${where}: ${field} lists an id twice`);
  return ids.filter((id) => {
    const message = messagesById.get(id);
    if (!message) problems.push(`${where}: ${field} id "${id}" does not exist`);
    else if (message.role !== "user") problems.push(`${where}: ${field} id "${id}" is not a user message`);
    return message?.role === "user";
  });
}

function checkQuestion(question, expectedId, messagesById, problems) {
  const where = `question ${question?.id ?? expectedId}`;
  if (!checkKeys(question, ["id", "category", "question", "answer", "evidence"], ["supersededEvidence"], where, problems)) return;
  if (question.id !== expectedId) problems.push(`${where}: id should be "${expectedId}"`);
  if (!CATEGORIES.includes(question.category)) {
    problems.push(`${where}: category "${question.category}" is not one of ${CATEGORIES.join(", ")}`);
  }
  if (!nonEmptyString(question.question)) problems.push(`${where}: question must be a non-empty string`);
  if (!nonEmptyString(question.answer)) problems.push(`${where}: answer must be a non-empty string`);

  const evidence = userMessageIds(question.evidence, "evidence", where, messagesById, problems);
  const count = Array.isArray(question.evidence) ? question.evidence.length : 0;
  if (question.category === "abstention" && count !== 0) problems.push(`${where}: abstention questions have no evidence`);
  if (question.category === "multi-hop" && count < 2) problems.push(`${where}: multi-hop needs at least 2 evidence messages`);
  if (question.category !== "abstention" && count < 1) problems.push(`${where}: needs at least 1 evidence message`);

  if (question.category === "knowledge-update" && !("supersededEvidence" in question)) {
    problems.push(`${where}: knowledge-update needs supersededEvidence`);
  }
  if (!("supersededEvidence" in question)) return;
  if (question.category !== "knowledge-update") problems.push(`${where}: supersededEvidence only belongs to knowledge-update`);
  const superseded = userMessageIds(question.supersededEvidence, "supersededEvidence", where, messagesById, problems);
  if (Array.isArray(question.supersededEvidence) && question.supersededEvidence.length === 0) problems.push(`${where}: supersededEvidence is empty`);
  const earliestEvidence = Math.min(...evidence.map((id) => messagesById.get(id).at));
  for (const id of superseded) {
    if (evidence.includes(id)) problems.push(`${where}: "${id}" is both evidence and superseded`);
    if (!(messagesById.get(id).at < earliestEvidence)) problems.push(`${where}: superseded "${id}" is not earlier than the evidence`);
  }
}

function checkQuestions(data, userId, messagesById, problems) {
  const perCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const questions = Array.isArray(data.questions) ? data.questions : [];
  if (!Array.isArray(data.questions)) problems.push("questions must be an array");
  questions.forEach((question, qi) => {
    checkQuestion(question, `${userId}-q${pad(qi + 1)}`, messagesById, problems);
    if (CATEGORIES.includes(question?.category)) perCategory[question.category] += 1;
  });
  if (questions.length < MIN_QUESTIONS_TOTAL) problems.push(`${questions.length} questions; expected at least ${MIN_QUESTIONS_TOTAL}`);
  for (const category of CATEGORIES) {
    if (perCategory[category] < MIN_QUESTIONS[category]) {
      problems.push(`${perCategory[category]} ${category} questions; expected at least ${MIN_QUESTIONS[category]}`);
    }
  }
  return { questions: questions.length, ...perCategory };
}

function validateFile(file) {
  const problems = [];
  const userId = basename(file, ".json");
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { problems: [`not valid JSON: ${error.message}`] };
  }
  if (!checkKeys(data, ["user", "conversations", "questions"], [], "file", problems)) return { problems };
  if (checkKeys(data.user, ["id", "summary"], [], "user", problems)) {
    if (data.user.id !== userId) problems.push(`user.id "${data.user.id}" should match the file name "${userId}"`);
    if (!nonEmptyString(data.user.summary)) problems.push("user.summary must be a non-empty string");
  }
  const { messagesById, counts } = checkConversations(data, userId, problems);
  const questionCounts = checkQuestions(data, userId, messagesById, problems);
  return { problems, counts: { user: userId, ...counts, ...questionCounts } };
}

function printTable(rows) {
  const total = { user: "total", spanMonths: "", from: "", to: "" };
  for (const key of ["sessions", "userMessages", "assistantMessages", "questions", ...CATEGORIES]) {
    total[key] = rows.reduce((sum, row) => sum + row[key], 0);
  }
  const columns = ["user", "sessions", "userMessages", "assistantMessages", "spanMonths", "from", "to", "questions", ...CATEGORIES];
  const table = [columns, ...[...rows, total].map((row) => columns.map((c) => String(row[c])))];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
}

const files = readdirSync(here).filter((name) => name.endsWith(".json")).sort();
if (files.length === 0) {
  console.error(`no dataset files in ${here}`);
  process.exit(1);
}

let failed = false;
const rows = [];
for (const name of files) {
  const { problems, counts } = validateFile(join(here, name));
  if (problems.length > 0) {
    failed = true;
    console.error(`${name}: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem}`);
  }
  if (counts) rows.push(counts);
}
if (rows.length > 0) printTable(rows);
if (failed) process.exit(1);
console.log(`ok: ${files.length} file(s) valid`);
