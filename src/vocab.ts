// The vocabulary: words with their counts, ids sorted by frequency (most frequent
// first, ties in order of first appearance), so "the 30,000 most frequent words"
// is simply ids 0..29,999.
import type { Corpus } from "./corpus/source.ts";
import { SENTENCE_END } from "./kernel/exports.ts";

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
 *  threshold that rises each time), so a huge corpus always fits.
 *
 *  Each distinct word gets a provisional id on first sight. With `recordLimit`,
 *  the counter also records the corpus as provisional ids (SENTENCE_END after each
 *  sentence) while it has at most that many tokens, so the trainer can encode the
 *  corpus by remapping (src/train/encode.ts) instead of reading and hashing it
 *  again; past the limit the recording is dropped. */
export class VocabCounter {
  readonly #ids = new Map<string, number>();
  /** Count per provisional id; -1 once the word was pruned (a re-seen word gets a new id). */
  readonly #counts: number[] = [];
  readonly #words: string[] = [];
  tokens = 0;
  sentences = 0;
  distinct = 0;
  #pruneBelow = 1;
  #recording: Uint32Array | undefined;
  #recorded = 0;

  constructor(readonly maxVocab = 0, readonly recordLimit = 0) {
    if (recordLimit > 0) this.#recording = new Uint32Array(Math.min(1 << 16, recordLimit + 1));
  }

  add(sentence: string[]): void {
    this.sentences++;
    this.tokens += sentence.length;
    const ids = this.#ids;
    const counts = this.#counts;
    let out = this.#recording;
    if (out && this.#recorded + sentence.length + 1 > out.length) out = this.#grow(sentence.length);
    let at = this.#recorded;
    for (const w of sentence) {
      let id = ids.get(w);
      if (id === undefined) {
        id = counts.length;
        ids.set(w, id);
        counts.push(1);
        this.#words.push(w);
        this.distinct++;
      } else counts[id]++;
      if (out) out[at++] = id;
    }
    if (out) {
      out[at++] = SENTENCE_END;
      this.#recorded = at;
    }
    if (this.maxVocab > 0 && ids.size > this.maxVocab) this.#prune();
  }

  #grow(needed: number): Uint32Array | undefined {
    const want = this.#recorded + needed + 1;
    if (want > this.recordLimit) {
      this.#recording = undefined; // too big to keep: the trainer will stream instead
      return undefined;
    }
    const bigger = new Uint32Array(Math.min(this.recordLimit + 1, Math.max(want, 2 * want)));
    bigger.set(this.#recording!.subarray(0, this.#recorded));
    return (this.#recording = bigger);
  }

  #prune(): void {
    while (this.#ids.size > this.maxVocab) {
      for (const [w, id] of this.#ids) {
        if (this.#counts[id] <= this.#pruneBelow) {
          this.#ids.delete(w);
          this.#counts[id] = -1;
        }
      }
      this.#pruneBelow++;
    }
  }

  /** Count of a word so far (0 if unseen or pruned). */
  count(word: string): number {
    const id = this.#ids.get(word);
    return id === undefined ? 0 : this.#counts[id];
  }

  finish(options: VocabOptions): Vocab {
    const kept: number[] = [];
    for (const id of this.#ids.values()) if (this.#counts[id] >= options.minCount) kept.push(id);
    // Provisional ids follow first appearance and sort is stable: equal counts keep
    // first-appearance order.
    kept.sort((a, b) => this.#counts[b] - this.#counts[a]);
    if (options.maxVocab > 0 && kept.length > options.maxVocab) kept.length = options.maxVocab;
    return new Vocab(
      kept.map((id) => this.#words[id]),
      Float64Array.from(kept, (id) => this.#counts[id]),
    );
  }

  /** The recorded corpus (provisional ids) and, for `vocab`, each provisional id's
   *  final id (-1: not in the vocabulary); undefined if nothing was recorded. */
  recording(vocab: Vocab): { ids: Uint32Array; remap: Int32Array } | undefined {
    if (!this.#recording) return undefined;
    // Through the word, not the live map: a word pruned and seen again has several
    // provisional ids, and every occurrence of a kept word must map to it.
    const remap = Int32Array.from(this.#words, (w) => vocab.index.get(w) ?? -1);
    return { ids: this.#recording.subarray(0, this.#recorded), remap };
  }

  stats(): VocabStats {
    return { tokens: this.tokens, sentences: this.sentences, distinct: this.distinct };
  }
}

export async function buildVocab(
  corpus: Corpus,
  options: VocabOptions,
  onSentence?: (counter: VocabCounter) => void,
  recordLimit = 0,
): Promise<{ vocab: Vocab; stats: VocabStats; counter: VocabCounter }> {
  const counter = new VocabCounter(options.maxVocab, recordLimit);
  for await (const sentence of corpus.sentences()) {
    counter.add(sentence);
    onSentence?.(counter);
  }
  return { vocab: counter.finish(options), stats: counter.stats(), counter };
}
