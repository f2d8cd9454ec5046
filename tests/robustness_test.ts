// Hard to break: what every kind of bad input does, in the library and the command line.
// Sections: corpora (empty, whitespace, rare words, invalid UTF-8, BOM, CRLF, NUL, one
// enormous line in bounded memory, binary garbage, a stream that fails part way, a cut gzip),
// configuration (a model too large for WebAssembly memory refused before allocating),
// queries (unknown, empty and absurdly long words, absurd k), and files (a save killed by
// SIGKILL leaves the previous file intact). RELIABILITY.md maps each case to its test.
import fc from "fast-check";
import { chunked, streamOf } from "./support/chunks.ts";
import { closest } from "../src/cli/flags.ts";
import { firstInvalidUtf8, isSpace, MAX_PENDING, type ReadReport } from "../src/corpus/lines.ts";
import { readLines } from "../src/corpus/lines.ts";
import { sentencesOf, tokenize } from "../src/corpus/sentences.ts";
import { type Corpus, memoryCorpus, streamCorpus } from "../src/corpus/source.ts";
import { FormatError } from "../src/formats/errors.ts";
import { formatFromPath } from "../src/formats/detect.ts";
import { OutOfKernelMemory } from "../src/kernel/memory.ts";
import { checkFits } from "../src/train/tables.ts";
import { MODE_CBOW, MODE_SKIPGRAM_SHARED } from "../src/kernel/exports.ts";
import {
  checkpointToNative,
  decodeCheckpoint,
  decodeModel,
  encodeCheckpoint,
  loadVectors,
  vectorsFromBytes,
} from "../src/model.ts";
import { encodeNativeModel, type NativeModel } from "../src/formats/native.ts";
import { train, type TrainingCheckpoint } from "../src/train/trainer.ts";
import { UnknownWordError, Vectors } from "../src/vectors.ts";
import {
  assert,
  assertEquals,
  assertGreater,
  assertLess,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import { runCli as cli } from "./support/cli.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function sentences(corpus: Corpus): Promise<string[][]> {
  const out: string[][] = [];
  for await (const s of corpus.sentences()) out.push(s);
  return out;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "negsamp_robust_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const SMALL = { dim: 8, epochs: 1, minCount: 1, chunkTokens: 16384 };

// ---------- corpora ----------

Deno.test("corpus: empty, whitespace only, every word rare: a clear error before training", async () => {
  for (const text of ["", " \n\t\r\n  \n\n", "\ufeff"]) {
    await assertRejects(
      () => train(memoryCorpus("c.txt", text), { ...SMALL, minCount: 1 }),
      Error,
      "c.txt: the corpus holds no words",
    );
  }
  const e = await assertRejects(
    () => train(memoryCorpus("rare.txt", "a b c d a b\nc d e"), { ...SMALL, minCount: 5 }),
    Error,
    "rare.txt: no word occurs at least 5 times (9 tokens read)",
  );
  assertStringIncludes(e.message, "lower --min-count");
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/empty.txt`, "");
    const r = await cli(["--input", `${dir}/empty.txt`, "--output", `${dir}/o.vec`]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, `--input: ${dir}/empty.txt is empty`);
    const d = await cli(["--input", dir, "--output", `${dir}/o.vec`]);
    assertEquals(d.code, 1);
    assertStringIncludes(d.err, `--input: ${dir} is a directory`);
    await Deno.writeTextFile(`${dir}/blank.txt`, "  \n\n \t \n");
    const b = await cli(["--input", `${dir}/blank.txt`, "--output", `${dir}/o.vec`]);
    assertEquals(b.code, 1);
    assertStringIncludes(b.err, "blank.txt: the corpus holds no words");
  });
});

Deno.test("corpus: a BOM is dropped, CRLF and NUL bytes separate words, U+FEFF inside too", async () => {
  const text = "\ufeffone two\r\nthree\0four\r\n\r\nfive\u00a0six\ufeffseven\r\n";
  assertEquals(await sentences(memoryCorpus("c", text)), [
    ["one", "two"],
    ["three", "four"],
    ["five", "six", "seven"],
  ]);
  // A BOM anywhere but the very start is not dropped by the decoder (it is whitespace).
  const pieces: string[] = [];
  for await (const p of readLines(streamOf([enc.encode("a\ufeffb")]))) pieces.push(p.text);
  assertEquals(pieces, ["a\ufeffb"]);
  // The BOM split across chunks is still recognised.
  const bom = enc.encode("\ufeffx y");
  const split = streamCorpus(
    "c",
    () => streamOf([bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2)]),
  );
  assertEquals(await sentences(split), [["x", "y"]]);
  // The line cutter splits on exactly the characters the tokenizer splits on.
  // deno-lint-ignore no-control-regex
  const splits = /[\s\u0000]/u; // as src/corpus/sentences.ts
  for (let c = 0; c < 0x10000; c++) {
    assertEquals(isSpace(c), splits.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
  }
});

Deno.test("corpus: invalid UTF-8 is replaced and counted, or refused with its byte offset", async () => {
  const bytes = new Uint8Array([...enc.encode("good wörds\n"), 0x62, 0x61, 0xff, 0x64, 0x0a, 0xc3]);
  const reports: ReadReport[] = [];
  const replaced = memoryCorpus("bad.txt", bytes, { onReport: (r) => reports.push(r) });
  assertEquals(await sentences(replaced), [["good", "wörds"], ["ba\ufffdd"], ["\ufffd"]]);
  assertEquals(reports, [{ bytes: 18, invalidUtf8: 2, firstInvalidOffset: 14, droppedRuns: 0 }]);
  const strict = memoryCorpus("bad.txt", bytes, { invalidUtf8: "error" });
  const e = await assertRejects(() => sentences(strict), FormatError, "bad.txt (byte offset 14)");
  assertStringIncludes(e.message, "invalid UTF-8 (byte 0xff)");
  assertEquals((e as FormatError).offset, 14);
  // A sequence cut by the end of the file is invalid too.
  await assertRejects(
    () =>
      sentences(
        memoryCorpus("cut.txt", new Uint8Array([0x61, 0x20, 0xe2, 0x82]), { invalidUtf8: "error" }),
      ),
    FormatError,
    "cut.txt (byte offset 2)",
  );
  // U+FFFD written in the text itself is not counted as a replacement.
  const honest: ReadReport[] = [];
  await sentences(memoryCorpus("ok.txt", "a \ufffd b", { onReport: (r) => honest.push(r) }));
  assertEquals(honest[0].invalidUtf8, 0);
  // Through training: the replaced word is a word like any other.
  const trained = await train(memoryCorpus("bad.txt", bytes), SMALL);
  assert(trained.vocab.words.includes("ba\ufffdd"));
});

Deno.test("corpus: UTF-8 decoding is the same however the bytes are cut into chunks", async () => {
  const fragments = fc.oneof(
    fc.constantFrom(..."a é 日 😀 \n \r\n \ufeff \ufffd".split(" ").map((s) => enc.encode(s))),
    fc.uint8Array({ minLength: 1, maxLength: 4 }),
    fc.constantFrom(
      new Uint8Array([0xf0, 0x9f]),
      new Uint8Array([0xed, 0xa0, 0x80]),
      new Uint8Array([0xe0, 0x80]),
    ),
  );
  const input = fc.tuple(
    fc.array(fragments, { maxLength: 30 }),
    fc.array(fc.nat(), { maxLength: 8 }),
  );
  await fc.assert(
    fc.asyncProperty(input, async ([parts, cuts]) => {
      const bytes = new Uint8Array(parts.flatMap((p) => [...p]));
      const chunks = chunked(bytes, cuts);
      const joined = async (invalidUtf8: "replace" | "error") => {
        let text = "";
        let report: ReadReport | undefined;
        for await (
          const p of readLines(streamOf(chunks), {
            invalidUtf8,
            onReport: (r) => report = r,
          })
        ) {
          text += (p.continued ? "" : "\n") + p.text;
        }
        return { text, report };
      };
      // The reference: the whole input decoded at once (WHATWG, BOM dropped at the start).
      const lines = new TextDecoder().decode(bytes).split("\n");
      if (lines[lines.length - 1] === "") lines.pop(); // a final newline ends the last line
      const expected = lines.map((l) => "\n" + l).join("");
      const got = await joined("replace");
      assertEquals(got.text, expected);
      const bad = firstInvalidUtf8(bytes);
      assertEquals(got.report!.firstInvalidOffset, bad);
      // Replacements made, less the U+FFFD (EF BF BD) written in the input itself.
      const made = [...new TextDecoder().decode(bytes)].filter((c) => c === "\ufffd").length;
      let written = 0;
      for (let i = 0; i + 2 < bytes.length; i++) {
        if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) written++;
      }
      assertEquals(got.report!.invalidUtf8, made - written);
      let threw: FormatError | undefined;
      await joined("error").catch((e) => threw = e);
      if (bad < 0) assertEquals(threw, undefined);
      else {
        assert(threw instanceof FormatError, `expected a FormatError, got ${threw}`);
        assertEquals(threw.offset, bad);
      }
    }),
    { numRuns: 400, seed: 42 },
  );
});

Deno.test("corpus: long lines are cut at whitespace and only runs too long are dropped", async () => {
  // With a tiny limit (8 characters), whatever the chunks: the words are the tokenizer's,
  // line by line, less the runs of more than 8 characters.
  const M = 8;
  const word = fc.oneof(
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.integer({ min: 9, max: 30 }).map((n) => "x".repeat(n)),
  );
  const space = fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\0", "\u3000", "\n\n");
  const text = fc.array(fc.tuple(word, space), { maxLength: 40 })
    .map((parts) => parts.map(([w, s]) => w + s).join(""));
  await fc.assert(
    fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 10 }), async (t, cuts) => {
      const bytes = enc.encode(t);
      const chunks = chunked(bytes, cuts);
      let report: ReadReport | undefined;
      const pieces = readLines(streamOf(chunks), { maxPending: M, onReport: (r) => report = r });
      const got: string[][] = [];
      for await (const s of sentencesOf(pieces)) got.push(s);
      const lines = t.split("\n").map((l) => tokenize(l)).filter((l) => l.length > 0);
      const expected = lines.map((l) => l.filter((w) => w.length <= M))
        .filter((l) => l.length > 0);
      assertEquals(got, expected);
      const long = lines.flat().filter((w) => w.length > M).length;
      assertEquals(report!.droppedRuns, long);
    }),
    { numRuns: 500, seed: 7 },
  );
});

/** `mb` MiB of generated text with no newline: words of 7 letters, or no space at all. */
function hugeLine(mb: number, spaces: boolean): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1 << 16);
  for (let i = 0; i < chunk.length; i++) {
    chunk[i] = spaces && i % 8 === 7 ? 0x20 : 0x61 + (i % 7);
  }
  let left = mb * 16;
  return new ReadableStream({
    pull(c) {
      if (left-- > 0) c.enqueue(chunk);
      else c.close();
    },
  }, { highWaterMark: 0 });
}

function envNumber(name: string): number | undefined {
  try {
    const v = Deno.env.get(name);
    return v ? Number(v) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `script` in a child Deno whose garbage can be collected on demand
 *  (--expose-gc) and returns the JSON it prints. */
// deno-lint-ignore no-explicit-any
async function withGc(script: string): Promise<any> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(r.success, dec.decode(r.stderr));
  return JSON.parse(dec.decode(r.stdout));
}

/** Size of the enormous line; `deno task test:long` reads 1 GiB. */
const LINE_MB = envNumber("NEGSAMP_LONG_LINE_MB") ?? 32;

Deno.test(`corpus: the vocabulary count reads one enormous line (${LINE_MB} MiB) in bounded memory`, async () => {
  // The count's own reader (UTF-8 tokens from the bytes, src/corpus/byte_tokens.ts),
  // measured as above: with words, and with no whitespace at all (one run, dropped).
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    import { scanTokens } from ${url("../src/corpus/byte_tokens.ts")};
    import { VocabCounter } from ${url("../src/vocab.ts")};
    ${hugeLine.toString()}
    const gc = globalThis.gc;
    const out = {};
    for (const spaces of [true, false]) {
      // Typed arrays live outside the heap: count their memory too.
      const used = () => {
        const m = Deno.memoryUsage();
        return m.heapUsed + m.external;
      };
      gc();
      const base = used();
      let held = 0, pulls = 0;
      const measure = () => {
        gc();
        held = Math.max(held, used() - base);
      };
      const sampled = hugeLine(${LINE_MB}, spaces).pipeThrough(new TransformStream({
        transform(chunk, c) {
          if (++pulls % 64 === 0) measure();
          c.enqueue(chunk);
        },
      }));
      // No recording: the count's record of the corpus is bounded by its own limit.
      const counter = new VocabCounter(0, 0);
      let report;
      await scanTokens(sampled, counter, { onReport: (r) => report = r });
      counter.endPieces();
      out[spaces ? "words" : "run"] = { held, stats: counter.stats(), report };
    }
    console.log(JSON.stringify(out));
  `;
  const { words, run } = await withGc(script);
  const tokens = LINE_MB * (1 << 20) / 8;
  assertEquals(words.stats.tokens, tokens, "every word read");
  assertEquals(words.stats.sentences, Math.ceil(tokens / 10000), "sentences of 10,000 words");
  assertLess(words.held, 16 * (1 << 20), `with words, the count held ${words.held} bytes`);
  assertEquals(run.stats.tokens, 0);
  assertEquals(run.report.droppedRuns, 1);
  assertEquals(run.report.bytes, LINE_MB << 20);
  assertLess(run.held, 16 * (1 << 20), `with no whitespace, the count held ${run.held} bytes`);
});

Deno.test(`corpus: one enormous line (${LINE_MB} MiB, no newline) streams in bounded memory`, async () => {
  // Measured in a child process whose garbage can be collected on demand (--expose-gc), so
  // what is measured is what the reader holds, not garbage not yet collected.
  const sourceUrl = new URL("../src/corpus/source.ts", import.meta.url).href;
  const script = `
    import { streamCorpus } from ${JSON.stringify(sourceUrl)};
    ${hugeLine.toString()}
    const gc = globalThis.gc;
    gc();
    const base = Deno.memoryUsage().heapUsed;
    let held = 0, tokens = 0, n = 0;
    const corpus = streamCorpus("huge", () => hugeLine(${LINE_MB}, true));
    for await (const s of corpus.sentences()) {
      tokens += s.length;
      if (++n % 256 === 0) {
        gc();
        held = Math.max(held, Deno.memoryUsage().heapUsed - base);
      }
    }
    console.log(JSON.stringify({ tokens, held, sentences: n }));
  `;
  const { tokens, held, sentences: n } = await withGc(script);
  assertEquals(tokens, LINE_MB * (1 << 20) / 8, "every word read");
  assertEquals(n, Math.ceil(tokens / 10000), "one line: consecutive sentences of 10,000 words");
  // Held at any time: at most ~1 MiB of pending text (2 MiB as UTF-16), a sentence, a chunk.
  assertLess(held, 16 * (1 << 20), `the reader held ${held} bytes`);

  // No whitespace at all: not a word; dropped as it streams, and counted.
  let report: ReadReport | undefined;
  let pieces = 0;
  const mb = Math.min(LINE_MB, 16);
  for await (const p of readLines(hugeLine(mb, false), { onReport: (r) => report = r })) {
    pieces++;
    assertLess(p.text.length, MAX_PENDING + 2);
  }
  assertEquals(report!.droppedRuns, 1);
  assertEquals(report!.bytes, mb << 20);
  assertLess(pieces, 2);
  // A line with words after a huge run keeps those words, in the same sentence.
  const run = "x".repeat(MAX_PENDING + 10);
  assertEquals(await sentences(memoryCorpus("c", `a b\nc ${run} d e\nf`)), [
    ["a", "b"],
    ["c", "d", "e"],
    ["f"],
  ]);
});

Deno.test("corpus: binary garbage trains or fails clearly, never crashes", async () => {
  let seed = 99;
  const bytes = new Uint8Array(1 << 18).map(() =>
    (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
  );
  let report: ReadReport | undefined;
  const corpus = memoryCorpus("garbage.bin", bytes, { onReport: (r) => report = r });
  const trained = await train(corpus, { ...SMALL, minCount: 2 });
  assertGreater(trained.vocab.size, 0);
  assertGreater(report!.invalidUtf8, 1000);
  await assertRejects(
    () => train(memoryCorpus("garbage.bin", bytes, { invalidUtf8: "error" }), SMALL),
    FormatError,
    "garbage.bin (byte offset",
  );
});

Deno.test("corpus: a file that fails part way, or a cut gzip, stops with the corpus name", async () => {
  const failing = streamCorpus("disk.txt", () => {
    let n = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ < 3) c.enqueue(enc.encode("some words here\n"));
        else c.error(new Error("Input/output error (os error 5)"));
      },
    });
  });
  const e = await assertRejects(() => train(failing, SMALL), Error, "cannot read corpus disk.txt");
  assertStringIncludes(e.message, "reading failed after 48 bytes: Input/output error");
  const opening = streamCorpus("gone.txt", () => Promise.reject(new Error("No such file")));
  await assertRejects(() => sentences(opening), Error, "cannot read corpus gone.txt: No such file");
  // A gzip cut in half.
  const gz = new Uint8Array(
    await new Response(
      new Blob([enc.encode("alpha beta gamma\n".repeat(5000))]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
  const cut = memoryCorpus("c.txt.gz", gz.subarray(0, gz.length >> 1));
  const g = await assertRejects(() => sentences(cut), Error, "cannot read corpus c.txt.gz");
  assertStringIncludes(g.message, "the gzip data is corrupt or cut short");
  assertEquals((await sentences(memoryCorpus("c.txt.gz", gz))).length, 5000);
});

Deno.test("corpus cli: --invalid-utf8 replace warns with a count, error refuses with the offset", async () => {
  await withTempDir(async (dir) => {
    const bad = new Uint8Array([
      ...enc.encode("cat dog\ncat dog\n"),
      0xc0,
      0xaf,
      ...enc.encode(" cat\n"),
    ]);
    await Deno.writeFile(`${dir}/bad.txt`, bad);
    const args = [
      "--input",
      `${dir}/bad.txt`,
      "--output",
      `${dir}/o.vec`,
      "--min-count",
      "1",
      "--dim",
      "4",
    ];
    const replaced = await cli([...args, "--epochs", "1"]);
    assertEquals(replaced.code, 0, replaced.err);
    assertStringIncludes(
      replaced.err,
      `warning: ${dir}/bad.txt: 2 invalid UTF-8 sequences read as U+FFFD (the first at byte offset 16)`,
    );
    assertEquals(replaced.err.split("warning:").length, 2, "warned once");
    const refused = await cli([...args, "--invalid-utf8", "error"]);
    assertEquals(refused.code, 1);
    assertStringIncludes(
      refused.err,
      `error: ${dir}/bad.txt (byte offset 16): invalid UTF-8 (byte 0xc0)`,
    );
  });
});

// ---------- configuration ----------

Deno.test("config: the memory check counts every worker's buffers and local rows", () => {
  // 124,000 words at dim 4096: 3.78 GiB of tables, which fit on one thread. Eight
  // skip-gram workers add 37.5 MiB each (their local rows: 2 x 16 MiB of output rows and
  // 2 x 2 MiB of input rows); eight CBOW workers (2 x 2 MiB of output rows each) still fit.
  checkFits(124000, 4096, 65536, 1, MODE_SKIPGRAM_SHARED);
  checkFits(124000, 4096, 65536, 8, MODE_CBOW);
  const e = assertThrows(
    () => checkFits(124000, 4096, 65536, 8, MODE_SKIPGRAM_SHARED),
    OutOfKernelMemory,
  );
  assertStringIncludes(e.message, "on 8 threads (37.5 MiB each)");
});

Deno.test("config: tables beyond 4 GiB of WebAssembly memory are refused before allocating", async () => {
  // 140,000 distinct words at dim 4096: two tables of 2.1 GiB each.
  const words = Array.from({ length: 140000 }, (_, i) => `w${i}`);
  const corpus = memoryCorpus("big-vocab", words.join(" ") + "\n");
  const rss = Deno.memoryUsage().rss;
  const start = performance.now();
  const e = await assertRejects(
    () => train(corpus, { dim: 4096, minCount: 1, epochs: 1 }),
    OutOfKernelMemory,
    "a vocabulary of 140000 words at dimension 4096",
  );
  assertStringIncludes(e.message, "beyond the 4 GiB a WebAssembly module can address");
  assertStringIncludes(e.message, "--max-vocab");
  assertStringIncludes(e.message, "--dim");
  assertLess(performance.now() - start, 5000);
  assertLess(Deno.memoryUsage().rss - rss, 512 * (1 << 20), "no table was allocated");
  // The command line says the same, with exit status 1.
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/big.txt`, words.join(" ") + "\n");
    const r = await cli(["--input", `${dir}/big.txt`, "--dim", "4096", "--min-count", "1", "-q"]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, "error: a vocabulary of 140000 words at dimension 4096");
  });
});

// ---------- queries ----------

Deno.test("queries: unknown, empty and huge words, absurd k, in the API", async () => {
  const v = await Vectors.create(
    ["cat", "dog", "cow"],
    2,
    new Float32Array([1, 0, 0.9, 0.1, 0, 1]),
  );
  assertThrows(() => v.mostSimilar("horse"), UnknownWordError, 'unknown word "horse"');
  assertThrows(() => v.mostSimilar(""), UnknownWordError, 'unknown word ""');
  assertThrows(() => v.similarity("cat", "\u0000\n"), UnknownWordError, '"\\u0000\\n"');
  const huge = "x".repeat(10_000_000);
  const start = performance.now();
  const e = assertThrows(() => v.mostSimilar(huge), UnknownWordError);
  assertLess(e.message.length, 200, "the message does not repeat the whole word");
  assertStringIncludes(e.message, "(10000000 characters)");
  assertEquals((e as UnknownWordError).word.length, 10_000_000);
  assertLess(performance.now() - start, 1000);
  for (const k of [0, -1, 1.5, NaN, Infinity]) {
    assertThrows(() => v.mostSimilar("cat", [], k), RangeError, "k must be an integer >= 1");
  }
  assertEquals(v.mostSimilar("cat", [], 1e12).length, 2, "k beyond the vocabulary: all of it");
  assertEquals(v.mostSimilar("cat", [], Number.MAX_SAFE_INTEGER).map((n) => n.word), [
    "dog",
    "cow",
  ]);
  assertThrows(() => v.mostSimilar([], []), RangeError, "both empty");
  assertThrows(() => v.mostSimilarToVector([1], 1), RangeError, "expected 2");
  assertThrows(() => v.mostSimilarToVector([1, NaN], 1), RangeError, "component 1");
  assertThrows(() => v.doesntMatch([]), RangeError, "empty");
  assertThrows(() => v.mostSimilar("cat", [], 2, { restrict: 0 }), RangeError, "restrict");
  // "Did you mean" over a large vocabulary stays fast for a huge word.
  const many = Array.from({ length: 100000 }, (_, i) => `word${i}`);
  const t0 = performance.now();
  assertEquals(closest("y".repeat(200000), many), undefined);
  assertEquals(closest("wrod12", many), "word12");
  assertLess(performance.now() - t0, 2000);
});

Deno.test("queries: unknown, empty and huge words, absurd k, on the command line", async () => {
  await withTempDir(async (dir) => {
    const model = `${dir}/v.vec`;
    await Deno.writeTextFile(model, "3 2\ncat 1 0\ndog 0.9 0.1\ncow 0 1\n");
    const run = (...args: string[]) => cli([...args, "--model", model]);
    const empty = await run("similar", "");
    assertEquals(empty.code, 1);
    assertStringIncludes(empty.err, 'error: unknown word "": it is not in the vocabulary');
    const huge = await run("similar", "z".repeat(100_000));
    assertEquals(huge.code, 1);
    assertLess(huge.err.length, 300);
    assertStringIncludes(huge.err, "(100000 characters)");
    const typo = await run("similar", "dgo");
    assertStringIncludes(typo.err, 'did you mean "dog"?');
    for (const k of ["0", "-3"]) {
      const r = await run("similar", "cat", "-k", k);
      assertEquals(r.code, 2, `-k ${k}`);
    }
    const tooBig = await run("similar", "cat", "-k", "99999999999999999999");
    assertEquals(tooBig.code, 2);
    assertStringIncludes(tooBig.err, "-k: 99999999999999999999 is too large");
    const nan = await run("similar", "cat", "-k", "NaN");
    assertEquals(nan.code, 2);
    const all = await run("similar", "cat", "-k", "1000000000000");
    assertEquals(all.code, 0, all.err);
    assertEquals(all.out.trim().split("\n").length, 3, "the header and both other words");
    const analogy = await run("analogy", "cat", "dog", "");
    assertEquals(analogy.code, 1);
    assertStringIncludes(analogy.err, 'unknown word ""');
  });
});

// ---------- files ----------

Deno.test("files: a save killed by SIGKILL leaves the previous file intact", async () => {
  await withTempDir(async (dir) => {
    const target = `${dir}/model.nsm`;
    await Deno.writeTextFile(target, "the previous model");
    // A child process writes 256 MiB atomically, slowly, and is killed part way.
    const script = `
      import { writeFileAtomic } from ${
      JSON.stringify(new URL("../src/io/files.ts", import.meta.url).href)
    };
      const chunk = new Uint8Array(1 << 20).fill(7);
      async function* data() {
        for (let i = 0; i < 256; i++) {
          yield chunk;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      await writeFileAtomic(${JSON.stringify(target)}, data());
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const tmpFiles = () =>
      [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "model.nsm");
    let written = 0;
    for (let i = 0; i < 400 && written < 4 << 20; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const tmp = tmpFiles();
      if (tmp.length === 1) written = Deno.statSync(`${dir}/${tmp[0]}`).size;
    }
    assertGreater(written, 0, "the child was writing");
    child.kill("SIGKILL");
    const status = await child.status;
    assertEquals(status.signal, "SIGKILL");
    await child.stderr.cancel();
    assertEquals(await Deno.readTextFile(target), "the previous model");
    // What a SIGKILL can leave: one temp file, named after the target plus ".tmp-" and 12
    // hex digits, which no loader takes for a model (by name, or by its cut content).
    const left = tmpFiles();
    assert(left.length <= 1, `left behind: ${left}`);
    for (const name of left) {
      assert(/^model\.nsm\.tmp-[0-9a-f]{12}$/.test(name), name);
      assertThrows(() => formatFromPath(name), Error, "unknown extension");
      await assertRejects(() => loadVectors(`${dir}/${name}`), Error);
    }
  });
});

Deno.test("files: a truncated or garbled model fails with the file name, quickly", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/half.nsm`;
    const trained = await train(memoryCorpus("c", "a b c a b c a b\n".repeat(50)), SMALL);
    const { encodeModel, Model } = await import("../src/model.ts");
    const bytes = encodeModel(Model.fromTrained(trained));
    await Deno.writeFile(path, bytes.subarray(0, bytes.length >> 1));
    const r = await cli(["similar", "a", "--model", path]);
    assertEquals(r.code, 1);
    assertStringIncludes(r.err, `error: ${path} (byte offset`);
    assertStringIncludes(r.err, "truncated");
    await Deno.writeFile(`${dir}/v.vec`, bytes);
    const mislabelled = await cli(["similar", "a", "--model", `${dir}/v.vec`]);
    assertEquals(
      mislabelled.code,
      0,
      "a native model is recognised by its magic whatever its name",
    );
    await Deno.writeFile(`${dir}/v.bin`, enc.encode("1000000000000 300\n"));
    const hostile = await cli(["similar", "a", "--model", `${dir}/v.bin`]);
    assertEquals(hostile.code, 1);
    assertStringIncludes(hostile.err, "1000000000000 rows of dim 300 need at least");
  });
});

Deno.test("checkpoint files: exact round trip; inconsistent ones are a FormatError", async () => {
  const corpus = memoryCorpus("c.txt", "a b c d a b c a b a\n".repeat(300));
  let saved: TrainingCheckpoint | undefined;
  await train(corpus, { ...SMALL, epochs: 2 }, { onCheckpoint: (c) => void (saved ??= c) });
  const c = saved!;
  const corpusInfo = { name: "c.txt", tokens: 3000, sentences: 300, distinct: 4 };
  const bytes = encodeCheckpoint(c, { corpus: corpusInfo, note: "kept" });
  const back = decodeCheckpoint(bytes, "ck.nsm");
  assertEquals(back.checkpoint.input, c.input);
  assertEquals(back.checkpoint.output, c.output);
  assertEquals(back.checkpoint.vocab.words, c.vocab.words);
  assertEquals(back.checkpoint.vocab.counts, c.vocab.counts);
  for (const k of ["epoch", "chunk", "wordsDone", "corpusTokens", "rngState", "config"] as const) {
    assertEquals(back.checkpoint[k], c[k], k);
  }
  assertEquals(back.corpus, corpusInfo);
  assertEquals(back.extra, { note: "kept" });
  // Queried like any model; refused where a trainable model is expected.
  const v = await vectorsFromBytes(bytes, "ck.nsm");
  assertEquals(v.size, c.vocab.size);
  assertThrows(() => decodeModel(bytes, "ck.nsm"), FormatError, 'kind "checkpoint"');
  // Anything inconsistent, even with a valid checksum, is refused with the file name.
  const bad = (edit: (m: NativeModel) => void, ...parts: string[]) => {
    const m = checkpointToNative(c, { corpus: corpusInfo });
    m.header = structuredClone(m.header);
    edit(m);
    const e = assertThrows(
      () => decodeCheckpoint(encodeNativeModel(m), "bad.nsm"),
      FormatError,
      "bad.nsm: ",
    );
    for (const p of parts) assertStringIncludes(e.message, p);
  };
  bad((m) => m.header.kind = "word2vec", 'kind "word2vec", not a training checkpoint');
  bad((m) => (m.header.position as Record<string, number>).epoch = 99, "position.epoch");
  bad((m) => (m.header.position as Record<string, number>).chunk = -1, "position.chunk");
  bad((m) => m.header.rngState = "12x", "rngState");
  bad((m) => m.header.rngState = String(2n ** 64n), "rngState");
  bad((m) => m.header.lastLoss = "low", "lastLoss");
  bad((m) => (m.header.config as Record<string, unknown>).dim = 3, "config.dim 3 differs");
  bad(
    (m) => (m.header.config as Record<string, unknown>).window = 0,
    "header config: invalid window",
  );
  bad((m) => m.header.corpus = { name: 5 }, "corpus.name");
  bad((m) => m.tables = [m.tables[0].map((x, i) => i === 3 ? NaN : x), m.tables[1]], "holds NaN");
  bad((m) => m.tables = [m.tables[0]], "expected input and output tables");
  bad((m) => m.counts = m.counts.map(() => -1), "the count of word 0");
  // The public API has it all.
  const api = await import("../src/mod.ts") as Record<string, unknown>;
  for (const name of ["encodeCheckpoint", "decodeCheckpoint", "saveCheckpoint", "loadCheckpoint"]) {
    assert(typeof api[name] === "function", `mod.ts exports ${name}`);
  }
  assert(api.TrainingInterrupted !== undefined && api.CHECKPOINT_KIND === "checkpoint");
});
