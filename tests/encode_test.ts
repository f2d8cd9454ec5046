// The counting pass records the corpus as ids (src/vocab.ts) and the trainer
// remaps them (src/train/encode.ts) instead of reading the corpus again; both
// paths must give the same chunks and the same model.
import { assert, assertEquals, assertGreater } from "./assert.ts";
import { type Corpus, memoryCorpus } from "../src/corpus/source.ts";
import { SENTENCE_END } from "../src/kernel/exports.ts";
import { MAX_SENTENCE_TOKENS } from "../src/corpus/sentences.ts";
import { randomText } from "./support/text.ts";
import { buildVocab } from "../src/vocab.ts";
import { type IdChunk, idChunks, remapChunks } from "../src/train/encode.ts";
import { train } from "../src/train/trainer.ts";

function text(): string {
  let state = 3;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const lines: string[] = [];
  for (let s = 0; s < 3000; s++) {
    const length = Math.floor(next() * 30);
    lines.push(Array.from({ length }, () => `w${Math.floor(next() * next() * 400)}`).join(" "));
  }
  return lines.join("\n");
}

Deno.test("encode: remapped recording = a second read, chunk for chunk", async () => {
  const corpus = memoryCorpus("zipf", text());
  for (const options of [{ minCount: 3, maxVocab: 0 }, { minCount: 1, maxVocab: 50 }]) {
    const { vocab, counter } = await buildVocab(corpus, options, 1 << 20);
    if (options.maxVocab === 0) assertGreater(vocab.size, 300);
    const read: IdChunk[] = [];
    for await (const c of idChunks(corpus, vocab, 16384)) read.push(c);
    const remapped = remapChunks(counter.recording(vocab)!, 16384);
    assertGreater(read.reduce((n, c) => n + c.words, 0), 5000);
    assertEquals(remapped, read);
  }
});

Deno.test("encode: a recording over its limit is dropped, and training still matches", async () => {
  const corpus = memoryCorpus("zipf", text());
  const { vocab, counter } = await buildVocab(
    corpus,
    { minCount: 1, maxVocab: 0 },
    1000,
  );
  assertEquals(counter.recording(vocab), undefined);
  const settings = { dim: 12, epochs: 2, minCount: 2, threads: 1, chunkTokens: 16384 };
  const recorded = await train(corpus, settings);
  const streamed = await train(corpus, settings, { cacheTokens: 0 });
  assertEquals(streamed.input, recorded.input);
  assertEquals(streamed.stats.corpusTokens, recorded.stats.corpusTokens);
});

Deno.test("encode: tokenizing lines in place = tokenize() + Map, every kind of whitespace", async () => {
  // A corpus with pieces() is encoded from its lines in place; the same corpus seen
  // through sentences() only takes the tokenize() path. One line of 25,000 tokens is
  // cut into sentences of MAX_SENTENCE_TOKENS on both paths.
  const corpus = memoryCorpus("random", randomText(4, 3000, 25000));
  const sentencesOnly: Corpus = { name: corpus.name, sentences: () => corpus.sentences() };
  const { vocab } = await buildVocab(corpus, { minCount: 2, maxVocab: 0 });
  const inPlace: IdChunk[] = [], tokenized: IdChunk[] = [];
  for await (const c of idChunks(corpus, vocab, 16384)) inPlace.push(c);
  for await (const c of idChunks(sentencesOnly, vocab, 16384)) tokenized.push(c);
  assertEquals(inPlace, tokenized);
  // The long line's sentences: at most MAX_SENTENCE_TOKENS ids, nearly all kept.
  let longest = 0;
  for (const { ids } of inPlace) {
    let run = 0;
    for (const id of ids) {
      run = id === SENTENCE_END ? (longest = Math.max(longest, run), 0) : run + 1;
    }
  }
  assert(longest <= MAX_SENTENCE_TOKENS && longest > 9000, `longest sentence ${longest}`);
  assertGreater(inPlace.length, 2);
});
