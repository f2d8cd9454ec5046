// Lines -> sentences of tokens. Tokens are separated by whitespace (as word2vec,
// gensim's LineSentence and fastText do). A line longer than maxTokens is split
// into consecutive sentences of at most maxTokens, never truncated.
import type { LinePiece } from "./lines.ts";

export const MAX_SENTENCE_TOKENS = 10000;

// NUL bytes (binary garbage, UTF-16 read as UTF-8) separate tokens like whitespace.
// deno-lint-ignore no-control-regex
const WHITESPACE = /[\s\u0000]+/u;

export function tokenize(line: string): string[] {
  const tokens = line.split(WHITESPACE);
  // split() leaves empty strings at the ends when the line starts/ends with space.
  if (tokens.length > 0 && tokens[0] === "") tokens.shift();
  if (tokens.length > 0 && tokens[tokens.length - 1] === "") tokens.pop();
  return tokens;
}

export async function* sentencesOf(
  pieces: AsyncIterable<LinePiece>,
  maxTokens = MAX_SENTENCE_TOKENS,
): AsyncGenerator<string[]> {
  let current: string[] = [];
  for await (const piece of pieces) {
    if (!piece.continued && current.length > 0) {
      yield current;
      current = [];
    }
    for (const token of tokenize(piece.text)) {
      current.push(token);
      if (current.length === maxTokens) {
        yield current;
        current = [];
      }
    }
  }
  if (current.length > 0) yield current;
}
