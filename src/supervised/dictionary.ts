// The classifier's dictionary, as fastText's: words (with fastText's end-of-line token
// "</s>", one per line) and labels with their counts, each sorted by count (most frequent
// first), words below minCount and labels below minCountLabel dropped.
//
// Input rows: [0, nwords) the words; then one row per word n-gram bucket that occurs in
// the training data (fastText allocates all `bucket` rows, most of which no training line
// ever touches: 800 MB at fastText's default of 2M buckets and dimension 100); then one
// zero row that stands for every bucket not seen in training. The buckets themselves, and
// so their collisions, are exactly fastText's (see ngrams.ts); only the rows are compacted.
import { EOS, type Example, type ExampleSource } from "./labels.ts";
import { fastTextHash, wordNgramBuckets } from "./ngrams.ts";

export interface DictionaryOptions {
  /** Words seen fewer times are dropped (fastText's -minCount; 1 for supervised). */
  minCount: number;
  /** Labels seen fewer times are dropped (-minCountLabel; default 0). */
  minCountLabel: number;
  /** Longest word n-gram (-wordNgrams); 1 = words only. */
  wordNgrams: number;
  /** Hash buckets for the word n-grams (-bucket). */
  bucket: number;
}

export class Dictionary {
  readonly wordIndex: Map<string, number>;
  readonly labelIndex: Map<string, number>;
  /** The bucket of each n-gram row, in row order (row = nwords + position). */
  readonly ngramBuckets: number[];
  readonly #ngramRow: Map<number, number>;
  #frozen = false;

  constructor(
    readonly words: string[],
    readonly wordCounts: Float64Array,
    readonly labels: string[],
    readonly labelCounts: Float64Array,
    readonly wordNgrams: number,
    readonly bucket: number,
    ngramBuckets: number[] = [],
  ) {
    this.wordIndex = new Map(words.map((w, i) => [w, i]));
    this.labelIndex = new Map(labels.map((l, i) => [l, i]));
    this.ngramBuckets = [...ngramBuckets];
    this.#ngramRow = new Map(this.ngramBuckets.map((b, i) => [b, words.length + i]));
  }

  get nwords(): number {
    return this.words.length;
  }

  get nlabels(): number {
    return this.labels.length;
  }

  /** Whether word n-grams are used at all. */
  get usesNgrams(): boolean {
    return this.wordNgrams > 1 && this.bucket > 0;
  }

  /** The zero row that stands for n-gram buckets never seen in training. */
  get unseenNgramRow(): number {
    return this.words.length + this.ngramBuckets.length;
  }

  /** Rows of the input table: words, seen n-gram buckets, the unseen-bucket row. */
  get inputRows(): number {
    return this.unseenNgramRow + 1;
  }

  /** After freezing, n-gram buckets not seen so far map to the unseen-bucket row. */
  freeze(): void {
    this.#frozen = true;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /**
   * Appends the input rows of a line's words to `out`: the ids of its in-vocabulary words
   * and of "</s>", then (with word n-grams) the rows of its n-grams, whose hashes take every
   * token, in-vocabulary or not, as fastText's Dictionary::getLine does. Before freeze(), a
   * new bucket gets a new row; after, it maps to the unseen-bucket row.
   */
  encodeInputs(tokens: readonly string[], out: number[]): void {
    const index = this.wordIndex;
    for (const t of tokens) {
      const id = index.get(t);
      if (id !== undefined) out.push(id);
    }
    const eos = index.get(EOS);
    if (eos !== undefined) out.push(eos);
    if (!this.usesNgrams) return;
    const hashes = new Array<number>(tokens.length + 1);
    for (let i = 0; i < tokens.length; i++) hashes[i] = fastTextHash(tokens[i]);
    hashes[tokens.length] = fastTextHash(EOS);
    const buckets: number[] = [];
    wordNgramBuckets(hashes, this.wordNgrams, this.bucket, buckets);
    for (const b of buckets) out.push(this.#rowOf(b));
  }

  #rowOf(bucket: number): number {
    const row = this.#ngramRow.get(bucket);
    if (row !== undefined) return row;
    if (this.#frozen) return this.unseenNgramRow;
    const fresh = this.words.length + this.ngramBuckets.length;
    this.ngramBuckets.push(bucket);
    this.#ngramRow.set(bucket, fresh);
    return fresh;
  }

  /** Label ids of an example's labels (unknown labels are skipped, as fastText does). */
  labelIds(labels: readonly string[]): number[] {
    const ids: number[] = [];
    for (const l of labels) {
      const id = this.labelIndex.get(l);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}

/** Counts words and labels; `extraWords` (e.g. those of pretrained vectors) join the
 *  vocabulary whatever their count, as fastText's -pretrainedVectors does. */
export async function buildDictionary(
  source: ExampleSource | Iterable<Example>,
  options: DictionaryOptions,
  extraWords: readonly string[] = [],
): Promise<{ dictionary: Dictionary; examples: number; tokens: number }> {
  const words = new Map<string, number>();
  const labels = new Map<string, number>();
  let examples = 0;
  let tokens = 0;
  const iterable: AsyncIterable<Example> | Iterable<Example> = "examples" in source
    ? source.examples()
    : source;
  for await (const e of iterable) {
    examples++;
    tokens += e.tokens.length + 1;
    for (const t of e.tokens) words.set(t, (words.get(t) ?? 0) + 1);
    words.set(EOS, (words.get(EOS) ?? 0) + 1);
    for (const l of e.labels) labels.set(l, (labels.get(l) ?? 0) + 1);
  }
  const keptWords = [...words].filter(([, c]) => c >= options.minCount);
  if (extraWords.length > 0) {
    const have = new Set(keptWords.map(([w]) => w));
    for (const w of extraWords) {
      if (have.has(w)) continue;
      have.add(w);
      keptWords.push([w, words.get(w) ?? 0]);
    }
  }
  const keptLabels = [...labels].filter(([, c]) => c >= options.minCountLabel);
  // Stable sorts: equal counts keep their order of first appearance.
  keptWords.sort((a, b) => b[1] - a[1]);
  keptLabels.sort((a, b) => b[1] - a[1]);
  const dictionary = new Dictionary(
    keptWords.map(([w]) => w),
    Float64Array.from(keptWords, ([, c]) => c),
    keptLabels.map(([l]) => l),
    Float64Array.from(keptLabels, ([, c]) => c),
    options.wordNgrams,
    options.wordNgrams > 1 ? options.bucket : 0,
  );
  return { dictionary, examples, tokens };
}
