// Training hyperparameters of the current run, set once by the host per instance.
import { MAX_NEGATIVE } from "./model";

export let window: i32 = 5;
export let negative: i32 = 5;
export let lrStart: f32 = 0.025;
export let lrMin: f32 = 0.0001;
/** Words the whole run will process (epochs x training words): the decay horizon. */
export let totalWords: f64 = 1;

export function setParams(
  contextWindow: i32,
  negatives: i32,
  lr: f32,
  minLr: f32,
  plannedWords: f64,
): void {
  window = contextWindow < 1 ? 1 : contextWindow;
  negative = negatives < 0 ? 0 : negatives > MAX_NEGATIVE ? MAX_NEGATIVE : negatives;
  lrStart = lr;
  lrMin = minLr;
  totalWords = plannedWords < 1 ? 1 : plannedWords;
}

/** Linear decay from lrStart to lrMin over the run, by words processed so far. */
// @ts-ignore: decorator
@inline export function learningRate(wordsDone: f64): f32 {
  const lr = <f32>(<f64>lrStart * (1 - wordsDone / totalWords));
  return lr > lrMin ? lr : lrMin;
}
