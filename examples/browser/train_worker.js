// Trains a model off the main thread (a module Web Worker), posting progress as it goes, and
// hands the vectors back when done. With threads > 1 (a cross-origin isolated page), the
// library spawns its own training threads from here.
import { defaultCorpus, memoryCorpus, train } from "../../dist/negsamp.js";

/** Pasted text the way the built-in corpus is prepared: lowercase, punctuation as spaces,
 *  one sentence per line. */
function normalize(text) {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/\r?\n|(?<=[.!?;])\s+/)
    .map((line) => line.replace(/[^\p{L}\p{N}]+/gu, " ").trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

self.onmessage = async (event) => {
  const { text, builtin, settings } = event.data;
  try {
    const corpus = builtin ? await defaultCorpus() : memoryCorpus("pasted text", normalize(text));
    const trained = await train(corpus, settings, {
      progressIntervalMs: 150,
      onVocab: (vocab, stats) =>
        self.postMessage({ type: "vocab", words: vocab.size, tokens: stats.tokens }),
      onProgress: (p) => self.postMessage({ type: "progress", ...p }),
      onNotice: (message) => self.postMessage({ type: "notice", message }),
    });
    const data = trained.input;
    self.postMessage(
      {
        type: "done",
        words: trained.vocab.words,
        dim: trained.config.dim,
        data,
        stats: trained.stats,
        corpus: corpus.name,
      },
      [data.buffer],
    );
  } catch (e) {
    self.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
  }
};
