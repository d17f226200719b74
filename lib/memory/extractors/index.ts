import "server-only";
import type { LanguageModel } from "ai";
import { getExtractionModel } from "@/lib/ai/models";
import type { MemoryExtractor } from "@/lib/memory/types";
import { createLlmExtractor } from "./llm";
import { createOfflineExtractor } from "./offline";

/**
 * The LLM extractor when an extraction model is configured (OPENAI_API_KEY or
 * OPENAI_BASE_URL, decided by getExtractionModel()), else the offline one.
 * Tests pass a model (or null for offline) instead of changing the environment.
 */
export function getMemoryExtractor(model: LanguageModel | null = getExtractionModel()): MemoryExtractor {
  return model ? createLlmExtractor(model) : createOfflineExtractor();
}

export { createLlmExtractor } from "./llm";
export { createOfflineExtractor } from "./offline";
