// Where sentences come from. A Corpus can be read many times (once to count the
// vocabulary, then once per epoch unless the trainer caches the ids).
import { importNode } from "../runtime/node.ts";
import { FormatError } from "../formats/errors.ts";
import { type InvalidUtf8, type LinePiece, readLines, type ReadReport } from "./lines.ts";
import { sentencesOf } from "./sentences.ts";
import { scanTokens, type TokenSink } from "./byte_tokens.ts";
import { fileSize } from "../io/files.ts";

export interface Corpus {
  /** Names the corpus in messages (a file path, or a description). */
  readonly name: string;
  /** A fresh pass over the corpus, one sentence (array of tokens) at a time. */
  sentences(): AsyncIterable<string[]>;
  /** Optional: the same pass as the pieces of lines that `sentences()` tokenizes
   *  (src/corpus/lines.ts), so that counting and encoding can tokenize in place
   *  (src/word_table.ts). A corpus without it is read through `sentences()`. */
  pieces?(): AsyncIterable<LinePiece>;
  /** Optional: the corpus's size in bytes, if known without reading it (a plain
   *  file's or buffer's; a gzip file's compressed size). Only a hint: the counter
   *  sizes its recording of the corpus from it (src/vocab.ts). */
  byteLength?(): Promise<number | undefined>;
  /** Optional: the same pass as UTF-8 tokens and line ends handed to `sink`
   *  (src/corpus/byte_tokens.ts), for the vocabulary count: no text is decoded. */
  scanTokens?(sink: TokenSink): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** How a corpus reads its bytes; see src/corpus/lines.ts. */
export interface CorpusOptions {
  /** Invalid UTF-8: "replace" (default) reads each bad sequence as U+FFFD and counts it in
   *  the report; "error" stops at the first with a FormatError giving its byte offset. */
  invalidUtf8?: InvalidUtf8;
  /** Called at the end of every complete pass over the corpus with what it met (invalid
   *  UTF-8 replaced, runs without whitespace dropped). */
  onReport?: (report: ReadReport) => void;
}

/** Bytes read so far from the underlying stream (compressed bytes for gzip). */
interface ReadCount {
  bytes: number;
  gzip: boolean;
}

/** Decompresses the stream when it starts with the gzip magic, whatever its name. */
async function maybeGunzip(
  stream: ReadableStream<Uint8Array>,
  count: ReadCount,
): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const first = await reader.read();
  if (!first.done) count.bytes += first.value.length;
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(first.value);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else {
        count.bytes += value.length;
        controller.enqueue(value);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const head = first.value;
  count.gzip = head !== undefined && head.length >= 2 && head[0] === GZIP_MAGIC[0] &&
    head[1] === GZIP_MAGIC[1];
  if (!count.gzip) return whole;
  return whole.pipeThrough(
    new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
  );
}

/**
 * A corpus over bytes produced on demand (a fetch, a file, an in-memory buffer). A stream
 * that fails part way (a file that becomes unreadable, a corrupt or truncated gzip) stops
 * the pass with an Error naming the corpus and how far it got; invalid UTF-8 is a
 * FormatError when `options.invalidUtf8` is "error".
 */
export function streamCorpus(
  name: string,
  open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
  options: CorpusOptions = {},
  byteLength?: () => Promise<number | undefined>,
): Corpus {
  /** One pass: the (decompressed) stream, and what has been read of it so far. */
  async function openPass(): Promise<{ input: ReadableStream<Uint8Array>; count: ReadCount }> {
    try {
      return { input: await open(), count: { bytes: 0, gzip: false } };
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (message.startsWith("cannot read corpus")) throw e;
      throw new Error(`cannot read corpus ${name}: ${message}`, { cause: e });
    }
  }
  /** Names the corpus, and how far the pass got, in a failure to read it. */
  function passError(e: unknown, count: ReadCount): unknown {
    if (e instanceof FormatError) return e;
    const message = (e as Error)?.message ?? String(e);
    return new Error(
      `cannot read corpus ${name}: ` +
        (count.gzip
          ? `the gzip data is corrupt or cut short (after ${count.bytes} compressed bytes)`
          : `reading failed after ${count.bytes} bytes`) +
        `: ${message}`,
      { cause: e },
    );
  }
  const lineOptions = (count: ReadCount) => ({
    source: count.gzip ? `${name} (decompressed)` : name,
    invalidUtf8: options.invalidUtf8,
    onReport: options.onReport,
  });
  async function* pieces(): AsyncGenerator<LinePiece> {
    const { input, count } = await openPass();
    try {
      const stream = await maybeGunzip(input, count);
      yield* readLines(stream, lineOptions(count));
    } catch (e) {
      throw passError(e, count);
    }
  }
  async function scan(sink: TokenSink): Promise<void> {
    const { input, count } = await openPass();
    try {
      const stream = await maybeGunzip(input, count);
      await scanTokens(stream, sink, lineOptions(count));
    } catch (e) {
      throw passError(e, count);
    }
  }
  return { name, pieces, scanTokens: scan, sentences: () => sentencesOf(pieces()), byteLength };
}

/** Bytes in memory handed on in slices, as a file would be (no copy). */
const MEMORY_SLICE = 1 << 20;

/** A corpus held in memory: text, or gzip-compressed bytes. */
export function memoryCorpus(
  name: string,
  content: string | Uint8Array,
  options: CorpusOptions = {},
): Corpus {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const open = () => {
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) controller.close();
        else {
          controller.enqueue(bytes.subarray(at, at + MEMORY_SLICE));
          at += MEMORY_SLICE;
        }
      },
    }, { highWaterMark: 0 });
  };
  return streamCorpus(name, open, options, () => Promise.resolve(bytes.length));
}

/** A corpus read from a file (plain text or gzip), in Deno or Node. */
export function fileCorpus(path: string, options: CorpusOptions = {}): Corpus {
  return streamCorpus(path, () => openFileStream(path), options, () => fileSize(path));
}

async function openFileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  const deno = (globalThis as {
    Deno?: { open(p: string): Promise<{ readable: ReadableStream<Uint8Array> }> };
  }).Deno;
  try {
    if (deno) return (await deno.open(path)).readable;
    const fs = await importNode<typeof import("node:fs")>("node:fs");
    const { Readable } = await importNode<typeof import("node:stream")>("node:stream");
    await fs.promises.access(path);
    return Readable.toWeb(fs.createReadStream(path)) as ReadableStream<Uint8Array>;
  } catch (e) {
    throw new Error(`cannot read corpus ${path}: ${(e as Error).message}`);
  }
}
