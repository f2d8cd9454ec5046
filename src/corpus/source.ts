// Where sentences come from. A Corpus can be read many times (once to count the
// vocabulary, then once per epoch unless the trainer caches the ids).
import { sentencesFromStream } from "./sentences.ts";

export interface Corpus {
  /** Names the corpus in messages (a file path, or a description). */
  readonly name: string;
  /** A fresh pass over the corpus, one sentence (array of tokens) at a time. */
  sentences(): AsyncIterable<string[]>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Decompresses the stream when it starts with the gzip magic, whatever its name. */
async function maybeGunzip(
  stream: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const first = await reader.read();
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(first.value);
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const head = first.value;
  const gzip = head !== undefined && head.length >= 2 && head[0] === GZIP_MAGIC[0] &&
    head[1] === GZIP_MAGIC[1];
  if (!gzip) return whole;
  return whole.pipeThrough(
    new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
  );
}

/** A corpus over bytes produced on demand (a fetch, a file, an in-memory buffer). */
export function streamCorpus(
  name: string,
  open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
): Corpus {
  return {
    name,
    async *sentences() {
      yield* sentencesFromStream(await maybeGunzip(await open()));
    },
  };
}

/** A corpus held in memory: text, or gzip-compressed bytes. */
export function memoryCorpus(name: string, content: string | Uint8Array): Corpus {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return streamCorpus(name, () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }));
}

/** A corpus read from a file (plain text or gzip), in Deno or Node. */
export function fileCorpus(path: string): Corpus {
  return streamCorpus(path, () => openFileStream(path));
}

async function openFileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  const deno = (globalThis as {
    Deno?: { open(p: string): Promise<{ readable: ReadableStream<Uint8Array> }> };
  }).Deno;
  try {
    if (deno) return (await deno.open(path)).readable;
    const fs = await import("node:fs");
    const { Readable } = await import("node:stream");
    await fs.promises.access(path);
    return Readable.toWeb(fs.createReadStream(path)) as ReadableStream<Uint8Array>;
  } catch (e) {
    throw new Error(`cannot read corpus ${path}: ${(e as Error).message}`);
  }
}
