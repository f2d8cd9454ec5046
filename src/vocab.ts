// The vocabulary: words with their counts, ids sorted by frequency (most frequent
// first, ties in order of first appearance), so "the 30,000 most frequent words"
// is simply ids 0..29,999.
import type { Corpus } from "./corpus/source.ts";
import { MAX_SENTENCE_TOKENS } from "./corpus/sentences.ts";
import { SENTENCE_END } from "./kernel/exports.ts";
import { ByteWordTable, hashSlice, TokenCursor, WordTable } from "./word_table.ts";
import type { TokenSink } from "./corpus/byte_tokens.ts";

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

  #table: WordTable | undefined;

  /** The id of text[start, end) whose hash (TokenCursor's) is `hash`, or -1: a
   *  lookup without cutting the token out of its line. */
  find(text: string, start: number, end: number, hash: number): number {
    let table = this.#table;
    if (!table) {
      table = this.#table = new WordTable();
      for (const w of this.words) table.add(w, 0, w.length, hashSlice(w, 0, w.length));
    }
    return table.find(text, start, end, hash);
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
 *  again; past the limit the recording is dropped.
 *
 *  Text comes in as sentences (`add`) or, faster, as the pieces of lines that
 *  src/corpus/lines.ts reads (`addPiece`, then `endPieces`): those are tokenized
 *  and looked up in place, with the same tokens and sentences as
 *  src/corpus/sentences.ts would give. Fastest, a corpus hands its UTF-8 tokens
 *  and line ends straight from its bytes (`token`, `endLine`, then `endPieces`:
 *  src/corpus/byte_tokens.ts), with the same words again. */
export class VocabCounter implements TokenSink {
  /** The words, as text (add, addPiece) or as UTF-8 (token, endLine): one or the other. */
  readonly #table = new WordTable();
  readonly #byteTable = new ByteWordTable();
  /** Count per provisional id; -1 once the word was pruned (a re-seen word gets a new id). */
  readonly #counts: number[] = [];
  tokens = 0;
  sentences = 0;
  distinct = 0;
  #pruneBelow = 1;
  #recording: Uint32Array | undefined;
  #recorded = 0;
  /** Ids of the sentence being read. */
  #sentence = new Uint32Array(256);
  #length = 0;
  readonly #cursor = new TokenCursor();

  /** `expectedIds`: a guess at the ids the recording will hold, to allocate it
   *  once rather than grow it by copies (each of which touches fresh memory: slow
   *  where pages are mapped in on demand, src/train/encode.ts remapChunks). Pages
   *  of a typed array are only mapped in when written, so a guess too large costs
   *  address space, not memory. */
  constructor(readonly maxVocab = 0, readonly recordLimit = 0, expectedIds = 0) {
    if (recordLimit > 0) {
      this.#recording = new Uint32Array(Math.min(Math.max(1 << 16, expectedIds), recordLimit + 1));
    }
  }

  add(sentence: string[]): void {
    for (const w of sentence) this.#token(w, 0, w.length, hashSlice(w, 0, w.length));
    this.#endSentence();
  }

  /** One piece of a line: tokens split at whitespace (isSpace: JavaScript's \s and
   *  NUL); a piece that does not continue the previous one starts a sentence, and a
   *  sentence is cut every `maxTokens` tokens (as sentencesOf does). */
  addPiece(text: string, continued: boolean, maxTokens = MAX_SENTENCE_TOKENS): void {
    if (!continued && this.#length > 0) this.#endSentence();
    const cursor = this.#cursor;
    cursor.reset(text);
    while (cursor.next()) {
      this.#token(text, cursor.start, cursor.end, cursor.hash);
      if (this.#length === maxTokens) this.#endSentence();
    }
  }

  /** Ends the last sentence after the last piece (or the last token). */
  endPieces(): void {
    if (this.#length > 0) this.#endSentence();
  }

  /** A token of UTF-8 text (src/corpus/byte_tokens.ts scanTokens): the same words,
   *  ids and sentences as addPiece gives for the same text, with `maxTokens`
   *  MAX_SENTENCE_TOKENS. */
  token(bytes: Uint8Array, start: number, end: number, hash: number): void {
    let id = this.#byteTable.find(bytes, start, end, hash);
    if (id < 0) id = this.#newWord(this.#byteTable.add(bytes, start, end, hash));
    else this.#counts[id]++;
    this.#append(id);
    if (this.#length === MAX_SENTENCE_TOKENS) this.#endSentence();
  }

  /** The end of a line of UTF-8 text: the end of its sentence. */
  endLine(): void {
    if (this.#length > 0) this.#endSentence();
  }

  /** The words so far: text or UTF-8, whichever the counter was given. */
  get #words(): WordTable | ByteWordTable {
    return this.#byteTable.words.length > 0 ? this.#byteTable : this.#table;
  }

  #newWord(id: number): number {
    if (id !== this.#counts.length) {
      throw new Error("a VocabCounter counts text or UTF-8 tokens, not both");
    }
    this.#counts.push(1);
    this.distinct++;
    return id;
  }

  #token(text: string, start: number, end: number, hash: number): void {
    let id = this.#table.find(text, start, end, hash);
    if (id < 0) id = this.#newWord(this.#table.add(text, start, end, hash));
    else this.#counts[id]++;
    this.#append(id);
  }

  #append(id: number): void {
    if (this.#length === this.#sentence.length) {
      const bigger = new Uint32Array(2 * this.#length);
      bigger.set(this.#sentence);
      this.#sentence = bigger;
    }
    this.#sentence[this.#length++] = id;
  }

  #endSentence(): void {
    const length = this.#length;
    this.#length = 0;
    this.sentences++;
    this.tokens += length;
    let out = this.#recording;
    if (out && this.#recorded + length + 1 > out.length) out = this.#grow(length);
    if (out) {
      out.set(this.#sentence.subarray(0, length), this.#recorded);
      out[this.#recorded + length] = SENTENCE_END;
      this.#recorded += length + 1;
    }
    if (this.maxVocab > 0 && this.#words.size > this.maxVocab) this.#prune();
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
    const counts = this.#counts;
    const words = this.#words;
    while (words.size > this.maxVocab) {
      const below = this.#pruneBelow++;
      words.retain((id) => {
        if (counts[id] > below) return true;
        counts[id] = -1;
        return false;
      });
    }
  }

  /** Count of a word so far (0 if unseen or pruned). */
  count(word: string): number {
    const id = this.#words.get(word);
    return id < 0 ? 0 : this.#counts[id];
  }

  finish(options: VocabOptions): Vocab {
    const counts = this.#counts;
    const kept: number[] = [];
    // Pruned ids hold -1; minCount is at least 1.
    const least = Math.max(1, options.minCount);
    for (let id = 0; id < counts.length; id++) if (counts[id] >= least) kept.push(id);
    // Provisional ids follow first appearance and sort is stable: equal counts keep
    // first-appearance order.
    kept.sort((a, b) => counts[b] - counts[a]);
    if (options.maxVocab > 0 && kept.length > options.maxVocab) kept.length = options.maxVocab;
    const words = this.#words.words;
    return new Vocab(kept.map((id) => words[id]), Float64Array.from(kept, (id) => counts[id]));
  }

  /** The recorded corpus (provisional ids) and, for `vocab`, each provisional id's
   *  final id (-1: not in the vocabulary); undefined if nothing was recorded. The ids
   *  are the counter's own (remapChunks rewrites them in place). */
  recording(vocab: Vocab): { ids: Uint32Array; remap: Int32Array } | undefined {
    if (!this.#recording) return undefined;
    // Through the word, not the live map: a word pruned and seen again has several
    // provisional ids, and every occurrence of a kept word must map to it.
    const remap = Int32Array.from(this.#words.words, (w) => vocab.index.get(w) ?? -1);
    return { ids: this.#recording.subarray(0, this.#recorded), remap };
  }

  stats(): VocabStats {
    return { tokens: this.tokens, sentences: this.sentences, distinct: this.distinct };
  }
}

export async function buildVocab(
  corpus: Corpus,
  options: VocabOptions,
  recordLimit = 0,
): Promise<{ vocab: Vocab; stats: VocabStats; counter: VocabCounter }> {
  // A token takes at least two bytes with its separator; most take five or more
  // (en-mixed: 5.6), so a quarter of the bytes is enough ids for most text.
  const bytes = recordLimit > 0 ? await corpus.byteLength?.() : undefined;
  const counter = new VocabCounter(options.maxVocab, recordLimit, Math.ceil((bytes ?? 0) / 4));
  // The fastest way the corpus offers: UTF-8 tokens, pieces of lines, or sentences
  // (add ends each sentence itself, so endPieces has nothing left to end then).
  if (corpus.scanTokens) await corpus.scanTokens(counter);
  else if (corpus.pieces) {
    for await (const piece of corpus.pieces()) counter.addPiece(piece.text, piece.continued);
  } else for await (const sentence of corpus.sentences()) counter.add(sentence);
  counter.endPieces();
  return { vocab: counter.finish(options), stats: counter.stats(), counter };
}
