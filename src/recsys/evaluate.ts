// Next-item evaluation, leave-last-out: each user's last item (by time) is held out as the
// target, the model is trained on the rest, and every scorer ranks all the items the user
// has not seen; HitRate@K is the share of users whose target is in the top K, NDCG@K the mean
// of 1 / log2(rank + 1) over the users whose target is at rank <= K (0 otherwise). One code
// path serves every scorer: item2vec, and the baselines most-popular and item-item
// co-occurrence (cosine on the co-occurrence counts of items within user histories).
import { type ItemRecommender, recencyHalfLife, type RecommendOptions } from "./recommender.ts";

/** One test case: a user's history (oldest first) and the item that came next. */
export interface EvalCase {
  user: string;
  history: readonly string[];
  target: string;
}

/** Anything that ranks items for a history. */
export interface Scorer {
  readonly name: string;
  /** The k best items for `history`, best first, never an item of `history`. */
  recommend(history: readonly string[], k: number): string[];
}

export interface LeaveLastOutOptions {
  /** Users with fewer items than this in their history (after holding out the target) are
   *  trained on but not tested; default 1. */
  minHistory?: number;
}

export interface LeaveLastOutSplit {
  /** Each user's history without the held-out item: what to train on. */
  train: Map<string, string[]>;
  cases: EvalCase[];
  /** Users not tested: too short a history, or a target already in the history. */
  skipped: number;
}

/** Holds out each user's last item (histories in time order, oldest first). */
export function leaveLastOut(
  histories: Iterable<[string, readonly string[]]>,
  options: LeaveLastOutOptions = {},
): LeaveLastOutSplit {
  const minHistory = options.minHistory ?? 1;
  if (!Number.isSafeInteger(minHistory) || minHistory < 1) {
    throw new RangeError(`minHistory must be a whole number >= 1, got ${minHistory}`);
  }
  const train = new Map<string, string[]>();
  const cases: EvalCase[] = [];
  let skipped = 0;
  for (const [user, items] of histories) {
    if (items.length === 0) continue;
    const history = items.slice(0, -1);
    const target = items[items.length - 1];
    if (history.length > 0) train.set(user, history);
    // A target seen before cannot be ranked among the unseen items.
    if (history.length < minHistory || history.includes(target)) skipped++;
    else cases.push({ user, history, target });
  }
  return { train, cases, skipped };
}

export interface Metrics {
  scorer: string;
  k: number;
  /** Users tested. */
  users: number;
  hits: number;
  hitRate: number;
  ndcg: number;
  /** Targets that never occur in the training histories (no scorer here can rank them). */
  coldTargets: number;
  seconds: number;
}

/** HitRate@K and NDCG@K from the 0-based rank of each target (-1 = not in the top K). */
export function rankMetrics(
  ranks: readonly number[],
  k: number,
): { hitRate: number; ndcg: number } {
  if (ranks.length === 0) return { hitRate: 0, ndcg: 0 };
  let hits = 0;
  let gain = 0;
  for (const r of ranks) {
    if (r < 0 || r >= k) continue;
    hits++;
    gain += 1 / Math.log2(r + 2);
  }
  return { hitRate: hits / ranks.length, ndcg: gain / ranks.length };
}

/**
 * Runs `scorer` on every case and measures HitRate@k and NDCG@k. `known` (the items of the
 * training data) only serves to count cold targets. Throws when the scorer returns an item of
 * the history or more than k items: the protocol ranks unseen items only.
 */
export function evaluateScorer(
  scorer: Scorer,
  cases: readonly EvalCase[],
  k = 10,
  known?: { has(item: string): boolean },
): Metrics {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  const start = performance.now();
  const ranks: number[] = [];
  let cold = 0;
  for (const c of cases) {
    if (known && !known.has(c.target)) cold++;
    const list = scorer.recommend(c.history, k);
    if (list.length > k) {
      throw new Error(`scorer ${scorer.name} returned ${list.length} items for k = ${k}`);
    }
    const seen = new Set(c.history);
    for (const item of list) {
      if (seen.has(item)) {
        throw new Error(
          `scorer ${scorer.name} recommended ${JSON.stringify(item)}, which user ` +
            `${JSON.stringify(c.user)} has already seen`,
        );
      }
    }
    ranks.push(list.indexOf(c.target));
  }
  const { hitRate, ndcg } = rankMetrics(ranks, k);
  return {
    scorer: scorer.name,
    k,
    users: cases.length,
    hits: ranks.filter((r) => r >= 0).length,
    hitRate,
    ndcg,
    coldTargets: cold,
    seconds: (performance.now() - start) / 1000,
  };
}

/** An ItemRecommender as a Scorer (history items excluded). */
export function recommenderScorer(
  rec: ItemRecommender,
  name = "item2vec",
  options: Omit<RecommendOptions, "excludeSeen"> = {},
): Scorer {
  return {
    name,
    recommend: (history, k) =>
      rec.recommend(history, k, { ...options, excludeSeen: true }).map((s) => s.item),
  };
}

/** Items indexed 0..n-1 in order of first appearance in the histories. */
class ItemIndex {
  readonly ids = new Map<string, number>();
  readonly items: string[] = [];

  id(item: string): number {
    let id = this.ids.get(item);
    if (id === undefined) {
      id = this.items.length;
      this.ids.set(item, id);
      this.items.push(item);
    }
    return id;
  }
}

/** Keeps the k best (score, id) pairs; ties go to the smaller id. */
class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(readonly k: number) {}

  offer(id: number, score: number): void {
    const { ids, scores, k } = this;
    const n = ids.length;
    if (n === k && !(score > scores[n - 1])) return;
    let i = n === k ? n - 1 : n;
    while (i > 0 && score > scores[i - 1]) {
      if (i < k) {
        ids[i] = ids[i - 1];
        scores[i] = scores[i - 1];
      }
      i--;
    }
    ids[i] = id;
    scores[i] = score;
  }
}

/** Most popular first: items ranked by the number of users who interacted with them. */
export class MostPopular implements Scorer {
  readonly name = "most-popular";
  readonly #order: string[];

  constructor(train: Iterable<readonly string[]>) {
    const users = new Map<string, number>();
    for (const history of train) {
      for (const item of new Set(history)) users.set(item, (users.get(item) ?? 0) + 1);
    }
    // Stable sort: equal counts keep the order of first appearance.
    this.#order = [...users].sort((a, b) => b[1] - a[1]).map(([item]) => item);
  }

  recommend(history: readonly string[], k: number): string[] {
    const seen = new Set(history);
    const out: string[] = [];
    for (const item of this.#order) {
      if (out.length === k) break;
      if (!seen.has(item)) out.push(item);
    }
    return out;
  }
}

/**
 * Item-item collaborative filtering: the similarity of items i and j is the cosine of their
 * user columns, C(i, j) / sqrt(n(i) n(j)), with C(i, j) the number of training users who
 * have both and n(i) those who have i; a history scores each item by the sum of its
 * similarities to the history's items (optionally weighted by recency, as item2vec's
 * history mean can be). Computed per query through the users who share an item with the
 * history (sparse, no item x item matrix).
 */
export class CoOccurrence implements Scorer {
  readonly name: string;
  readonly #halfLife: number;
  readonly #index = new ItemIndex();
  /** Distinct item ids of each training user (CSR). */
  readonly #userStart: Int32Array;
  readonly #userItems: Int32Array;
  /** Training users of each item (CSR). */
  readonly #itemStart: Int32Array;
  readonly #itemUsers: Int32Array;
  readonly #invSqrt: Float64Array;
  readonly #userWeight: Float64Array;
  readonly #scores: Float64Array;

  constructor(
    train: Iterable<readonly string[]>,
    options: { recencyWeighting?: boolean | number; name?: string } = {},
  ) {
    this.#halfLife = recencyHalfLife(options.recencyWeighting);
    this.name = options.name ??
      (this.#halfLife === Infinity ? "co-occurrence" : `co-occurrence, recency ${this.#halfLife}`);
    const lists: number[][] = [];
    for (const history of train) {
      const ids = new Set<number>();
      for (const item of history) ids.add(this.#index.id(item));
      lists.push([...ids]);
    }
    const items = this.#index.items.length;
    this.#userStart = new Int32Array(lists.length + 1);
    let total = 0;
    for (let u = 0; u < lists.length; u++) {
      total += lists[u].length;
      this.#userStart[u + 1] = total;
    }
    this.#userItems = new Int32Array(total);
    const perItem = new Int32Array(items);
    for (let u = 0; u < lists.length; u++) {
      this.#userItems.set(lists[u], this.#userStart[u]);
      for (const i of lists[u]) perItem[i]++;
    }
    this.#itemStart = new Int32Array(items + 1);
    for (let i = 0; i < items; i++) this.#itemStart[i + 1] = this.#itemStart[i] + perItem[i];
    this.#itemUsers = new Int32Array(total);
    const fill = this.#itemStart.slice(0, items);
    for (let u = 0; u < lists.length; u++) {
      for (const i of lists[u]) this.#itemUsers[fill[i]++] = u;
    }
    this.#invSqrt = Float64Array.from(perItem, (n) => 1 / Math.sqrt(n));
    this.#userWeight = new Float64Array(lists.length);
    this.#scores = new Float64Array(items);
  }

  /** Cosine similarity of two items (0 when either is unknown). */
  similarity(a: string, b: string): number {
    const ia = this.#index.ids.get(a), ib = this.#index.ids.get(b);
    if (ia === undefined || ib === undefined) return 0;
    let common = 0;
    const usersOf = (i: number) =>
      this.#itemUsers.subarray(this.#itemStart[i], this.#itemStart[i + 1]);
    const ub = new Set(usersOf(ib));
    for (const u of usersOf(ia)) if (ub.has(u)) common++;
    return common * this.#invSqrt[ia] * this.#invSqrt[ib];
  }

  recommend(history: readonly string[], k: number): string[] {
    const w = this.#userWeight;
    const scores = this.#scores;
    const inv = this.#invSqrt;
    // The weight of each distinct history item (1, or its recency weights summed).
    const ids = new Map<number, number>();
    const last = history.length - 1;
    for (let h = last; h >= 0; h--) {
      const id = this.#index.ids.get(history[h]);
      if (id === undefined) continue;
      const weight = this.#halfLife === Infinity ? 1 : Math.pow(0.5, (last - h) / this.#halfLife);
      if (this.#halfLife === Infinity) ids.set(id, 1);
      else ids.set(id, (ids.get(id) ?? 0) + weight);
    }
    if (ids.size === 0) return [];
    // w[u] = sum over the history items i that user u has of weight(i) / sqrt(n(i)).
    const touched: number[] = [];
    for (const [i, weight] of ids) {
      const add = weight * inv[i];
      if (!(add > 0)) continue;
      for (let p = this.#itemStart[i]; p < this.#itemStart[i + 1]; p++) {
        const u = this.#itemUsers[p];
        if (w[u] === 0) touched.push(u);
        w[u] += add;
      }
    }
    // score(j) = sum_i C(i, j) / sqrt(n(i) n(j)) = (sum over users u with j of w[u]) / sqrt(n(j))
    scores.fill(0);
    for (const u of touched) {
      const wu = w[u];
      for (let p = this.#userStart[u]; p < this.#userStart[u + 1]; p++) {
        scores[this.#userItems[p]] += wu;
      }
      w[u] = 0;
    }
    const top = new TopK(k);
    for (let j = 0; j < scores.length; j++) {
      if (scores[j] > 0 && !ids.has(j)) top.offer(j, scores[j] * inv[j]);
    }
    return top.ids.map((j) => this.#index.items[j]);
  }
}
