import { extractImportedMemories, extractMemories } from "./functions/extract-memories";
import { reconcilePendingTurns } from "./functions/reconcile-pending-turns";
import { reembedMemories } from "./functions/reembed-memories";

/** Every function that /api/inngest serves. */
export const functions = [extractMemories, extractImportedMemories, reconcilePendingTurns, reembedMemories];
