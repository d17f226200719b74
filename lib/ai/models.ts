import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { EmbeddingModel, LanguageModel } from "ai";
import { env } from "@/lib/env";
import { createOfflineModel } from "./offline-model";

/**
 * The one place that chooses models. Tests and the offline default swap
 * models through the environment (OPENAI_API_KEY, OPENAI_BASE_URL, ...), read
 * via lib/env.ts; call resetEnvCache() after changing it.
 */

export type ChatModelKind = "offline" | "openai";

export interface ChatModelChoice {
  model: LanguageModel;
  kind: ChatModelKind;
  /** Shown in the UI: "Offline model (no LLM)", "gpt-4o-mini", "llama3.1 via localhost:11434". */
  label: string;
}

/**
 * A key, or a base URL alone: local OpenAI-compatible servers (Ollama, vLLM)
 * often need no key, but the provider insists on one, so "local" stands in.
 */
function openAIProvider() {
  const { OPENAI_API_KEY, OPENAI_BASE_URL } = env();
  if (!OPENAI_API_KEY && !OPENAI_BASE_URL) return null;
  return createOpenAI({ apiKey: OPENAI_API_KEY ?? "local", baseURL: OPENAI_BASE_URL });
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

export function getChatModel(): ChatModelChoice {
  const provider = openAIProvider();
  if (!provider) return { model: createOfflineModel(), kind: "offline", label: "Offline model (no LLM)" };
  const { OPENAI_MODEL, OPENAI_BASE_URL } = env();
  const host = hostOf(OPENAI_BASE_URL);
  // .chat(): Chat Completions, which OpenAI-compatible servers implement (unlike the Responses API).
  return {
    model: provider.chat(OPENAI_MODEL),
    kind: "openai",
    label: host && host !== "api.openai.com" ? `${OPENAI_MODEL} via ${host}` : OPENAI_MODEL,
  };
}

/** The model for memory extraction (structured output), or null: then the offline extractor runs. */
export function getExtractionModel(): LanguageModel | null {
  const provider = openAIProvider();
  if (!provider) return null;
  const { OPENAI_EXTRACTION_MODEL, OPENAI_MODEL } = env();
  return provider.chat(OPENAI_EXTRACTION_MODEL ?? OPENAI_MODEL);
}

/**
 * Embeddings only when OPENAI_EMBEDDING_MODEL names a model (and a key or base
 * URL says where to send it); otherwise null and retrieval uses text search.
 */
export function getEmbeddingModel(): EmbeddingModel | null {
  const { OPENAI_EMBEDDING_MODEL } = env();
  const provider = openAIProvider();
  if (!OPENAI_EMBEDDING_MODEL || !provider) return null;
  return provider.embedding(OPENAI_EMBEDDING_MODEL);
}
