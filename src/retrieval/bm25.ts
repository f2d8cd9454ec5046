// Okapi BM25 over a collection of token bags: the lexical baseline the pair model is
// measured against. An inverted index on the host (term -> documents and counts);
// score(d, q) = sum over the distinct query terms t of
//   idf(t) * tf(t, d) * (k1 + 1) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl)),
//   idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))   (Lucene's, never negative).

export interface BM25Options {
  k1?: number;
  b?: number;
}

export class BM25 {
  readonly k1: number;
  readonly b: number;
  readonly size: number;
  readonly #postings = new Map<string, { docs: number[]; tf: number[] }>();
  readonly #norm: Float64Array;

  constructor(documents: readonly (readonly string[])[], options: BM25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.size = documents.length;
    let total = 0;
    for (const d of documents) total += d.length;
    const avgdl = total / Math.max(1, documents.length);
    this.#norm = new Float64Array(documents.length);
    documents.forEach((doc, id) => {
      this.#norm[id] = this.k1 * (1 - this.b + this.b * doc.length / (avgdl || 1));
      const counts = new Map<string, number>();
      for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, c] of counts) {
        let p = this.#postings.get(t);
        if (!p) this.#postings.set(t, p = { docs: [], tf: [] });
        p.docs.push(id);
        p.tf.push(c);
      }
    });
  }

  idf(term: string): number {
    const df = this.#postings.get(term)?.docs.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** The score of every document for a query. */
  scores(query: readonly string[]): Float64Array {
    const out = new Float64Array(this.size);
    for (const term of new Set(query)) {
      const p = this.#postings.get(term);
      if (!p) continue;
      const idf = this.idf(term);
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        const tf = p.tf[i];
        out[d] += idf * tf * (this.k1 + 1) / (tf + this.#norm[d]);
      }
    }
    return out;
  }

  /** The k best documents, best first (ties: lower id first). */
  search(query: readonly string[], k: number): { doc: number; score: number }[] {
    const s = this.scores(query);
    const ids = Array.from(s.keys()).sort((a, b) => s[b] - s[a] || a - b);
    return ids.slice(0, k).map((doc) => ({ doc, score: s[doc] }));
  }
}
