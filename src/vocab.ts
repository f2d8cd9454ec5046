// The vocabulary: words with their counts, ids sorted by frequency (most frequent
// first, ties in order of first appearance), so "the 30,000 most frequent words"
// is simply ids 0..29,999.
import type { Corpus } from "./corpus/source.ts";

export class Vocab {
  readonly index: Map<string, number>;

  constructor(readonly words: string[], readonly counts: Float64Array) {
    if (words.length !== counts.length) throw new Error("vocab: words and counts differ in length");
    this.index = new Map(words.map((w, i) => [w, i]));
  }

  get size(): number {
    return this.words.length;
  }

  /** Sum of the counts: the number of in-vocabulary corpus words. */
  get totalCount(): number {
    let total = 0;
    for (const c of this.counts) total += c;
    return total;
  }

  id(word: string): number {
    return this.index.get(word) ?? -1;
  }
}

export interface VocabOptions {
  minCount: number;
  /** Most distinct words held while counting (and kept); 0 = unlimited. */
  maxVocab: number;
}

export interface VocabStats {
  /** Tokens read, including words later dropped. */
  tokens: number;
  sentences: number;
  /** Distinct words seen (before min_count and pruning). */
  distinct: number;
}

/** Counts words with bounded memory: whenever more than maxVocab distinct words
 *  are held, the rarest are pruned (word2vec's ReduceVocab: drop counts <= a
 *  threshold that rises each time), so a huge corpus always fits. */
export class VocabCounter {
  readonly counts = new Map<string, number>();
  tokens = 0;
  sentences = 0;
  distinct = 0;
  #pruneBelow = 1;

  constructor(readonly maxVocab = 0) {}

  add(sentence: string[]): void {
    this.sentences++;
    this.tokens += sentence.length;
    const counts = this.counts;
    for (const w of sentence) {
      const c = counts.get(w);
      if (c === undefined) {
        counts.set(w, 1);
        this.distinct++;
      } else counts.set(w, c + 1);
    }
    if (this.maxVocab > 0 && counts.size > this.maxVocab) this.#prune();
  }

  #prune(): void {
    while (this.counts.size > this.maxVocab) {
      for (const [w, c] of this.counts) if (c <= this.#pruneBelow) this.counts.delete(w);
      this.#pruneBelow++;
    }
  }

  finish(options: VocabOptions): Vocab {
    const kept = [...this.counts].filter(([, c]) => c >= options.minCount);
    // Array.prototype.sort is stable: equal counts keep first-appearance order.
    kept.sort((a, b) => b[1] - a[1]);
    if (options.maxVocab > 0 && kept.length > options.maxVocab) kept.length = options.maxVocab;
    return new Vocab(kept.map(([w]) => w), Float64Array.from(kept, ([, c]) => c));
  }

  stats(): VocabStats {
    return { tokens: this.tokens, sentences: this.sentences, distinct: this.distinct };
  }
}

export async function buildVocab(
  corpus: Corpus,
  options: VocabOptions,
  onSentence?: (counter: VocabCounter) => void,
): Promise<{ vocab: Vocab; stats: VocabStats }> {
  const counter = new VocabCounter(options.maxVocab);
  for await (const sentence of corpus.sentences()) {
    counter.add(sentence);
    onSentence?.(counter);
  }
  return { vocab: counter.finish(options), stats: counter.stats() };
}
