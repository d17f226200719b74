#!/usr/bin/env node
// Checks every dataset file in this folder against the format in README.md and prints the
// counts the README quotes. Plain Node on purpose: it must run before `npm install`.
// Usage: node eval/datasets/synthetic/validate.mjs   (exit code 1 on any problem)
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CATEGORIES = ["single-hop", "multi-hop", "temporal", "knowledge-update", "abstention"];
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

const nonEmptyString = (v) => typeof v === "string" && v.trim().length > 0;
const pad = (n) => String(n).padStart(2, "0");

function monthsBetween(a, b) {
  const x = new Date(a);
  const y = new Date(b);
  return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + (y.getUTCMonth() - x.getUTCMonth()) +
    (y.getUTCDate() - x.getUTCDate()) / 30;
}

function validateFile(file) {
  const problems = [];
  const expectedUserId = basename(file, ".json");
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { problems: [`not valid JSON: ${error.message}`] };
  }
  if (!checkKeys(data, ["user", "conversations", "questions"], [], "file", problems)) return { problems };

  if (checkKeys(data.user, ["id", "summary"], [], "user", problems)) {
    if (data.user.id !== expectedUserId) problems.push(`user.id "${data.user.id}" should match the file name "${expectedUserId}"`);
    if (!nonEmptyString(data.user.summary)) problems.push("user.summary must be a non-empty string");
  }
  const userId = expectedUserId;

  const messagesById = new Map();
  let userMessages = 0;
  let assistantMessages = 0;
  let doubleUserMessages = 0;
  let previousConversationEnd = null;
  let firstAt = null;
  let lastAt = null;

  const conversations = Array.isArray(data.conversations) ? data.conversations : [];
  if (!Array.isArray(data.conversations)) problems.push("conversations must be an array");
  if (conversations.length < SESSIONS.min || conversations.length > SESSIONS.max) {
    problems.push(`${conversations.length} sessions; expected ${SESSIONS.min}–${SESSIONS.max}`);
  }

  conversations.forEach((conversation, ci) => {
    const expectedExternalId = `${userId}-s${pad(ci + 1)}`;
    const where = `conversation ${ci + 1}`;
    if (!checkKeys(conversation, ["externalId", "title", "messages"], [], where, problems)) return;
    if (conversation.externalId !== expectedExternalId) {
      problems.push(`${where}: externalId "${conversation.externalId}" should be "${expectedExternalId}"`);
    }
    if (!nonEmptyString(conversation.title)) problems.push(`${where}: title must be a non-empty string`);
    if (!Array.isArray(conversation.messages) || conversation.messages.length === 0) {
      problems.push(`${where}: messages must be a non-empty array`);
      return;
    }

    let sessionUserMessages = 0;
    let previous = null;
    conversation.messages.forEach((message, mi) => {
      const expectedId = `${expectedExternalId}-m${pad(mi + 1)}`;
      const mwhere = `${where} message ${mi + 1}`;
      if (!checkKeys(message, ["id", "role", "text", "createdAt"], [], mwhere, problems)) return;
      if (message.id !== expectedId) problems.push(`${mwhere}: id "${message.id}" should be "${expectedId}"`);
      if (messagesById.has(message.id)) problems.push(`${mwhere}: duplicate id "${message.id}"`);
      if (message.role !== "user" && message.role !== "assistant") problems.push(`${message.id}: role "${message.role}"`);
      if (!nonEmptyString(message.text)) problems.push(`${message.id}: text must be a non-empty string`);
      const at = ISO_UTC.test(message.createdAt) ? Date.parse(message.createdAt) : NaN;
      if (Number.isNaN(at)) problems.push(`${message.id}: createdAt "${message.createdAt}" is not ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)`);
      messagesById.set(message.id, { ...message, at });

      if (message.role === "user") {
        userMessages += 1;
        sessionUserMessages += 1;
      } else {
        assistantMessages += 1;
      }

      if (!previous) {
        if (message.role !== "user") problems.push(`${message.id}: a conversation starts with the user`);
        if (previousConversationEnd !== null && !(at > previousConversationEnd)) {
          problems.push(`${message.id}: conversation starts before the previous one ends`);
        }
        firstAt ??= at;
      } else {
        if (!(at > previous.at)) problems.push(`${message.id}: createdAt not after the previous message`);
        if (message.role === "assistant" && previous.role === "assistant") {
          problems.push(`${message.id}: two assistant messages in a row`);
        }
        if (message.role === "user" && previous.role === "user") doubleUserMessages += 1;
        if (message.role === "assistant" && at - previous.at > MAX_REPLY_DELAY_SECONDS * 1000) {
          problems.push(`${message.id}: reply ${Math.round((at - previous.at) / 1000)} s after the user message`);
        }
      }
      previous = { role: message.role, at };
    });
    if (previous?.role !== "assistant") problems.push(`${where}: the last user message has no reply`);
    if (sessionUserMessages < USER_MESSAGES_PER_SESSION.min || sessionUserMessages > USER_MESSAGES_PER_SESSION.max) {
      problems.push(`${where}: ${sessionUserMessages} user messages; expected ${USER_MESSAGES_PER_SESSION.min}–${USER_MESSAGES_PER_SESSION.max}`);
    }
    previousConversationEnd = previous?.at ?? previousConversationEnd;
    lastAt = previousConversationEnd;
  });

  if (userMessages < MIN_USER_MESSAGES) problems.push(`${userMessages} user messages; expected at least ${MIN_USER_MESSAGES}`);
  if (doubleUserMessages > userMessages * MAX_SHARE_OF_DOUBLE_USER_MESSAGES) {
    problems.push(`${doubleUserMessages} user messages follow another user message; at most ${Math.floor(userMessages * MAX_SHARE_OF_DOUBLE_USER_MESSAGES)} allowed`);
  }
  const spanMonths = firstAt !== null && lastAt !== null ? monthsBetween(firstAt, lastAt) : 0;
  if (spanMonths < SPAN_MONTHS.min || spanMonths > SPAN_MONTHS.max) {
    problems.push(`history spans ${spanMonths.toFixed(1)} months; expected ${SPAN_MONTHS.min}–${SPAN_MONTHS.max}`);
  }

  const perCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const questions = Array.isArray(data.questions) ? data.questions : [];
  if (!Array.isArray(data.questions)) problems.push("questions must be an array");
  const userMessageIds = (ids, field, qwhere) => {
    if (!Array.isArray(ids)) {
      problems.push(`${qwhere}: ${field} must be an array`);
      return [];
    }
    if (new Set(ids).size !== ids.length) problems.push(`${qwhere}: ${field} lists an id twice`);
    return ids.filter((id) => {
      const message = messagesById.get(id);
      if (!message) problems.push(`${qwhere}: ${field} id "${id}" does not exist`);
      else if (message.role !== "user") problems.push(`${qwhere}: ${field} id "${id}" is not a user message`);
      return message?.role === "user";
    });
  };

  questions.forEach((question, qi) => {
    const expectedId = `${userId}-q${pad(qi + 1)}`;
    const qwhere = `question ${question?.id ?? qi + 1}`;
    if (!checkKeys(question, ["id", "category", "question", "answer", "evidence"], ["supersededEvidence"], qwhere, problems)) return;
    if (question.id !== expectedId) problems.push(`${qwhere}: id should be "${expectedId}"`);
    if (!CATEGORIES.includes(question.category)) {
      problems.push(`${qwhere}: category "${question.category}" is not one of ${CATEGORIES.join(", ")}`);
    } else {
      perCategory[question.category] += 1;
    }
    if (!nonEmptyString(question.question)) problems.push(`${qwhere}: question must be a non-empty string`);
    if (!nonEmptyString(question.answer)) problems.push(`${qwhere}: answer must be a non-empty string`);

    const evidence = userMessageIds(question.evidence, "evidence", qwhere);
    const n = Array.isArray(question.evidence) ? question.evidence.length : 0;
    if (question.category === "abstention" && n !== 0) problems.push(`${qwhere}: abstention questions have no evidence`);
    if (question.category === "multi-hop" && n < 2) problems.push(`${qwhere}: multi-hop needs at least 2 evidence messages`);
    if (question.category !== "abstention" && n < 1) problems.push(`${qwhere}: needs at least 1 evidence message`);

    if (question.category === "knowledge-update" && !("supersededEvidence" in question)) {
      problems.push(`${qwhere}: knowledge-update needs supersededEvidence`);
    }
    if ("supersededEvidence" in question) {
      if (question.category !== "knowledge-update") problems.push(`${qwhere}: supersededEvidence only belongs to knowledge-update`);
      const superseded = userMessageIds(question.supersededEvidence, "supersededEvidence", qwhere);
      if (question.supersededEvidence.length === 0) problems.push(`${qwhere}: supersededEvidence is empty`);
      const earliestEvidence = Math.min(...evidence.map((id) => messagesById.get(id).at));
      for (const id of superseded) {
        if (question.evidence.includes(id)) problems.push(`${qwhere}: "${id}" is both evidence and superseded`);
        if (!(messagesById.get(id).at < earliestEvidence)) problems.push(`${qwhere}: superseded "${id}" is not earlier than the evidence`);
      }
    }
  });
  if (questions.length < MIN_QUESTIONS_TOTAL) problems.push(`${questions.length} questions; expected at least ${MIN_QUESTIONS_TOTAL}`);
  for (const category of CATEGORIES) {
    if (perCategory[category] < MIN_QUESTIONS[category]) {
      problems.push(`${perCategory[category]} ${category} questions; expected at least ${MIN_QUESTIONS[category]}`);
    }
  }

  return {
    problems,
    counts: {
      user: userId,
      sessions: conversations.length,
      userMessages,
      assistantMessages,
      spanMonths: Number(spanMonths.toFixed(1)),
      from: firstAt === null ? "" : new Date(firstAt).toISOString().slice(0, 10),
      to: lastAt === null ? "" : new Date(lastAt).toISOString().slice(0, 10),
      questions: questions.length,
      ...perCategory,
    },
  };
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

if (rows.length > 0) {
  const total = { user: "total", from: "", to: "", spanMonths: "" };
  for (const key of ["sessions", "userMessages", "assistantMessages", "questions", ...CATEGORIES]) {
    total[key] = rows.reduce((sum, row) => sum + row[key], 0);
  }
  const columns = ["user", "sessions", "userMessages", "assistantMessages", "spanMonths", "from", "to", "questions", ...CATEGORIES];
  const table = [columns, ...[...rows, total].map((row) => columns.map((c) => String(row[c])))];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
}

if (failed) process.exit(1);
console.log(`ok: ${files.length} file(s) valid`);
