// Sentences -> chunks of word ids for the kernel. Out-of-vocabulary words are
// dropped before windows are formed (as word2vec and gensim do); each sentence
// ends with SENTENCE_END; a chunk never splits a sentence.
import type { Corpus } from "../corpus/source.ts";
import { SENTENCE_END } from "../kernel/exports.ts";
import type { Vocab } from "../vocab.ts";

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
  let buffer = new Uint32Array(chunkTokens);
  let used = 0;
  let tokens = 0;
  let sentences = 0;
  const index = vocab.index;
  for await (const sentence of corpus.sentences()) {
    if (used + sentence.length + 1 > chunkTokens && used > 0) {
      yield { ids: buffer.subarray(0, used), words: used - sentences, tokens };
      buffer = new Uint32Array(chunkTokens);
      used = 0;
      tokens = 0;
      sentences = 0;
    }
    tokens += sentence.length;
    const start = used;
    for (const word of sentence) {
      const id = index.get(word);
      if (id !== undefined) buffer[used++] = id;
    }
    if (used > start) {
      buffer[used++] = SENTENCE_END;
      sentences++;
    }
  }
  if (used > 0 || tokens > 0) {
    yield { ids: buffer.subarray(0, used), words: used - sentences, tokens };
  }
}

/** The same chunks as idChunks, from a corpus recorded as provisional ids by the
 *  vocabulary counter (src/vocab.ts): a remap instead of a second read. */
export function remapChunks(
  recorded: { ids: Uint32Array; remap: Int32Array },
  chunkTokens: number,
): IdChunk[] {
  const { ids, remap } = recorded;
  const chunks: IdChunk[] = [];
  let buffer = new Uint32Array(chunkTokens);
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
      chunks.push({ ids: buffer.subarray(0, used), words: used - sentences, tokens });
      buffer = new Uint32Array(chunkTokens);
      used = 0;
      tokens = 0;
      sentences = 0;
    }
    tokens += length;
    const first = used;
    for (let i = start; i < end; i++) {
      const id = remap[ids[i]];
      if (id >= 0) buffer[used++] = id;
    }
    if (used > first) {
      buffer[used++] = SENTENCE_END;
      sentences++;
    }
    start = end + 1;
  }
  if (used > 0 || tokens > 0) {
    chunks.push({ ids: buffer.subarray(0, used), words: used - sentences, tokens });
  }
  return chunks;
}
