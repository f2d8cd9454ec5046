// A small streaming CSV/TSV reader (RFC 4180 quoting): fields may be quoted with `"`, a quote
// inside a quoted field is written `""`, and a quoted field may hold delimiters and line
// breaks. Lines end with LF, CRLF or a lone CR; a UTF-8 BOM at the start is skipped; blank
// lines are skipped. A quote inside an unquoted field is kept as a literal character (TSV
// files often hold inch marks and the like unquoted). Text arrives in chunks of any size.

/** A syntax or content problem in a delimited file, named by file, line and column. */
export class CsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    problem: string,
    /** 1-based field number, when the problem is in one field. */
    readonly column?: number,
  ) {
    super(`${source}:${line}: ${problem}`);
    this.name = "CsvError";
  }
}

/** One record: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export type DelimiterOption = "auto" | "," | "\t" | ";" | "|";

const CANDIDATES = ["\t", ",", ";", "|"];

/** The delimiter of a file from its first line: the candidate that occurs most often outside
 *  quotes (tab, comma, semicolon, pipe; a comma when there is none). */
export function sniffDelimiter(firstLine: string): string {
  let best = ",";
  let bestCount = 0;
  for (const d of CANDIDATES) {
    let count = 0;
    let quoted = false;
    for (const c of firstLine) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** A readable name for a delimiter in messages. */
export function delimiterName(d: string): string {
  return d === "\t" ? "tab" : d === "," ? "comma" : d === ";" ? "semicolon" : JSON.stringify(d);
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: the end of the field, or the first of `""`. */
  QuoteInQuoted,
}

/**
 * Incremental parser: `push` text, get the records completed so far; `finish` flushes the
 * last one. The delimiter is fixed up front, or sniffed from the first line ("auto").
 */
export class CsvParser {
  #delimiter: number;
  #state = State.FieldStart;
  #field = "";
  #fields: string[] = [];
  #line = 1;
  #recordLine = 1;
  #quoteLine = 1;
  #quotedInRecord = false;
  #afterCR = false;
  #started = false;
  #pending = ""; // text held back while sniffing the delimiter

  constructor(readonly source: string, delimiter: DelimiterOption | string = "auto") {
    if (delimiter !== "auto" && (delimiter.length !== 1 || /["\r\n]/.test(delimiter))) {
      throw new RangeError(
        `delimiter must be one character other than a quote or line break, got ` +
          JSON.stringify(delimiter),
      );
    }
    this.#delimiter = delimiter === "auto" ? -1 : delimiter.charCodeAt(0);
  }

  /** The delimiter in use (undefined until sniffed). */
  get delimiter(): string | undefined {
    return this.#delimiter < 0 ? undefined : String.fromCharCode(this.#delimiter);
  }

  push(text: string): CsvRecord[] {
    if (!this.#started) {
      this.#pending += text;
      if (this.#pending.length > 0 && this.#pending.charCodeAt(0) === 0xfeff) {
        this.#pending = this.#pending.slice(1);
      }
      if (this.#delimiter < 0) {
        const nl = this.#pending.search(/[\r\n]/);
        if (nl < 0 && this.#pending.length < 1 << 20) return [];
        this.#delimiter = sniffDelimiter(nl < 0 ? this.#pending : this.#pending.slice(0, nl))
          .charCodeAt(0);
      }
      if (this.#pending.length === 0) return [];
      this.#started = true;
      text = this.#pending;
      this.#pending = "";
    }
    const out: CsvRecord[] = [];
    this.#scan(text, out);
    return out;
  }

  finish(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (!this.#started) {
      if (this.#delimiter < 0) this.#delimiter = sniffDelimiter(this.#pending).charCodeAt(0);
      this.#started = true;
      const rest = this.#pending;
      this.#pending = "";
      this.#scan(rest, out);
    }
    if (this.#state === State.Quoted) {
      throw new CsvError(
        this.source,
        this.#quoteLine,
        `a quoted field (field ${this.#fields.length + 1}) is never closed: the file ends ` +
          `inside it`,
        this.#fields.length + 1,
      );
    }
    if (this.#state !== State.FieldStart || this.#fields.length > 0) this.#endRecord(out);
    return out;
  }

  #scan(text: string, out: CsvRecord[]): void {
    const delim = this.#delimiter;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#afterCR) {
        this.#afterCR = false;
        if (c === LF) {
          i++;
          continue; // the LF of a CRLF already counted
        }
      }
      switch (this.#state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.#state = State.Quoted;
            this.#quoteLine = this.#line;
            this.#quotedInRecord = true;
            i++;
            continue;
          }
          this.#state = State.Unquoted;
          continue; // re-read c as part of an unquoted field
        case State.Unquoted: {
          // Take the run of plain characters in one slice.
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === delim || d === LF || d === CR) break;
            j++;
          }
          this.#field += text.slice(i, j);
          i = j;
          if (i < n) i = this.#separator(text.charCodeAt(i), i, out);
          continue;
        }
        case State.Quoted: {
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE) break;
            if (d === LF || (d === CR && text.charCodeAt(j + 1) !== LF)) this.#line++;
            j++;
          }
          this.#field += text.slice(i, j);
          i = j;
          if (i < n) {
            this.#state = State.QuoteInQuoted;
            i++;
          }
          continue;
        }
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.#field += '"';
            this.#state = State.Quoted;
            i++;
            continue;
          }
          if (c === delim || c === LF || c === CR) {
            i = this.#separator(c, i, out);
            continue;
          }
          throw new CsvError(
            this.source,
            this.#line,
            `field ${this.#fields.length + 1}: unexpected ${JSON.stringify(text[i])} after the ` +
              `closing quote of a quoted field (a quote inside a quoted field is written "")`,
            this.#fields.length + 1,
          );
      }
    }
  }

  /** Handles a delimiter or line break at text[i]; returns the next index. */
  #separator(c: number, i: number, out: CsvRecord[]): number {
    this.#fields.push(this.#field);
    this.#field = "";
    this.#state = State.FieldStart;
    if (c === this.#delimiter) return i + 1;
    // A line break: a CR may be followed by an LF in the next chunk.
    if (c === CR) this.#afterCR = true;
    this.#endRecordFields(out);
    this.#line++;
    this.#recordLine = this.#line;
    return i + 1;
  }

  #endRecord(out: CsvRecord[]): void {
    this.#fields.push(this.#field);
    this.#field = "";
    this.#state = State.FieldStart;
    this.#endRecordFields(out);
  }

  #endRecordFields(out: CsvRecord[]): void {
    const fields = this.#fields;
    this.#fields = [];
    const quoted = this.#quotedInRecord;
    this.#quotedInRecord = false;
    // A blank line is one empty unquoted field: skip it.
    if (fields.length === 1 && fields[0] === "" && !quoted) return;
    out.push({ fields, line: this.#recordLine });
  }
}

/** All records of `text` (convenience over CsvParser). */
export function parseCsv(
  text: string,
  source = "<memory>",
  delimiter: DelimiterOption | string = "auto",
): { records: CsvRecord[]; delimiter: string } {
  const parser = new CsvParser(source, delimiter);
  const records = parser.push(text);
  records.push(...parser.finish());
  return { records, delimiter: parser.delimiter ?? "," };
}

const GZIP = [0x1f, 0x8b];

/** Text chunks of bytes (UTF-8, gzip-compressed when they start with the gzip magic). */
export async function* decodeChunks(
  bytes: Uint8Array,
  source: string,
  chunkBytes = 1 << 20,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decode = (b: Uint8Array, stream: boolean) => {
    try {
      return decoder.decode(b, { stream });
    } catch {
      throw new Error(`${source}: not UTF-8 text`);
    }
  };
  if (bytes.length >= 2 && bytes[0] === GZIP[0] && bytes[1] === GZIP[1]) {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }).pipeThrough(new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>);
    for await (const chunk of stream) yield decode(chunk, true);
    yield decode(new Uint8Array(0), false);
    return;
  }
  for (let off = 0; off < bytes.length; off += chunkBytes) {
    yield decode(bytes.subarray(off, off + chunkBytes), true);
  }
  yield decode(new Uint8Array(0), false);
}
