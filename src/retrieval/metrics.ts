// Ranking metrics for retrieval: each test query has one relevant document in the
// collection; Recall@k is the share of queries whose document ranks in the top k, MRR the
// mean of 1 / its rank. Ties count against the target only for documents with a lower id
// (the order the kernel's selectTopK returns), so every ranker is scored the same way.

/** Rank (1 = best) of document `target` under `scores`. */
export function rankOf(scores: ArrayLike<number>, target: number): number {
  const s = scores[target];
  let rank = 1;
  for (let d = 0; d < scores.length; d++) {
    const x = scores[d];
    if (x > s || (x === s && d < target)) rank++;
  }
  return rank;
}

export interface RankingMetrics {
  queries: number;
  k: number;
  /** Share of queries whose document ranks <= k. */
  recall: number;
  /** Mean reciprocal rank over the whole collection. */
  mrr: number;
}

/** Metrics of a list of ranks. */
export function rankingMetrics(ranks: readonly number[], k = 10): RankingMetrics {
  let hits = 0;
  let rr = 0;
  for (const r of ranks) {
    if (r <= k) hits++;
    rr += 1 / r;
  }
  const n = ranks.length;
  return { queries: n, k, recall: n > 0 ? hits / n : 0, mrr: n > 0 ? rr / n : 0 };
}

/** Scores every query against the collection with `score` and ranks its target. */
export function evaluateRanking(
  queries: readonly { query: readonly string[]; target: number }[],
  score: (query: readonly string[]) => ArrayLike<number>,
  k = 10,
): RankingMetrics {
  return rankingMetrics(queries.map((q) => rankOf(score(q.query), q.target)), k);
}
