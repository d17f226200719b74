/**
 * Plain BM25 (k1 = 1.2, b = 0.75) over documents of text: lower-case letter
 * and digit runs as terms, no stemming, no stop words — the floor a memory
 * layer is measured against.
 */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

export function terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export class Bm25<T> {
  private readonly docs: { item: T; tf: Map<string, number>; length: number }[] = [];
  private readonly df = new Map<string, number>();
  private readonly k1: number;
  private readonly b: number;

  constructor(items: { item: T; text: string }[], options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    for (const { item, text } of items) {
      const tf = new Map<string, number>();
      const words = terms(text);
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      this.docs.push({ item, tf, length: words.length });
    }
  }

  /** Every document with a positive score, best first (ties keep document order). */
  rank(query: string): { item: T; score: number }[] {
    const n = this.docs.length;
    const avg = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, n);
    const q = [...new Set(terms(query))];
    const scored = this.docs.map((d, index) => {
      let score = 0;
      for (const w of q) {
        const f = d.tf.get(w);
        if (!f) continue;
        const df = this.df.get(w) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * d.length) / avg));
      }
      return { item: d.item, score, index };
    });
    return scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .map(({ item, score }) => ({ item, score }));
  }
}
