import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible server for tests: scripted chat completions
 * (streaming and not) and deterministic embeddings, on 127.0.0.1 and a free port.
 *
 *   const server = await startOpenAITestServer({
 *     respond: (request, index) =>
 *       index === 0 ? reply.toolCall("calculate", { expression: "2+2" }) : reply.text("2+2 = 4."),
 *   });
 *   // OPENAI_BASE_URL = server.baseURL  (".../v1"), any OPENAI_API_KEY
 *   server.requests;  // every received JSON body, in order
 *   await server.close();
 *
 * POST /v1/chat/completions
 *   stream: true  → SSE `data: {chunk}` lines, tool calls as `tool_calls` deltas (name first, arguments in
 *                   two pieces), a usage chunk when `stream_options.include_usage`, then `data: [DONE]`.
 *   otherwise     → one `chat.completion` JSON.
 * POST /v1/embeddings → `embedText()` vectors (bag-of-words hashing: equal texts get equal vectors, texts
 *                   sharing words get similar ones), `dimensions` from the request or the option; or
 *                   the `embed` option's vectors, after `embeddingDelayMs`; `embeddingError` answers an
 *                   HTTP error instead.
 * The `/v1` prefix is optional. A `respond` that throws answers 500 with its message.
 */

export type ScriptedToolCall = {
  name: string;
  /** An object (serialised for you) or the raw JSON text, e.g. to send invalid arguments. */
  arguments: string | Record<string, unknown>;
  id?: string;
};

export type ScriptedReply =
  | { type: "text"; text: string }
  | ({ type: "tool-call" } & ScriptedToolCall)
  | { type: "tool-calls"; calls: ScriptedToolCall[] }
  /** Assistant content that is this value as JSON (structured output). */
  | { type: "json"; value: unknown }
  /** An HTTP error in OpenAI's error shape (429 and 5xx are retried by the AI SDK). */
  | { type: "error"; status: number; message: string };

/** Shorthands for ScriptedReply. */
export const reply = {
  text: (text: string): ScriptedReply => ({ type: "text", text }),
  toolCall: (name: string, args: ScriptedToolCall["arguments"], id?: string): ScriptedReply => ({
    type: "tool-call",
    name,
    arguments: args,
    ...(id ? { id } : {}),
  }),
  json: (value: unknown): ScriptedReply => ({ type: "json", value }),
  error: (status: number, message: string): ScriptedReply => ({ type: "error", status, message }),
};

/** The parts of a chat completion request body tests usually look at. */
export interface ChatCompletionRequest {
  model: string;
  messages: Array<{
    role: "system" | "developer" | "user" | "assistant" | "tool";
    content?: unknown;
    tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters?: unknown } }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: unknown;
  [key: string]: unknown;
}

export interface OpenAITestServerOptions {
  /** The reply to the `index`-th chat completion request (0-based). Default: text "OK". */
  respond?: (request: ChatCompletionRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;
  /** Vector length when a request names no `dimensions`. Default 64. */
  embeddingDimensions?: number;
  /** Vectors for /v1/embeddings instead of embedText (e.g. "semantic" test vectors). */
  embed?: (text: string, dimensions: number) => number[];
  /** Wait this long before answering /v1/embeddings (timeouts). */
  embeddingDelayMs?: number;
  /** Answer /v1/embeddings with this error (429 and 5xx are retried by the AI SDK). */
  embeddingError?: { status: number; message: string };
}

export interface OpenAITestServer {
  /** "http://127.0.0.1:<port>/v1": give it to createOpenAI({ baseURL }) or OPENAI_BASE_URL. */
  baseURL: string;
  /** Every JSON body received (chat and embeddings), in order of arrival. */
  requests: any[];
  /** The bodies of /v1/embeddings requests alone. */
  embeddingRequests: any[];
  close(): Promise<void>;
}

const CREATED = 1_700_000_000;

/** Deterministic unit vector for a text: words hashed (FNV-1a) into `dimensions` signed buckets. */
export function embedText(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) {
      h ^= word.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    const bucket = (h >>> 0) % dimensions;
    vector[bucket]! += (h & 0x80000000) === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((v) => v / norm);
}

function words(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

function toolCallsOf(replyValue: ScriptedReply, requestIndex: number) {
  const calls =
    replyValue.type === "tool-call" ? [replyValue] : replyValue.type === "tool-calls" ? replyValue.calls : [];
  return calls.map((call, i) => ({
    id: call.id ?? `call_${requestIndex}_${i}`,
    type: "function" as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

function contentOf(replyValue: ScriptedReply): string | null {
  if (replyValue.type === "text") return replyValue.text;
  if (replyValue.type === "json") return JSON.stringify(replyValue.value);
  return null;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param: null, code: null },
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function answerChat(res: ServerResponse, request: ChatCompletionRequest, scripted: ScriptedReply, index: number): void {
  if (scripted.type === "error") return sendError(res, scripted.status, scripted.message);
  const id = `chatcmpl-test-${index}`;
  const model = request.model;
  const content = contentOf(scripted);
  const toolCalls = toolCallsOf(scripted, index);
  const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
  const promptTokens = Math.ceil(JSON.stringify(request.messages ?? []).length / 4);
  const completionTokens = content !== null ? words(content).length : Math.ceil(JSON.stringify(toolCalls).length / 4);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };

  if (!request.stream) {
    return sendJson(res, 200, {
      id,
      object: "chat.completion",
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
          finish_reason: finishReason,
        },
      ],
      usage,
    });
  }

  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: CREATED, model, choices, ...extra })}\n\n`);
  const delta = (d: Record<string, unknown>) => send([{ index: 0, delta: d, finish_reason: null }]);

  delta({ role: "assistant", content: content === null ? null : "" });
  if (content !== null) for (const word of words(content)) delta({ content: word });
  toolCalls.forEach((call, i) => {
    delta({ tool_calls: [{ index: i, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] });
    const half = Math.ceil(call.function.arguments.length / 2);
    for (const piece of [call.function.arguments.slice(0, half), call.function.arguments.slice(half)]) {
      if (piece) delta({ tool_calls: [{ index: i, function: { arguments: piece } }] });
    }
  });
  send([{ index: 0, delta: {}, finish_reason: finishReason }]);
  if (request.stream_options?.include_usage) send([], { usage });
  res.end("data: [DONE]\n\n");
}

function answerEmbeddings(
  res: ServerResponse,
  body: Record<string, unknown>,
  defaultDimensions: number,
  embed: (text: string, dimensions: number) => number[],
): void {
  const input = body.input;
  const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.map(String) : null;
  if (!texts) return sendError(res, 400, "input must be a string or an array of strings");
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : defaultDimensions;
  const tokens = texts.reduce((sum, t) => sum + words(t).length, 0);
  sendJson(res, 200, {
    object: "list",
    data: texts.map((text, index) => ({ object: "embedding", index, embedding: embed(text, dimensions) })),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

export async function startOpenAITestServer(options: OpenAITestServerOptions = {}): Promise<OpenAITestServer> {
  const respond = options.respond ?? (() => reply.text("OK"));
  const dimensions = options.embeddingDimensions ?? 64;
  const requests: any[] = [];
  const embeddingRequests: any[] = [];
  let chatIndex = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0]!.replace(/^\/v1(?=\/)/, "");
      if (req.method !== "POST" || (path !== "/chat/completions" && path !== "/embeddings")) {
        return sendError(res, 404, `No route for ${req.method} ${req.url}`);
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return sendError(res, 400, "The body is not JSON.");
      }
      requests.push(body);
      if (path === "/embeddings") {
        embeddingRequests.push(body);
        if (options.embeddingDelayMs) await new Promise((r) => setTimeout(r, options.embeddingDelayMs));
        if (options.embeddingError) return sendError(res, options.embeddingError.status, options.embeddingError.message);
        return answerEmbeddings(res, body, dimensions, options.embed ?? embedText);
      }
      const index = chatIndex++;
      const request = body as ChatCompletionRequest;
      let scripted: ScriptedReply;
      try {
        scripted = await respond(request, index);
      } catch (error) {
        return sendError(res, 500, error instanceof Error ? error.message : String(error));
      }
      answerChat(res, request, scripted, index);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, error instanceof Error ? error.message : String(error));
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
