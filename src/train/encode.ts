// Sentences -> chunks of word ids for the kernel. Out-of-vocabulary words are
// dropped before windows are formed (as word2vec and gensim do); each sentence
// ends with SENTENCE_END; a chunk never splits a sentence.
import type { Corpus } from "../corpus/source.ts";
import { SENTENCE_END } from "../kernel/exports.ts";
import type { Vocab } from "../vocab.ts";
import { MAX_SENTENCE_TOKENS } from "../corpus/sentences.ts";
import { TokenCursor } from "../word_table.ts";

export interface IdChunk {
  ids: Uint32Array;
  /** In-vocabulary words in the chunk (ids minus sentence ends): drives lr decay. */
  words: number;
  /** Corpus tokens this chunk covers, including dropped out-of-vocabulary ones. */
  tokens: number;
}

export async function* idChunks(
  corpus: Corpus,
  vocab: Vocab,
  chunkTokens: number,
): AsyncGenerator<IdChunk> {
  const chunks = new ChunkBuilder(chunkTokens);
  const pieces = corpus.pieces?.();
  if (pieces) {
    // Tokenized in place (as the vocabulary count does), with sentencesOf's sentences.
    const cursor = new TokenCursor();
    for await (const piece of pieces) {
      if (!piece.continued) yield* chunks.endSentence();
      cursor.reset(piece.text);
      while (cursor.next()) {
        chunks.addToken(vocab.find(piece.text, cursor.start, cursor.end, cursor.hash));
        if (chunks.sentenceTokens === MAX_SENTENCE_TOKENS) yield* chunks.endSentence();
      }
    }
  } else {
    for await (const sentence of corpus.sentences()) {
      for (const word of sentence) chunks.addToken(vocab.id(word));
      yield* chunks.endSentence();
    }
  }
  yield* chunks.endSentence();
  yield* chunks.finish();
}

/** Packs sentences of ids into chunks; a sentence is added whole when it ends. */
class ChunkBuilder {
  #buffer: Uint32Array;
  #used = 0;
  #tokens = 0;
  #sentences = 0;
  /** The current sentence: its in-vocabulary ids, and its tokens (dropped ones too). */
  #sentence = new Uint32Array(256);
  #kept = 0;
  sentenceTokens = 0;

  constructor(readonly chunkTokens: number) {
    this.#buffer = new Uint32Array(chunkTokens);
  }

  /** A token of the current sentence: its id, or -1 if out of the vocabulary. */
  addToken(id: number): void {
    this.sentenceTokens++;
    if (id < 0) return;
    if (this.#kept === this.#sentence.length) {
      const bigger = new Uint32Array(2 * this.#kept);
      bigger.set(this.#sentence);
      this.#sentence = bigger;
    }
    this.#sentence[this.#kept++] = id;
  }

  /** Ends the current sentence (if any tokens): yields the chunk it does not fit in. */
  *endSentence(): Generator<IdChunk> {
    if (this.sentenceTokens === 0) return;
    const kept = this.#kept;
    // Fits by its length with dropped words, as remapChunks decides (same chunks).
    if (this.#used + this.sentenceTokens + 1 > this.chunkTokens && this.#used > 0) {
      yield* this.finish();
    }
    this.#tokens += this.sentenceTokens;
    if (kept > 0) {
      this.#buffer.set(this.#sentence.subarray(0, kept), this.#used);
      this.#used += kept;
      this.#buffer[this.#used++] = SENTENCE_END;
      this.#sentences++;
    }
    this.#kept = 0;
    this.sentenceTokens = 0;
  }

  /** The chunk built so far (if any), and a fresh one. */
  *finish(): Generator<IdChunk> {
    if (this.#used === 0 && this.#tokens === 0) return;
    yield {
      ids: this.#buffer.subarray(0, this.#used),
      words: this.#used - this.#sentences,
      tokens: this.#tokens,
    };
    this.#buffer = new Uint32Array(this.chunkTokens);
    this.#used = 0;
    this.#tokens = 0;
    this.#sentences = 0;
  }
}

/** The same chunks as idChunks, from a corpus recorded as provisional ids by the
 *  vocabulary counter (src/vocab.ts): a remap instead of a second read. The chunks
 *  are remapped in place and are views of `recorded.ids` (a chunk's ids are never
 *  more than the recorded ids they come from, so writing never overtakes reading):
 *  fresh memory is slow to touch where pages are mapped in on demand (a
 *  microVM here: 3.2 ms a MiB, about 90 times a second pass), and a copy would
 *  touch as much again as the recording. */
export function remapChunks(
  recorded: { ids: Uint32Array; remap: Int32Array },
  chunkTokens: number,
): IdChunk[] {
  const { ids, remap } = recorded;
  const chunks: IdChunk[] = [];
  /** Where the current chunk starts in `ids`, and the ids written into it. */
  let base = 0;
  let used = 0;
  let tokens = 0;
  let sentences = 0;
  let start = 0;
  while (start < ids.length) {
    let end = start;
    while (ids[end] !== SENTENCE_END) end++;
    const length = end - start;
    // Same boundary rule as idChunks, so both paths train identically.
    if (used + length + 1 > chunkTokens && used > 0) {
      chunks.push({ ids: ids.subarray(base, base + used), words: used - sentences, tokens });
      base += used;
      used = 0;
      tokens = 0;
      sentences = 0;
    }
    tokens += length;
    const first = used;
    for (let i = start; i < end; i++) {
      const id = remap[ids[i]];
      if (id >= 0) ids[base + used++] = id;
    }
    if (used > first) {
      ids[base + used++] = SENTENCE_END;
      sentences++;
    }
    start = end + 1;
  }
  if (used > 0 || tokens > 0) {
    chunks.push({ ids: ids.subarray(base, base + used), words: used - sentences, tokens });
  }
  return chunks;
}
