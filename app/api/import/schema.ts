/**
 * Largest upload accepted, in bytes (413 `too_large:import` beyond it). A
 * ChatGPT export of a few hundred conversations is a few MB; on Vercel the
 * platform itself caps request bodies at 4.5 MB, so split larger exports there.
 */
export const MAX_IMPORT_BYTES = 25 * 1024 * 1024;
