/** Where in the input a problem was found: a 1-based line (text) or a byte offset (binary). */
export interface FormatErrorLocation {
  line?: number;
  offset?: number;
}

/**
 * Thrown by every decoder. The message always starts with the file name and,
 * when known, the line or byte offset, so a CLI can print it as is.
 */
export class FormatError extends Error {
  readonly source: string;
  readonly line?: number;
  readonly offset?: number;

  constructor(source: string, problem: string, where: FormatErrorLocation = {}) {
    let prefix = source;
    if (where.line !== undefined) prefix += `:${where.line}`;
    else if (where.offset !== undefined) prefix += ` (byte offset ${where.offset})`;
    super(`${prefix}: ${problem}`);
    this.name = "FormatError";
    this.source = source;
    this.line = where.line;
    this.offset = where.offset;
  }
}
