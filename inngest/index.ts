import type { InngestFunction } from "inngest";

/** Every function that /api/inngest serves. */
export const functions: InngestFunction.Any[] = [];
