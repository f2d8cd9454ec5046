// Display names of items from a side file, e.g. MovieLens movies.csv (`movieId,title,genres`,
// titles with commas quoted): a CSV/TSV with an id column and a name column.
import { readFileBytes } from "../io/files.ts";
import { CsvError, CsvParser, type CsvRecord, decodeChunks, type DelimiterOption } from "./csv.ts";

export interface TitleOptions {
  delimiter?: DelimiterOption;
  /** Whether line 1 is a header; "auto" (default): it is when a column is given by name or
   *  its id field is a usual id column name (id, itemId, movieId, ...). */
  header?: boolean | "yes" | "no" | "auto";
  /** Column of the item id: header name or 0-based position (default 0). */
  id?: string | number;
  /** Column of the name: header name or 0-based position (default: a header name like
   *  title/name, else 1). */
  title?: string | number;
}

const ID_NAMES = [
  "id",
  "item",
  "itemid",
  "movieid",
  "productid",
  "asin",
  "articleid",
  "trackid",
  "bookid",
  "isbn",
];
const TITLE_NAMES = ["title", "name", "itemname", "productname", "displayname", "label"];
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_.-]/g, "");

/** Item id -> display name. */
export class Titles {
  constructor(readonly names: ReadonlyMap<string, string>) {}

  get size(): number {
    return this.names.size;
  }

  get(item: string): string | undefined {
    return this.names.get(item);
  }

  /** The name of `item`, or the id itself when it has none. */
  display(item: string): string {
    return this.names.get(item) ?? item;
  }

  /** The ids whose name contains `text` (case-insensitive), e.g. to find "Matrix". */
  search(text: string, limit = 10): { item: string; title: string }[] {
    const needle = text.toLowerCase();
    const out: { item: string; title: string }[] = [];
    for (const [item, title] of this.names) {
      if (title.toLowerCase().includes(needle)) {
        out.push({ item, title });
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

class TitleReader {
  readonly names = new Map<string, string>();
  #first = true;
  #id = 0;
  #title = 1;

  constructor(readonly source: string, readonly options: TitleOptions) {}

  add(records: CsvRecord[]): void {
    for (const r of records) {
      if (this.#first) {
        this.#first = false;
        if (this.#resolve(r)) continue;
      }
      const f = r.fields;
      const need = Math.max(this.#id, this.#title) + 1;
      if (f.length < need) {
        throw new CsvError(
          this.source,
          r.line,
          `the row has ${f.length} field${f.length === 1 ? "" : "s"}, the ${
            this.#id >= f.length ? "id" : "title"
          } is field ${(this.#id >= f.length ? this.#id : this.#title) + 1}`,
          f.length + 1,
        );
      }
      const id = f[this.#id].trim();
      if (id === "") throw new CsvError(this.source, r.line, "empty item id", this.#id + 1);
      if (!this.names.has(id)) this.names.set(id, f[this.#title].trim());
    }
  }

  #resolve(first: CsvRecord): boolean {
    const o = this.options;
    const fields = first.fields.map((f) => f.trim());
    const named = typeof o.id === "string" || typeof o.title === "string";
    let header = o.header === undefined || o.header === "auto"
      ? named || ID_NAMES.includes(norm(fields[typeof o.id === "number" ? o.id : 0] ?? ""))
      : o.header === true || o.header === "yes";
    if (!header && named) {
      throw new CsvError(this.source, first.line, "columns given by name need a header");
    }
    if (header) {
      const list = fields.map((f) => JSON.stringify(f)).join(", ");
      const find = (spec: string | number | undefined, names: string[], fallback: number) => {
        if (typeof spec === "number") return spec;
        if (spec === undefined) {
          const i = fields.findIndex((f) => names.includes(norm(f)));
          return i >= 0 ? i : fallback;
        }
        const i = fields.findIndex((f) => f.toLowerCase() === spec.trim().toLowerCase());
        if (i < 0) {
          throw new CsvError(
            this.source,
            first.line,
            `no column named ${JSON.stringify(spec)} in the header (columns: ${list})`,
          );
        }
        return i;
      };
      this.#id = find(o.id, ID_NAMES, 0);
      this.#title = find(o.title, TITLE_NAMES, 1);
      header = true;
    } else {
      this.#id = (o.id as number | undefined) ?? 0;
      this.#title = (o.title as number | undefined) ?? 1;
    }
    for (const [what, v] of [["id", this.#id], ["title", this.#title]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new RangeError(`${what} column must be a 0-based position or a name, got ${v}`);
      }
    }
    if (this.#id === this.#title) {
      throw new CsvError(this.source, first.line, "the id and the title are the same column");
    }
    return header;
  }
}

/** Titles from the text of a CSV/TSV file; the first name given to an id wins. */
export function parseTitles(text: string, options: TitleOptions = {}, source = "<memory>"): Titles {
  const parser = new CsvParser(source, options.delimiter ?? "auto");
  const reader = new TitleReader(source, options);
  reader.add(parser.push(text));
  reader.add(parser.finish());
  return new Titles(reader.names);
}

/** Reads a titles file (UTF-8, or gzip-compressed). */
export async function readTitles(path: string, options: TitleOptions = {}): Promise<Titles> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path);
  } catch (e) {
    throw new Error(`cannot read titles file ${path}: ${(e as Error).message}`);
  }
  const parser = new CsvParser(path, options.delimiter ?? "auto");
  const reader = new TitleReader(path, options);
  for await (const chunk of decodeChunks(bytes, path)) reader.add(parser.push(chunk));
  reader.add(parser.finish());
  return new Titles(reader.names);
}
