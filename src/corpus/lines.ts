// Bytes -> lines, streaming, in bounded memory. Decoding is UTF-8 with the
// replacement character for invalid bytes (documented in the README) and a leading
// BOM dropped. A "line" with no newline for MAX_PENDING characters is cut at its
// last whitespace and handed on in pieces flagged as continuations, so one
// enormous line never has to fit in memory.

const MAX_PENDING = 1 << 20;

export interface LinePiece {
  text: string;
  /** True when this piece continues the previous one (the same physical line). */
  continued: boolean;
}

export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<LinePiece> {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let continued = false;
  for await (const bytes of stream) {
    pending += decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n", start)) {
      yield { text: pending.slice(start, nl), continued };
      continued = false;
      start = nl + 1;
    }
    pending = start > 0 ? pending.slice(start) : pending;
    if (pending.length > MAX_PENDING) {
      const cut = lastWhitespace(pending);
      if (cut > 0) {
        yield { text: pending.slice(0, cut), continued };
        continued = true;
        pending = pending.slice(cut);
      }
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) yield { text: pending, continued };
}

function lastWhitespace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) return i;
  }
  return -1;
}
