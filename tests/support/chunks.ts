// Bytes handed to a reader in chunks, as a file or a network stream would: the
// readers must give the same result however the bytes are cut.

/** A stream of `chunks`, one per pull. */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  });
}

/** `bytes` cut at the `cuts` (each taken modulo its length + 1). */
export function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((s, i, all) => bytes.slice(s, all[i + 1] ?? bytes.length));
}
