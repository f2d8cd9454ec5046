// Progress reports for long training runs: where we are, how fast, the learning
// rate and the average loss since the last report, and the time left.

export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Fraction of the whole run done, 0..1. */
  progress: number;
  /** Corpus tokens per second since training started. */
  wordsPerSecond: number;
  lr: number;
  /** Mean -objective per positive pair since the previous report. */
  loss: number;
  etaSeconds: number;
  elapsedSeconds: number;
}

export type ProgressListener = (p: TrainProgress) => void;

export class ProgressMeter {
  #start = performance.now();
  #lastReport = performance.now();
  #lossSum = 0;
  #lossCount = 0;
  tokens = 0;

  constructor(readonly intervalMs: number, readonly listener?: ProgressListener) {}

  addLoss(sum: number, count: number): void {
    this.#lossSum += sum;
    this.#lossCount += count;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Reports if the interval has passed (or `force`); returns the mean loss reported. */
  maybeReport(epoch: number, epochs: number, progress: number, lr: number, force = false): void {
    const now = performance.now();
    if (!this.listener || (!force && now - this.#lastReport < this.intervalMs)) return;
    this.#lastReport = now;
    const elapsed = (now - this.#start) / 1000;
    const loss = this.#lossCount > 0 ? this.#lossSum / this.#lossCount : NaN;
    this.#lossSum = 0;
    this.#lossCount = 0;
    this.listener({
      epoch,
      epochs,
      progress,
      wordsPerSecond: elapsed > 0 ? this.tokens / elapsed : 0,
      lr,
      loss,
      etaSeconds: progress > 0 ? elapsed * (1 - progress) / progress : NaN,
      elapsedSeconds: elapsed,
    });
  }
}
