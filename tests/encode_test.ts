// The counting pass records the corpus as ids (src/vocab.ts) and the trainer
// remaps them (src/train/encode.ts) instead of reading the corpus again; both
// paths must give the same chunks and the same model.
import { assertEquals, assertGreater } from "./assert.ts";
import { memoryCorpus } from "../src/corpus/source.ts";
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
