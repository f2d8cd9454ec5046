// Interactions -> sessions: each user's items in time order (a stable sort: rows with the
// same timestamp keep their file order), optionally only those rated at least `minRating`,
// optionally split where the time between two consecutive interactions exceeds `sessionGap`.
// A session is what item2vec trains on: a "sentence" of item ids.
import type { Corpus } from "../corpus/source.ts";
import { MAX_SENTENCE_TOKENS, tokenize } from "../corpus/sentences.ts";
import type { Interaction } from "./interactions.ts";

/**
 * What to do with an item repeated within a session:
 * - "consecutive" (default): a run of the same item collapses to its first interaction (a
 *   duplicate row, a double click); the item may come back later in the session.
 * - "all": only the first interaction with each item in a session is kept.
 * - "none": every row is kept.
 */
export type DedupeMode = "none" | "consecutive" | "all";

export interface SessionOptions {
  /** Keep only interactions rated at least this (needs a rating column). */
  minRating?: number;
  /** Start a new session when consecutive interactions of a user are more than this apart
   *  (in the file's time unit: seconds for ISO dates and Unix timestamps). Default: none. */
  sessionGap?: number;
  dedupe?: DedupeMode;
  /** Drop sessions with fewer items than this (after dedupe); default 1. */
  minLength?: number;
}

export interface Session {
  user: string;
  items: string[];
  times: number[];
}

export interface SessionStats {
  /** Rows given. */
  rows: number;
  /** Rows dropped by minRating. */
  belowRating: number;
  /** Rows dropped as repeats (see DedupeMode). */
  repeats: number;
  /** Sessions dropped as shorter than minLength. */
  short: number;
  users: number;
  sessions: number;
  /** Items in the sessions kept. */
  interactions: number;
  /** Distinct items in the sessions kept. */
  items: number;
}

function checkOptions(o: SessionOptions): Required<Omit<SessionOptions, "minRating">> & {
  minRating: number | undefined;
} {
  const dedupe = o.dedupe ?? "consecutive";
  if (!["none", "consecutive", "all"].includes(dedupe)) {
    throw new RangeError(
      `dedupe must be "none", "consecutive" or "all", got ${JSON.stringify(dedupe)}`,
    );
  }
  const gap = o.sessionGap ?? Infinity;
  if (typeof gap !== "number" || Number.isNaN(gap) || gap <= 0) {
    throw new RangeError(`sessionGap must be a positive number of seconds, got ${gap}`);
  }
  const minLength = o.minLength ?? 1;
  if (!Number.isSafeInteger(minLength) || minLength < 1) {
    throw new RangeError(`minLength must be a whole number >= 1, got ${minLength}`);
  }
  if (o.minRating !== undefined && !Number.isFinite(o.minRating)) {
    throw new RangeError(`minRating must be a number, got ${o.minRating}`);
  }
  return { dedupe, sessionGap: gap, minLength, minRating: o.minRating };
}

/** Rows grouped by user (users in order of first appearance), each in time order. */
export function groupByUser(rows: readonly Interaction[]): Map<string, Interaction[]> {
  const byUser = new Map<string, Interaction[]>();
  for (const r of rows) {
    const list = byUser.get(r.user);
    if (list) list.push(r);
    else byUser.set(r.user, [r]);
  }
  for (const list of byUser.values()) {
    // Array.prototype.sort is stable: equal times keep the file order.
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1].time <= list[i].time;
    if (!sorted) list.sort((a, b) => a.time - b.time);
  }
  return byUser;
}

/** Sessions of `rows` (see SessionOptions), users in order of first appearance. */
export function buildSessions(
  rows: readonly Interaction[],
  options: SessionOptions = {},
): { sessions: Session[]; stats: SessionStats } {
  const o = checkOptions(options);
  const stats: SessionStats = {
    rows: rows.length,
    belowRating: 0,
    repeats: 0,
    short: 0,
    users: 0,
    sessions: 0,
    interactions: 0,
    items: 0,
  };
  let kept = rows;
  if (o.minRating !== undefined) {
    const min = o.minRating;
    kept = rows.filter((r) => {
      if (r.rating === undefined) {
        throw new Error(
          `line ${r.line}: minRating ${min} needs a rating column, and this row has no rating`,
        );
      }
      return r.rating >= min;
    });
    stats.belowRating = rows.length - kept.length;
  }
  const sessions: Session[] = [];
  const users = new Set<string>();
  const items = new Set<string>();
  for (const [user, list] of groupByUser(kept)) {
    let current: Interaction[] = [];
    const flush = () => {
      if (current.length === 0) return;
      const s = dedupeSession(user, current, o.dedupe);
      stats.repeats += current.length - s.items.length;
      current = [];
      if (s.items.length < o.minLength) {
        stats.short++;
        return;
      }
      sessions.push(s);
      users.add(user);
      stats.interactions += s.items.length;
      for (const item of s.items) items.add(item);
    };
    for (const r of list) {
      if (current.length > 0 && r.time - current[current.length - 1].time > o.sessionGap) flush();
      current.push(r);
    }
    flush();
  }
  stats.users = users.size;
  stats.sessions = sessions.length;
  stats.items = items.size;
  return { sessions, stats };
}

function dedupeSession(user: string, list: Interaction[], mode: DedupeMode): Session {
  const items: string[] = [];
  const times: number[] = [];
  const seen = mode === "all" ? new Set<string>() : undefined;
  for (const r of list) {
    if (mode === "consecutive" && items.length > 0 && items[items.length - 1] === r.item) continue;
    if (seen) {
      if (seen.has(r.item)) continue;
      seen.add(r.item);
    }
    items.push(r.item);
    times.push(r.time);
  }
  return { user, items, times };
}

/**
 * Each user's whole history in time order (no session split), after minRating and dedupe:
 * the input of the leave-last-out evaluation. Users in order of first appearance.
 */
export function userHistories(
  rows: readonly Interaction[],
  options: Omit<SessionOptions, "sessionGap"> = {},
): Map<string, string[]> {
  const { sessions } = buildSessions(rows, { ...options, sessionGap: undefined });
  return new Map(sessions.map((s) => [s.user, s.items]));
}

/**
 * A Corpus over sessions (lists of item ids, or Session objects) for `train`: one session per
 * sentence, so item ids may contain spaces. A session longer than MAX_SENTENCE_TOKENS is cut
 * into consecutive pieces (the trainer's limit for one sentence).
 */
export function sessionCorpus(
  sessions: Iterable<readonly string[] | Session>,
  name = "sessions",
): Corpus {
  return {
    name,
    async *sentences() {
      for (const s of sessions) {
        const items = "items" in s ? s.items : s as readonly string[];
        for (let i = 0; i < items.length; i += MAX_SENTENCE_TOKENS) {
          yield items.slice(i, i + MAX_SENTENCE_TOKENS);
        }
      }
    },
  };
}

/** Sessions from text: one session per line, item ids separated by whitespace. */
export function parseSessions(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const items = tokenize(line);
    if (items.length > 0) out.push(items);
  }
  return out;
}

/** A session cut wherever consecutive items are more than `gap` apart in time. */
export function splitSession(session: Session, gap: number): Session[] {
  if (typeof gap !== "number" || Number.isNaN(gap) || gap <= 0) {
    throw new RangeError(`gap must be a positive number, got ${gap}`);
  }
  const out: Session[] = [];
  let start = 0;
  const { items, times, user } = session;
  for (let i = 1; i <= items.length; i++) {
    if (i === items.length || times[i] - times[i - 1] > gap) {
      out.push({ user, items: items.slice(start, i), times: times.slice(start, i) });
      start = i;
    }
  }
  return out;
}
