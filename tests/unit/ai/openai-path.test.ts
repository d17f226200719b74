import {
  embed,
  generateText,
  Output,
  parseJsonEventStream,
  readUIMessageStream,
  stepCountIs,
  streamText,
  uiMessageChunkSchema,
  type UIMessageChunk,
} from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getChatModel, getEmbeddingModel, getExtractionModel } from "@/lib/ai/models";
import { buildSystemPrompt } from "@/lib/ai/prompts";
import { chatTools, type ChatUIMessage } from "@/lib/ai/tools";
import { resetEnvCache } from "@/lib/env";
import {
  embedText,
  reply,
  startOpenAITestServer,
  type ChatCompletionRequest,
  type OpenAITestServer,
} from "@/tests/helpers/openai-test-server";

let server: OpenAITestServer;

/** First request: a calculate call; second: text built from the tool result it must carry. */
function calculatorScript(request: ChatCompletionRequest, index: number) {
  if (index === 0) return reply.toolCall("calculate", { expression: "12*(3+4)" }, "call_0");
  const toolMessage = request.messages.find((m) => m.role === "tool");
  if (!toolMessage) throw new Error("the second request carries no tool result");
  const output = JSON.parse(String(toolMessage.content)) as { result: number };
  return reply.text(`12*(3+4) is ${output.result}.`);
}

let respond: (request: ChatCompletionRequest, index: number) => ReturnType<typeof calculatorScript>;

// A fresh server per test: request indexes (and `requests`) start at 0.
beforeEach(async () => {
  respond = calculatorScript;
  server = await startOpenAITestServer({ respond: (request, index) => respond(request, index) });
});
afterEach(async () => {
  await server.close();
});

function useEnv(values: Record<string, string>) {
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_EXTRACTION_MODEL", "OPENAI_EMBEDDING_MODEL"]) {
    vi.stubEnv(key, values[key]); // undefined removes it, whatever the developer's shell has
  }
  resetEnvCache();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe("model selection", () => {
  it("uses the offline model without a key or base URL", () => {
    useEnv({});
    const choice = getChatModel();
    expect(choice.kind).toBe("offline");
    expect(choice.model).toMatchObject({ provider: "jarvus", modelId: "offline" });
    expect(getExtractionModel()).toBeNull();
    expect(getEmbeddingModel()).toBeNull();
  });

  it("uses OpenAI chat completions with a key", () => {
    useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-test" });
    const choice = getChatModel();
    expect(choice).toMatchObject({ kind: "openai", label: "gpt-test" });
    expect(choice.model).toMatchObject({ provider: "openai.chat", modelId: "gpt-test" });
    expect(getExtractionModel()).toMatchObject({ provider: "openai.chat", modelId: "gpt-test" });
    expect(getEmbeddingModel()).toBeNull();
  });

  it("prefers OPENAI_EXTRACTION_MODEL for extraction and builds embeddings only when named", () => {
    useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_EXTRACTION_MODEL: "gpt-extract", OPENAI_EMBEDDING_MODEL: "emb-test" });
    expect(getExtractionModel()).toMatchObject({ modelId: "gpt-extract" });
    expect(getEmbeddingModel()).toMatchObject({ modelId: "emb-test" });
  });

  it("accepts a base URL without a key (local servers) and labels the host", async () => {
    useEnv({ OPENAI_BASE_URL: server.baseURL, OPENAI_MODEL: "llama-local" });
    const choice = getChatModel();
    expect(choice.kind).toBe("openai");
    expect(choice.label).toBe(`llama-local via ${new URL(server.baseURL).host}`);
    respond = () => reply.text("Hi from the local server.");
    const result = await generateText({ model: choice.model, prompt: "hello" });
    expect(result.text).toBe("Hi from the local server.");
    expect(server.requests[0]).toMatchObject({ model: "llama-local" });
  });
});

describe("the OpenAI path end to end (local OpenAI-compatible server)", () => {
  beforeEach(() => useEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: server.baseURL }));

  it("streams a tool call, runs the tool, sends its result back and streams the answer", async () => {
    const { model, kind } = getChatModel();
    expect(kind).toBe("openai");
    const result = streamText({
      model,
      system: buildSystemPrompt({ now: new Date() }),
      prompt: "What is 12*(3+4)?",
      tools: chatTools,
      stopWhen: stepCountIs(3),
    });

    expect(await result.text).toBe("12*(3+4) is 84.");
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]!.toolCalls).toEqual([
      expect.objectContaining({ toolCallId: "call_0", toolName: "calculate", input: { expression: "12*(3+4)" } }),
    ]);
    expect(steps[0]!.toolResults).toEqual([
      expect.objectContaining({ toolCallId: "call_0", output: { expression: "12*(3+4)", result: 84 } }),
    ]);
    expect((await result.totalUsage).outputTokens).toBeGreaterThan(0);

    // What went over the wire.
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests as ChatCompletionRequest[];
    expect(first!.stream).toBe(true);
    expect(first!.model).toBe("gpt-4o-mini");
    expect(first!.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("You are Jarvus") });
    expect(first!.tools!.map((t) => t.function.name).sort()).toEqual(["calculate", "getCurrentTime"]);
    expect(second!.messages.at(-2)).toMatchObject({
      role: "assistant",
      tool_calls: [{ id: "call_0", type: "function", function: { name: "calculate" } }],
    });
    const toolMessage = second!.messages.at(-1)!;
    expect(toolMessage).toMatchObject({ role: "tool", tool_call_id: "call_0" });
    expect(JSON.parse(String(toolMessage.content))).toEqual({ expression: "12*(3+4)", result: 84 });
  });

  it("turns into a UI message stream with a tool-calculate part", async () => {
    const result = streamText({
      model: getChatModel().model,
      prompt: "What is 12*(3+4)?",
      tools: chatTools,
      stopWhen: stepCountIs(3),
    });
    const response = result.toUIMessageStreamResponse<ChatUIMessage>({
      messageMetadata: ({ part }) => (part.type === "start" ? { model: "openai" as const } : undefined),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");

    const chunks: UIMessageChunk[] = [];
    const parsed = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema });
    const stream = parsed.pipeThrough(
      new TransformStream({
        transform(part, controller) {
          if (!part.success) throw part.error;
          chunks.push(part.value);
          controller.enqueue(part.value);
        },
      }),
    );
    let message: ChatUIMessage | undefined;
    for await (const m of readUIMessageStream<ChatUIMessage>({ stream })) message = m;

    expect(chunks.map((c) => c.type)).toEqual(
      expect.arrayContaining(["start", "tool-input-start", "tool-input-available", "tool-output-available", "text-delta", "finish"]),
    );
    expect(message!.metadata).toEqual({ model: "openai" });
    const toolPart = message!.parts.find((p) => p.type === "tool-calculate");
    expect(toolPart).toMatchObject({
      type: "tool-calculate",
      toolCallId: "call_0",
      state: "output-available",
      input: { expression: "12*(3+4)" },
      output: { expression: "12*(3+4)", result: 84 },
    });
    const text = message!.parts.filter((p) => p.type === "text").map((p) => p.text).join("");
    expect(text).toBe("12*(3+4) is 84.");
  });

  it("serves structured output (non-streaming JSON) for extraction", async () => {
    useEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: server.baseURL, OPENAI_EXTRACTION_MODEL: "gpt-extract" });
    respond = () => reply.json({ facts: [{ value: "Zed" }] });
    const result = await generateText({
      model: getExtractionModel()!,
      prompt: "My name is Zed",
      output: Output.object({ schema: z.object({ facts: z.array(z.object({ value: z.string() })) }) }),
    });
    expect(result.output).toEqual({ facts: [{ value: "Zed" }] });
    expect(server.requests[0]).toMatchObject({ model: "gpt-extract", response_format: { type: "json_schema" } });
    expect(server.requests[0].stream).toBeUndefined();
  });

  it("serves deterministic embeddings", async () => {
    useEnv({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: server.baseURL, OPENAI_EMBEDDING_MODEL: "emb-test" });
    const { embedding } = await embed({ model: getEmbeddingModel()!, value: "peanut allergy" });
    expect(embedding).toEqual(embedText("peanut allergy", 64));
    expect(server.requests[0]).toMatchObject({ model: "emb-test", input: ["peanut allergy"] });
  });

  it("passes HTTP errors through as API errors", async () => {
    respond = () => reply.error(400, "bad model");
    await expect(generateText({ model: getChatModel().model, prompt: "hi", maxRetries: 0 })).rejects.toThrow("bad model");
  });
});
