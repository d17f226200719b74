import { extractImportedMemories, extractMemories } from "./functions/extract-memories";
import { reconcilePendingTurns } from "./functions/reconcile-pending-turns";

/** Every function that /api/inngest serves. */
export const functions = [extractMemories, extractImportedMemories, reconcilePendingTurns];
