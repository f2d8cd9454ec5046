// The vocabulary count tokenizes lines in place (VocabCounter.addPiece, over a
// WordTable) rather than through tokenize() and a Map: both paths must give the
// same words, counts, order, statistics and recorded corpus, whatever the text.
import { assert, assertEquals, assertGreater } from "./assert.ts";
import { type Corpus, memoryCorpus } from "../src/corpus/source.ts";
import { buildVocab, VocabCounter } from "../src/vocab.ts";
import { hashSlice, WordTable } from "../src/word_table.ts";
import { remapChunks } from "../src/train/encode.ts";
import { randomText } from "./support/text.ts";

/** Counts through `sentences()` only (the Map-free path is taken when `pieces` exists). */
function sentencesOnly(corpus: Corpus): Corpus {
  return { name: corpus.name, sentences: () => corpus.sentences() };
}

async function bothWays(corpus: Corpus, maxVocab: number, maxTokens = 25) {
  const viaSentences = new VocabCounter(maxVocab, 1 << 20);
  for await (const s of corpus.sentences()) {
    for (let i = 0; i < s.length; i += maxTokens) viaSentences.add(s.slice(i, i + maxTokens));
  }
  const viaPieces = new VocabCounter(maxVocab, 1 << 20);
  for await (const p of corpus.pieces!()) viaPieces.addPiece(p.text, p.continued, maxTokens);
  viaPieces.endPieces();
  return [viaSentences, viaPieces];
}

Deno.test("vocab: counting line pieces in place = counting tokenized sentences", async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const corpus = memoryCorpus(`random ${seed}`, randomText(seed, 400));
    let uncut = 0;
    for await (const _ of corpus.sentences()) uncut++;
    for (const maxVocab of [0, 40]) {
      // Sentences of at most 25 tokens on both sides (long lines are cut the same way).
      const [a, b] = await bothWays(corpus, maxVocab);
      const what = `seed ${seed}, maxVocab ${maxVocab}`;
      assertEquals(b.stats(), a.stats(), `${what}: stats`);
      assertGreater(a.stats().sentences, uncut, `${what}: long lines were cut`);
      for (const minCount of [1, 3]) {
        const options = { minCount, maxVocab };
        const va = a.finish(options), vb = b.finish(options);
        assertEquals(vb.words, va.words, `${what}: words in order`);
        assertEquals(vb.counts, va.counts, `${what}: counts`);
        const ra = a.recording(va)!, rb = b.recording(vb)!;
        assertEquals(rb.ids, ra.ids, `${what}: recorded corpus`);
        assertEquals(rb.remap, ra.remap, `${what}: remap`);
      }
    }
  }
});

Deno.test("vocab: buildVocab gives the same vocabulary with and without pieces()", async () => {
  const corpus = memoryCorpus("random", randomText(9, 2000));
  for (const options of [{ minCount: 2, maxVocab: 0 }, { minCount: 1, maxVocab: 60 }]) {
    const fast = await buildVocab(corpus, options, 1 << 20);
    const slow = await buildVocab(sentencesOnly(corpus), options, 1 << 20);
    assertEquals(fast.vocab.words, slow.vocab.words);
    assertEquals(fast.vocab.counts, slow.vocab.counts);
    assertEquals(fast.stats, slow.stats);
    assertEquals(fast.counter.recording(fast.vocab), slow.counter.recording(slow.vocab));
    assertGreater(fast.vocab.size, 20);
  }
});

Deno.test("vocab: the recording is the same whatever the size hint, and remapped in place", async () => {
  // Over 65,536 ids, so a recording sized too small must grow.
  const text = randomText(5, 9000);
  const hinted = (bytes: number): Corpus => ({
    ...memoryCorpus("hinted", text),
    byteLength: () => Promise.resolve(bytes),
  });
  const options = { minCount: 2, maxVocab: 0 };
  const exact = await buildVocab(memoryCorpus("exact", text), options, 1 << 22);
  const ids = exact.counter.recording(exact.vocab)!.ids.slice();
  assertGreater(ids.length, 1 << 16);
  for (const bytes of [0, 100, 1 << 30]) {
    const other = await buildVocab(hinted(bytes), options, 1 << 22);
    assertEquals(other.counter.recording(other.vocab)!.ids, ids, `hint of ${bytes} bytes`);
  }
  // remapChunks writes its chunks over the recording: no second copy of the corpus.
  const recorded = exact.counter.recording(exact.vocab)!;
  const chunks = remapChunks(recorded, 16384);
  assertGreater(chunks.length, 2);
  for (const c of chunks) assert(c.ids.buffer === recorded.ids.buffer, "a chunk is a view");
});

Deno.test("vocab: WordTable finds slices, survives growth and retain, colliding hashes", () => {
  const table = new WordTable();
  const words = Array.from({ length: 20000 }, (_, i) => `word${i}`);
  for (const w of words) {
    assertEquals(table.find(w, 0, w.length, hashSlice(w, 0, w.length)), -1);
    table.add(w, 0, w.length, hashSlice(w, 0, w.length));
  }
  assertEquals(table.size, words.length);
  const line = ` x ${words[123]} y`;
  assertEquals(
    table.find(line, 3, 3 + words[123].length, hashSlice(words[123], 0, words[123].length)),
    123,
  );
  assertEquals(table.get("word19999"), 19999);
  table.retain((id) => id % 3 === 0);
  assertEquals(table.size, Math.ceil(words.length / 3));
  assertEquals(table.get("word3"), 3);
  assertEquals(table.get("word4"), -1);
  // A word re-added after removal gets a new id.
  assertEquals(table.add("word4", 0, 5, hashSlice("word4", 0, 5)), words.length);
  // Words with equal hashes (forced) stay apart: compared unit by unit.
  const same = new WordTable();
  same.add("ab", 0, 2, 7);
  same.add("ba", 0, 2, 7);
  assertEquals(same.find("ba", 0, 2, 7), 1);
  assertEquals(same.find("ab", 0, 2, 7), 0);
  assert(same.find("aa", 0, 2, 7) < 0);
});
