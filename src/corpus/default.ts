// The built-in corpus: public domain English text (US inaugural and State of the Union
// addresses, Genesis in the King James Version and the World English Bible, 8 Shakespeare
// plays), 747,975 words, shipped gzip-compressed as data/public-domain.txt.gz (see
// data/make_default_corpus.sh).
// Lets `deno task train` and examples run with no data of one's own.
import { readFileUrl } from "../runtime/node.ts";
import { type Corpus, memoryCorpus } from "./source.ts";

/**
 * Where the built-in corpus lives, relative to this module (src/corpus -> data/). A function,
 * not a constant: bundles for Workers may have no usable import.meta.url at import time.
 */
export function defaultCorpusUrl(): URL {
  return new URL("../../data/public-domain.txt.gz", import.meta.url);
}

/** How messages name the built-in corpus. */
export const DEFAULT_CORPUS_NAME = "data/public-domain.txt.gz";

let cached: Promise<Uint8Array> | undefined;

async function readBytes(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") return await readFileUrl(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The built-in corpus, read once (1.3 MB compressed) and kept in memory. In Deno and Node
 * it is read from the file next to this module; elsewhere it is fetched from that URL.
 */
export function defaultCorpus(): Promise<Corpus> {
  cached ??= Promise.resolve().then(defaultCorpusUrl).then(async (url) => {
    try {
      return await readBytes(url);
    } catch (e) {
      throw new Error(`cannot read the built-in corpus ${url.href}: ${(e as Error).message}`);
    }
  }).catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached.then((bytes) => memoryCorpus(DEFAULT_CORPUS_NAME, bytes));
}
