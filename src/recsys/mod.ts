/**
 * Recommendations with item embeddings (item2vec): interaction logs to sessions, training,
 * similar items and next-item recommendations (scored in the WebAssembly kernel), and the
 * leave-last-out evaluation with the most-popular and co-occurrence baselines.
 *
 * ```ts
 * import { buildSessions, readInteractions, trainItems } from "./src/recsys/mod.ts";
 *
 * const table = await readInteractions("ratings.csv");
 * const { sessions } = buildSessions(table.rows, { minRating: 3.5 });
 * const rec = await trainItems(sessions, { threads: 1 });
 * console.log(rec.similarItems("2571", 5));
 * console.log(rec.recommend(["1", "260", "1196"], 10, { recencyWeighting: true }));
 * ```
 *
 * @module
 */
export {
  type Column,
  type ColumnSpec,
  describeTable,
  type Interaction,
  type InteractionOptions,
  type InteractionTable,
  parseInteractionChunks,
  parseInteractions,
  parseTimestamp,
  readInteractions,
} from "./interactions.ts";
export { CsvError, CsvParser, type CsvRecord, type DelimiterOption, parseCsv } from "./csv.ts";
export {
  buildSessions,
  type DedupeMode,
  groupByUser,
  parseSessions,
  type Session,
  sessionCorpus,
  type SessionOptions,
  type SessionStats,
  splitSession,
  userHistories,
} from "./sessions.ts";
export {
  DEFAULT_RECENCY_HALF_LIFE,
  encodeItemModel,
  ITEM2VEC_DEFAULTS,
  ITEM_MODEL_KIND,
  ItemRecommender,
  itemRecommenderFromBytes,
  type ItemRecommenderOptions,
  loadItemRecommender,
  recencyHalfLife,
  type RecommendOptions,
  saveItemModel,
  type ScoredItem,
  type ScoringTable,
  trainItems,
  type TrainItemsOptions,
  UnknownItemError,
} from "./recommender.ts";
export {
  CoOccurrence,
  type EvalCase,
  evaluateScorer,
  leaveLastOut,
  type LeaveLastOutOptions,
  type LeaveLastOutSplit,
  type Metrics,
  MostPopular,
  rankMetrics,
  recommenderScorer,
  type Scorer,
} from "./evaluate.ts";
export { parseTitles, readTitles, type TitleOptions, Titles } from "./titles.ts";
