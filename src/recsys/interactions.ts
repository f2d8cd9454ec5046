// Interaction logs (user, item, timestamp, optional rating) from CSV or TSV files.
//
// Columns are named (header names) or given by 0-based position. Without explicit columns a
// header is searched for the usual names (userId, user_id, movieId, item, timestamp, rating,
// ...); without a header (or with a header of at most 3 unusual names) the user is field 1
// and the item field 2, and a third field is the timestamp when the rows have exactly 3
// fields. Values are trimmed. Timestamps are numbers
// (used as they are: seconds, or whatever unit the file uses) or ISO 8601 dates (converted to
// seconds since 1970; a date-time without an offset is read as UTC). Without a time column
// the file order is the time order.
//
// Duplicate rows are kept here (they are data): sessions.ts decides what repeats mean (by
// default consecutive repeats of an item in a session collapse to one).
import { readFileBytes } from "../io/files.ts";
import {
  CsvError,
  CsvParser,
  type CsvRecord,
  decodeChunks,
  delimiterName,
  type DelimiterOption,
} from "./csv.ts";

export { CsvError } from "./csv.ts";

/** One interaction. `time` is seconds for ISO dates, the file's number otherwise, and the
 *  line number when the file has no time column. */
export interface Interaction {
  user: string;
  item: string;
  time: number;
  /** Present when the file has a rating column. */
  rating?: number;
  /** 1-based line of the row in its file. */
  line: number;
}

/** A column: a header name, or a 0-based position. */
export type ColumnSpec = string | number;

export interface InteractionOptions {
  /** Field separator; "auto" (default) sniffs tab, comma, semicolon or pipe from line 1. */
  delimiter?: DelimiterOption;
  /** Whether line 1 is a header: true/"yes", false/"no", or "auto" (default; see
   *  `parseInteractions`). */
  header?: boolean | "yes" | "no" | "auto";
  /** Column of the user id (default: a header name like user/userId/user_id, else 0). */
  user?: ColumnSpec;
  /** Column of the item id (default: item/itemId/movieId/product_id/..., else 1). */
  item?: ColumnSpec;
  /** Column of the timestamp; null = none (file order). Default: timestamp/time/date/..., or
   *  position 2 for headerless rows of exactly 3 fields. */
  time?: ColumnSpec | null;
  /** Column of the rating; null = none. Default: rating/score/stars when the header has it. */
  rating?: ColumnSpec | null;
}

/** A resolved column: its 0-based position and how messages name it. */
export interface Column {
  index: number;
  name: string;
}

export interface InteractionTable {
  /** Names the file in messages. */
  source: string;
  rows: Interaction[];
  delimiter: string;
  /** The header fields, or null when the file has none. */
  header: string[] | null;
  columns: { user: Column; item: Column; time: Column | null; rating: Column | null };
}

const ALIASES = {
  user: [
    "user",
    "userid",
    "uid",
    "customer",
    "customerid",
    "visitor",
    "visitorid",
    "member",
    "memberid",
    "reviewer",
    "reviewerid",
  ],
  item: [
    "item",
    "itemid",
    "iid",
    "movie",
    "movieid",
    "product",
    "productid",
    "asin",
    "article",
    "articleid",
    "track",
    "trackid",
    "song",
    "songid",
    "book",
    "bookid",
    "isbn",
  ],
  time: ["timestamp", "time", "ts", "datetime", "date", "eventtime", "createdat", "unixtime"],
  rating: ["rating", "score", "stars", "bookrating", "preference"],
} as const;

type Role = keyof typeof ALIASES;

const normalise = (name: string) => name.trim().toLowerCase().replace(/[\s_.-]/g, "");

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Seconds of a timestamp field (a number, or an ISO 8601 date), or NaN. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  const m = ISO_DATE.exec(t);
  if (!m) return NaN;
  const [, date, clock, zone] = m;
  const [y, mo, d] = date.split("-").map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return NaN;
  if (clock === undefined) return Date.UTC(y, mo - 1, d) / 1000;
  let offset = "Z";
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offset = `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || "00"}`;
  }
  const ms = Date.parse(`${date}T${clock.replace(",", ".")}${offset}`);
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

function parseRating(text: string): number {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : NaN;
}

function headerFlag(h: InteractionOptions["header"]): boolean | "auto" {
  if (h === undefined || h === "auto") return "auto";
  if (h === true || h === "yes") return true;
  if (h === false || h === "no") return false;
  throw new RangeError(`header must be "auto", "yes" or "no", got ${JSON.stringify(h)}`);
}

function checkSpec(role: Role, spec: ColumnSpec | null | undefined): void {
  if (spec === undefined || spec === null || typeof spec === "string") {
    if (typeof spec === "string" && spec.trim() === "") {
      throw new RangeError(`${role} column: the name is empty`);
    }
    return;
  }
  if (typeof spec !== "number" || !Number.isSafeInteger(spec) || spec < 0) {
    throw new RangeError(
      `${role} column must be a header name or a 0-based position, got ${JSON.stringify(spec)}`,
    );
  }
}

/** Resolves the columns from the first record; decides whether it is a header. */
class Layout {
  header: string[] | null = null;
  user!: Column;
  item!: Column;
  time: Column | null = null;
  rating: Column | null = null;
  needed = 0;

  constructor(readonly source: string, readonly options: InteractionOptions) {
    for (const role of ["user", "item", "time", "rating"] as const) {
      checkSpec(role, options[role]);
    }
  }

  /** Sets the layout from the first record; true when that record is the header. */
  resolve(first: CsvRecord): boolean {
    const o = this.options;
    const fields = first.fields.map((f) => f.trim());
    const wanted = [o.user, o.item, o.time, o.rating];
    const named = wanted.some((s) => typeof s === "string");
    let header = headerFlag(o.header);
    if (header === false && named) {
      throw new CsvError(
        this.source,
        first.line,
        `columns are given by name (${
          wanted.filter((s) => typeof s === "string").map((s) => JSON.stringify(s)).join(", ")
        }) but the file is said to have no header; give 0-based positions instead`,
      );
    }
    if (header === "auto") header = named || this.#looksLikeHeader(fields);
    if (header) {
      this.header = fields;
      this.#fromHeader(fields, first.line);
    } else this.#fromPositions(fields.length, first.line);
    const cols = [this.user, this.item, this.time, this.rating].filter((c) => c !== null);
    this.needed = Math.max(...cols.map((c) => c.index)) + 1;
    return header;
  }

  #looksLikeHeader(fields: string[]): boolean {
    const all: readonly string[] = Object.values(ALIASES).flat();
    if (fields.some((f) => all.includes(normalise(f)))) return true;
    // A time or rating field that does not parse is a header name.
    const o = this.options;
    const at = (spec: ColumnSpec | null | undefined) =>
      typeof spec === "number" && spec < fields.length ? fields[spec] : undefined;
    const time = at(o.time === undefined ? (fields.length === 3 ? 2 : undefined) : o.time);
    if (time !== undefined && Number.isNaN(parseTimestamp(time))) return true;
    const rating = at(o.rating);
    return rating !== undefined && Number.isNaN(parseRating(rating));
  }

  #fromHeader(fields: string[], line: number): void {
    const o = this.options;
    const list = fields.map((f) => JSON.stringify(f)).join(", ");
    const find = (role: Role, spec: ColumnSpec | null | undefined, required: boolean) => {
      if (spec === null) return null;
      if (typeof spec === "number") {
        if (spec >= fields.length) {
          throw new CsvError(
            this.source,
            line,
            `${role} column ${spec} (0-based) is past the last of the header's ${fields.length} ` +
              `columns (${list})`,
          );
        }
        return { index: spec, name: fields[spec] || `column ${spec + 1}` };
      }
      if (typeof spec === "string") {
        let index = fields.indexOf(spec.trim());
        if (index < 0) {
          const lower = fields.map((f) => f.toLowerCase());
          index = lower.indexOf(spec.trim().toLowerCase());
        }
        if (index < 0) {
          throw new CsvError(
            this.source,
            line,
            `no column named ${JSON.stringify(spec)} for the ${role} in the header (columns: ` +
              `${list})`,
          );
        }
        return { index, name: fields[index] };
      }
      const aliases: readonly string[] = ALIASES[role];
      const index = fields.findIndex((f) => aliases.includes(normalise(f)));
      if (index >= 0) return { index, name: fields[index] };
      // Unusual names in a short header: the positions of a headerless file.
      const fallback = { user: 0, item: 1, time: 2, rating: -1 }[role];
      if (fields.length <= 3 && fallback >= 0 && fallback < fields.length) {
        const taken = Object.values(ALIASES).flat() as string[];
        if (!taken.includes(normalise(fields[fallback]))) {
          return { index: fallback, name: fields[fallback] || `column ${fallback + 1}` };
        }
      }
      if (required) {
        throw new CsvError(
          this.source,
          line,
          `no ${role} column found in the header (columns: ${list}); name it with the ` +
            `${role} option (--${role}-col)`,
        );
      }
      return null;
    };
    this.user = find("user", o.user, true)!;
    this.item = find("item", o.item, true)!;
    this.time = find("time", o.time, false);
    this.rating = find("rating", o.rating, false);
    const seen = new Map<number, string>();
    for (const role of ["user", "item", "time", "rating"] as const) {
      const c = this[role];
      if (c === null) continue;
      const other = seen.get(c.index);
      if (other !== undefined) {
        throw new CsvError(
          this.source,
          line,
          `the ${other} and the ${role} are both column ${JSON.stringify(c.name)}; give them ` +
            `different columns`,
        );
      }
      seen.set(c.index, role);
    }
  }

  #fromPositions(count: number, line: number): void {
    const o = this.options;
    const col = (spec: number) => ({ index: spec, name: `column ${spec + 1}` });
    this.user = col((o.user as number | undefined) ?? 0);
    this.item = col((o.item as number | undefined) ?? 1);
    if (o.time === undefined) {
      if (count === 3) this.time = col(2);
      else if (count > 3) {
        throw new CsvError(
          this.source,
          line,
          `the file has no header and ${count} fields per row: say which is the timestamp ` +
            `(time option, --time-col N, 0-based; null or --time-col none for file order) and ` +
            `which the rating, if any`,
        );
      }
    } else if (o.time !== null) this.time = col(o.time as number);
    if (o.rating !== undefined && o.rating !== null) this.rating = col(o.rating as number);
    if (this.user.index === this.item.index) {
      throw new CsvError(this.source, line, `the user and the item are both ${this.user.name}`);
    }
  }
}

/** Builds interactions from records as they come. */
class RowReader {
  readonly rows: Interaction[] = [];
  readonly layout: Layout;
  #first = true;

  constructor(readonly source: string, options: InteractionOptions) {
    this.layout = new Layout(source, options);
  }

  add(records: CsvRecord[]): void {
    for (const r of records) {
      if (this.#first) {
        this.#first = false;
        if (this.layout.resolve(r)) continue;
      }
      this.#row(r);
    }
  }

  #row(r: CsvRecord): void {
    const { user, item, time, rating, needed } = this.layout;
    const f = r.fields;
    if (f.length < needed) {
      const missing = [user, item, time, rating].filter((c) => c !== null && c.index >= f.length)
        .map((c) => `${JSON.stringify(c!.name)} (field ${c!.index + 1})`);
      throw new CsvError(
        this.source,
        r.line,
        `the row has ${f.length} field${f.length === 1 ? "" : "s"}; missing column ` +
          missing.join(", "),
        f.length + 1,
      );
    }
    const id = (c: Column, what: string) => {
      const v = f[c.index].trim();
      if (v === "") {
        throw new CsvError(
          this.source,
          r.line,
          `column ${JSON.stringify(c.name)} (field ${c.index + 1}): empty ${what} id`,
          c.index + 1,
        );
      }
      return v;
    };
    const row: Interaction = {
      user: id(user, "user"),
      item: id(item, "item"),
      time: r.line,
      line: r.line,
    };
    if (time !== null) {
      const raw = f[time.index];
      const t = parseTimestamp(raw);
      if (!Number.isFinite(t)) {
        throw new CsvError(
          this.source,
          r.line,
          `column ${JSON.stringify(time.name)} (field ${time.index + 1}): ` +
            `${JSON.stringify(raw)} is not a timestamp (a number, or an ISO 8601 date such as ` +
            `2024-05-31 or 2024-05-31T12:00:00Z)`,
          time.index + 1,
        );
      }
      row.time = t;
    }
    if (rating !== null) {
      const raw = f[rating.index];
      const v = parseRating(raw);
      if (!Number.isFinite(v)) {
        throw new CsvError(
          this.source,
          r.line,
          `column ${JSON.stringify(rating.name)} (field ${rating.index + 1}): ` +
            `${JSON.stringify(raw)} is not a rating (a number)`,
          rating.index + 1,
        );
      }
      row.rating = v;
    }
    this.rows.push(row);
  }

  table(delimiter: string): InteractionTable {
    const l = this.layout;
    if (this.#first) throw new Error(`${this.source}: the file is empty`);
    return {
      source: this.source,
      rows: this.rows,
      delimiter,
      header: l.header,
      columns: { user: l.user, item: l.item, time: l.time, rating: l.rating },
    };
  }
}

/**
 * Parses interactions from the text of a CSV/TSV file (`source` names it in errors).
 *
 * With `header: "auto"` line 1 is a header when a column is given by name, when one of its
 * fields is a usual column name (user, userId, item, movieId, timestamp, rating, ...), or when
 * its time (or rating) field does not parse as one. Errors are CsvError, naming the file,
 * line and column: a missing column, an empty id, a bad timestamp or rating, a quote never
 * closed.
 */
export function parseInteractions(
  text: string,
  options: InteractionOptions = {},
  source = "<memory>",
): InteractionTable {
  const parser = new CsvParser(source, options.delimiter ?? "auto");
  const reader = new RowReader(source, options);
  reader.add(parser.push(text));
  reader.add(parser.finish());
  return reader.table(parser.delimiter ?? ",");
}

/** parseInteractions over text arriving in chunks (for large files). */
export async function parseInteractionChunks(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: InteractionOptions = {},
  source = "<memory>",
): Promise<InteractionTable> {
  const parser = new CsvParser(source, options.delimiter ?? "auto");
  const reader = new RowReader(source, options);
  for await (const chunk of chunks) reader.add(parser.push(chunk));
  reader.add(parser.finish());
  return reader.table(parser.delimiter ?? ",");
}

/** Reads and parses an interactions file (UTF-8; gzip-compressed files are unpacked). */
export async function readInteractions(
  path: string,
  options: InteractionOptions = {},
): Promise<InteractionTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path);
  } catch (e) {
    throw new Error(`cannot read interactions file ${path}: ${(e as Error).message}`);
  }
  return await parseInteractionChunks(decodeChunks(bytes, path), options, path);
}

/** One line describing a table: "ratings.csv: 100,836 rows, comma-separated, header; user
 *  "userId", item "movieId", time "timestamp", rating "rating"". */
export function describeTable(t: InteractionTable): string {
  const c = t.columns;
  const parts = [`user ${JSON.stringify(c.user.name)}`, `item ${JSON.stringify(c.item.name)}`];
  parts.push(c.time ? `time ${JSON.stringify(c.time.name)}` : "no time column (file order)");
  if (c.rating) parts.push(`rating ${JSON.stringify(c.rating.name)}`);
  return `${t.source}: ${t.rows.length} rows, ${delimiterName(t.delimiter)}-separated, ` +
    `${t.header ? "header" : "no header"}; ${parts.join(", ")}`;
}
