// The vocabulary count's fast path reads UTF-8 tokens straight from the bytes
// (src/corpus/byte_tokens.ts scanTokens, into VocabCounter.token). It must count
// exactly what decoding the lines and tokenizing them counts (readLines, then
// VocabCounter.addPiece): the same words in the same order, the same counts,
// sentences and recorded corpus, the same report, the same errors, however the
// bytes are cut into chunks.
import fc from "fast-check";
import { assert, assertEquals, assertGreater } from "./assert.ts";
import { scanTokens } from "../src/corpus/byte_tokens.ts";
import { type InvalidUtf8, readLines, type ReadReport } from "../src/corpus/lines.ts";
import { fileCorpus, memoryCorpus } from "../src/corpus/source.ts";
import { FormatError } from "../src/formats/errors.ts";
import { buildVocab, VocabCounter } from "../src/vocab.ts";
import { randomText } from "./support/text.ts";
import { chunked, streamOf } from "./support/chunks.ts";

const enc = new TextEncoder();

interface Counted {
  words?: string[];
  counts?: number[];
  stats?: unknown;
  ids?: number[];
  report?: ReadReport;
  error?: { offset: number | undefined; message: string };
}

/** Counts `chunks` one way or the other. */
async function count(
  way: "text" | "bytes",
  chunks: Uint8Array[],
  maxPending: number,
  invalidUtf8: InvalidUtf8,
): Promise<Counted> {
  const counter = new VocabCounter(0, 1 << 20);
  let report: ReadReport | undefined;
  const options = { maxPending, invalidUtf8, onReport: (r: ReadReport) => report = r };
  try {
    if (way === "bytes") await scanTokens(streamOf(chunks), counter, options);
    else {
      for await (const p of readLines(streamOf(chunks), options)) {
        counter.addPiece(p.text, p.continued);
      }
    }
    counter.endPieces();
  } catch (e) {
    assert(e instanceof FormatError, `${way}: ${e}`);
    return { error: { offset: e.offset, message: e.message } };
  }
  const vocab = counter.finish({ minCount: 1, maxVocab: 0 });
  return {
    words: vocab.words,
    counts: [...vocab.counts],
    stats: counter.stats(),
    ids: [...counter.recording(vocab)!.ids],
    report: { ...report! },
  };
}

/** Every character isSpace splits on, ASCII and not. */
const SPACES = [
  " ",
  "\t",
  "\n",
  "\r\n",
  "\v",
  "\f",
  "\r",
  "\0",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u2005",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
];
/** Characters that share lead bytes with those and must not split. */
const LOOK_ALIKES = ["\u0085", "\u00a1", "\u200b", "\u2030", "\u2060", "\u3001", "\ufeff0", "😀"];

Deno.test("byte tokens: the same count as decoded lines, whatever the bytes and chunks", async () => {
  const word = fc.oneof(
    fc.stringMatching(/^[a-z]{1,6}$/),
    fc.constantFrom(...LOOK_ALIKES),
    fc.integer({ min: 7, max: 20 }).map((n) => "é".repeat(n >> 1) + "x".repeat(n & 1)),
  );
  const fragment = fc.oneof(
    word.map((w) => enc.encode(w)),
    fc.constantFrom(...SPACES).map((s) => enc.encode(s)),
    fc.uint8Array({ minLength: 1, maxLength: 3 }), // mostly invalid UTF-8
    fc.constantFrom(new Uint8Array([0xef, 0xbb, 0xbf]), new Uint8Array([0xe2, 0x80])),
  );
  const input = fc.tuple(
    fc.array(fragment, { maxLength: 60 }),
    fc.array(fc.nat(), { maxLength: 10 }),
    fc.integer({ min: 4, max: 12 }),
  );
  await fc.assert(
    fc.asyncProperty(input, async ([parts, cuts, maxPending]) => {
      const bytes = new Uint8Array(parts.flatMap((p) => [...p]));
      const chunks = chunked(bytes, cuts);
      for (const mode of ["replace", "error"] as const) {
        const text = await count("text", chunks, maxPending, mode);
        const viaBytes = await count("bytes", chunks, maxPending, mode);
        assertEquals(viaBytes, text, mode);
      }
    }),
    { numRuns: 1500, seed: 11 },
  );
});

Deno.test("byte tokens: long tokens are dropped as readLines drops them, across chunks", async () => {
  // Runs of 1-40 characters against a limit of 8-16, in small chunks: each run is kept
  // or dropped whole, also while it spans several chunks.
  const run = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom("a", "é", "日", "😀"))
    .map(([n, c]) => c.repeat(n));
  const input = fc.tuple(
    fc.array(fc.tuple(run, fc.constantFrom(" ", "\n", "\u3000", "\t\t")), { maxLength: 20 }),
    fc.array(fc.nat(), { maxLength: 30 }),
    fc.integer({ min: 8, max: 16 }),
  );
  await fc.assert(
    fc.asyncProperty(input, async ([parts, cuts, maxPending]) => {
      const bytes = enc.encode(parts.map(([w, s]) => w + s).join(""));
      const chunks = chunked(bytes, cuts);
      const text = await count("text", chunks, maxPending, "replace");
      assertEquals(await count("bytes", chunks, maxPending, "replace"), text);
    }),
    { numRuns: 500, seed: 3 },
  );
});

Deno.test("byte tokens: buildVocab takes the fast path, with the same vocabulary", async () => {
  const text = randomText(4, 3000, 12000);
  const fast = memoryCorpus("random", text);
  let scanned = false;
  const spy = {
    ...fast,
    scanTokens: (sink: Parameters<NonNullable<typeof fast.scanTokens>>[0]) => {
      scanned = true;
      return fast.scanTokens!(sink);
    },
  };
  // maxVocab 60: both ways prune (word2vec's ReduceVocab) at the same sentence ends.
  for (const options of [{ minCount: 2, maxVocab: 0 }, { minCount: 1, maxVocab: 60 }]) {
    scanned = false;
    const a = await buildVocab(spy, options, 1 << 22);
    assert(scanned, "buildVocab read the corpus as UTF-8 tokens");
    const b = await buildVocab(
      { name: "text", pieces: fast.pieces, sentences: fast.sentences },
      options,
      1 << 22,
    );
    assertEquals(a.vocab.words, b.vocab.words);
    assertEquals(a.vocab.counts, b.vocab.counts);
    // The long line (12,000 tokens) is cut into sentences of 10,000 both ways.
    assertEquals(a.stats, b.stats);
    assertEquals(a.counter.recording(a.vocab), b.counter.recording(b.vocab));
    if (options.maxVocab === 0) assertGreater(a.vocab.size, 100);
    else assertGreater(a.stats.distinct, 4 * options.maxVocab, "pruned many times");
  }
});

Deno.test("byte tokens: a gzip file is counted the same as its text", async () => {
  const text = randomText(8, 500);
  const dir = await Deno.makeTempDir();
  try {
    const gz = `${dir}/corpus.txt.gz`;
    const compressed = new Blob([enc.encode(text)]).stream().pipeThrough(
      new CompressionStream("gzip"),
    );
    await Deno.writeFile(gz, compressed);
    const options = { minCount: 1, maxVocab: 0 };
    const fromFile = await buildVocab(fileCorpus(gz), options, 1 << 20);
    const fromText = await buildVocab(memoryCorpus("text", text), options, 1 << 20);
    assertEquals(fromFile.vocab.words, fromText.vocab.words);
    assertEquals(fromFile.vocab.counts, fromText.vocab.counts);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
