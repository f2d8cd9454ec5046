// Turns one chunk of token ids into subsampled sentences and hands each to a
// training mode. Chunk format: u32 word ids, SENTENCE_END after each sentence.
import { MAX_SENTENCE, sentence } from "./model";
import { keep } from "./sampler";

export const SENTENCE_END: u32 = 0xFFFFFFFF;
/** Separates inputs from labels (supervised) or a query from its document (pairs). */
export const LABELS_MARK: u32 = 0xFFFFFFFE;

/** Words of the chunk consumed so far (before subsampling), for the lr schedule. */
export let wordsSeen: f64 = 0;

export function resetWordsSeen(): void {
  wordsSeen = 0;
}

/** Copies the next sentence of tokens[from..count) into the sentence buffer,
 *  dropping words that subsampling discards. Returns the index after the sentence
 *  (past its SENTENCE_END) and stores the kept length in keptLength. */
export let keptLength: i32 = 0;

export function nextSentence(tokens: usize, from: i32, count: i32): i32 {
  let kept = 0;
  let i = from;
  for (; i < count; i++) {
    const w = load<u32>(tokens + (<usize>i << 2));
    if (w == SENTENCE_END) {
      i++;
      break;
    }
    wordsSeen += 1;
    if (keep(w)) {
      store<u32>(sentence + (<usize>kept << 2), w);
      kept++;
      // A sentence longer than the buffer is cut into consecutive pieces.
      if (kept == MAX_SENTENCE) {
        i++;
        break;
      }
    }
  }
  keptLength = kept;
  return i;
}

/** Where a part of the chunk at `tokens` that starts at `from` and holds at least
 *  `want` tokens ends: just past the first SENTENCE_END at index from + want - 1
 *  or later, or at `count`. Threads train a chunk in such parts, merging their
 *  local input rows in between (src/train/worker.ts). */
export function partEnd(tokens: usize, from: i32, count: i32, want: i32): i32 {
  let i = from + (want > 1 ? want : 1) - 1;
  while (i < count && load<u32>(tokens + (<usize>i << 2)) != SENTENCE_END) i++;
  return i < count ? i + 1 : count;
}
