// Random corpora that exercise the tokenizer: every kind of whitespace it splits
// on, look-alikes it must not split on, CRLF, a BOM and lines of many lengths.
import { mulberry32 } from "../../src/random.ts";

/** Whitespace of every kind the tokenizer splits on, and look-alikes it must not. */
const SPACES = [" ", "\t", "\r", "\v", "\f", "\u0000", "\u00a0", "\u2003", "\u3000", "\ufeff"];
const NOT_SPACES = ["\u0085", "\u200b", "é", "ß", "😀", "\ud800", "a\u0301"];

/** `lines` lines; `longLine` adds one line of that many tokens (default none). */
export function randomText(seed: number, lines: number, longLine = 0): string {
  const rand = mulberry32(seed);
  const word = () => {
    if (rand() < 0.05) return NOT_SPACES[Math.floor(rand() * NOT_SPACES.length)];
    return `w${Math.floor(rand() * rand() * 300)}`;
  };
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    // Mostly short lines; a few of 60-99 tokens (longer than a short sentence limit).
    const length = rand() < 0.03 ? 60 + Math.floor(rand() * 40) : Math.floor(rand() * 12);
    let line = rand() < 0.2 ? SPACES[Math.floor(rand() * SPACES.length)] : "";
    for (let t = 0; t < length; t++) {
      line += word();
      const gap = rand() < 0.15 ? SPACES[Math.floor(rand() * SPACES.length)] : " ";
      line += rand() < 0.1 ? gap + gap : gap;
    }
    out.push(line);
  }
  if (longLine > 0) out.push(Array.from({ length: longLine }, word).join(" "));
  return "\ufeff" + out.join(rand() < 0.5 ? "\n" : "\r\n");
}
