// word2vec.c binary format (.bin): ASCII `V dim\n`, then per row the UTF-8 word, a space,
// dim little-endian float32 and (word2vec.c) a newline, which gensim omits.
import { FormatError } from "./errors.ts";
import { checkVectorTable, type VectorTable } from "./table.ts";
import {
  checkClaimedSize,
  checkFiniteValues,
  checkWord2VecWords,
  isAsciiSpace,
  LITTLE_ENDIAN_HOST,
  parseWord2VecHeader,
} from "./word2vec_common.ts";

/** Writes word2vec.c's layout, newline after each row included. */
export function encodeWord2VecBinary(t: VectorTable): Uint8Array {
  checkVectorTable(t);
  checkWord2VecWords(t.words, "word2vec binary");
  checkFiniteValues(t.data, t.words, t.dim);
  const enc = new TextEncoder();
  const header = enc.encode(`${t.words.length} ${t.dim}\n`);
  const wordBytes = t.words.map((w) => enc.encode(w));
  const rowFloatBytes = t.dim * 4;
  let total = header.length;
  for (const w of wordBytes) total += w.length + 2 + rowFloatBytes;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  let pos = header.length;
  for (let i = 0; i < wordBytes.length; i++) {
    out.set(wordBytes[i], pos);
    pos += wordBytes[i].length;
    out[pos++] = 0x20;
    const row = t.data.subarray(i * t.dim, (i + 1) * t.dim);
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(row.buffer, row.byteOffset, rowFloatBytes), pos);
    } else {
      for (let j = 0; j < t.dim; j++) view.setFloat32(pos + 4 * j, row[j], true);
    }
    pos += rowFloatBytes;
    out[pos++] = 0x0a;
  }
  return out;
}

/**
 * Decodes a word2vec binary file, with or without the newline after each row (like gensim,
 * newlines before a word are skipped). Errors carry the byte offset of the problem.
 */
export function decodeWord2VecBinary(bytes: Uint8Array, source = "<memory>"): VectorTable {
  const header = parseWord2VecHeader(bytes, 0, source, { offset: 0 });
  const { vocabSize, dim } = header;
  const rowFloatBytes = dim * 4;
  // A row is at least a 1-byte word, a space and the floats.
  checkClaimedSize(header, rowFloatBytes + 2, bytes.length - header.end, source, { offset: 0 });

  const words = new Array<string>(vocabSize);
  const data = new Float32Array(vocabSize * dim);
  const dataBytes = new Uint8Array(data.buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const firstOffset = new Map<string, number>();
  const dec = new TextDecoder("utf-8", { fatal: true });
  let pos = header.end;
  for (let row = 0; row < vocabSize; row++) {
    while (pos < bytes.length && bytes[pos] === 0x0a) pos++;
    const wordStart = pos;
    const space = bytes.indexOf(0x20, pos);
    if (space === -1) {
      throw new FormatError(
        source,
        `truncated: file ends in row ${row + 1} of ${vocabSize} (no space after the word)`,
        { offset: pos },
      );
    }
    if (space === pos) {
      throw new FormatError(source, `row ${row + 1}: empty word`, { offset: pos });
    }
    let word: string;
    try {
      word = dec.decode(bytes.subarray(pos, space));
    } catch {
      throw new FormatError(
        source,
        `row ${row + 1}: word is not valid UTF-8 (wrong dim in the header, or not a ` +
          `word2vec binary file?)`,
        { offset: pos },
      );
    }
    pos = space + 1;
    if (bytes.length - pos < rowFloatBytes) {
      throw new FormatError(
        source,
        `truncated: row ${row + 1} of ${vocabSize} (word ${JSON.stringify(word)}) needs ` +
          `${rowFloatBytes} bytes of floats but only ${bytes.length - pos} remain`,
        { offset: pos },
      );
    }
    const base = row * dim;
    if (LITTLE_ENDIAN_HOST) {
      dataBytes.set(bytes.subarray(pos, pos + rowFloatBytes), base * 4);
    } else {
      for (let j = 0; j < dim; j++) data[base + j] = view.getFloat32(pos + 4 * j, true);
    }
    for (let j = 0; j < dim; j++) {
      if (!Number.isFinite(data[base + j])) {
        throw new FormatError(
          source,
          `value ${j + 1} of word ${JSON.stringify(word)} is not finite (${data[base + j]})`,
          { offset: pos + 4 * j },
        );
      }
    }
    pos += rowFloatBytes;
    const prev = firstOffset.get(word);
    if (prev !== undefined) {
      throw new FormatError(
        source,
        `duplicate word ${JSON.stringify(word)} (first at byte offset ${prev})`,
        { offset: wordStart },
      );
    }
    firstOffset.set(word, wordStart);
    words[row] = word;
  }
  for (let i = pos; i < bytes.length; i++) {
    if (!isAsciiSpace(bytes[i])) {
      throw new FormatError(
        source,
        `unexpected data after the ${vocabSize} rows the header promises (more rows than ` +
          `the header says?)`,
        { offset: i },
      );
    }
  }
  return { words, dim, data };
}
