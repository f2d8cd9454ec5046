// Formatting of training progress and of numbers in CLI output. Pure functions (no IO, no
// clock), so they are unit-tested directly.
import type { TrainProgress } from "../train/progress.ts";

/** 1234567 -> "1,234,567" (always with commas, whatever the locale). */
export function formatCount(n: number): string {
  const sign = n < 0 ? "-" : "";
  const digits = Math.round(Math.abs(n)).toString();
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Words per second, short: "812", "81.2k", "812k", "1.23M". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return "-";
  if (perSecond < 999.5) return perSecond.toFixed(0);
  // 3 significant digits; trailing zeros after the point dropped ("1.20M" -> "1.2M").
  const short = (x: number) => x.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  if (perSecond < 999.5e3) return short(perSecond / 1e3) + "k";
  if (perSecond < 999.5e6) return short(perSecond / 1e6) + "M";
  return short(perSecond / 1e9) + "G";
}

/** Seconds as "0:05", "12:34" or "1:02:03"; "-:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-:--";
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Elapsed time for summaries: "850 ms", "5.3 s", "2 min 05 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "-";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  return `${m} min ${String(total % 60).padStart(2, "0")} s`;
}

/** A learning rate with 3 significant digits: "0.0250", "0.000100". */
export function formatLr(lr: number): string {
  return Number.isFinite(lr) ? lr.toPrecision(3) : "-";
}

/** A loss with 4 decimals, "-" before the first measurement. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : "-";
}

/** A fraction as a percentage with one decimal: 0.4321 -> "43.2%". */
export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : "-";
}

/** Bytes: "812 B", "81.2 KB", "6.72 MB" (powers of 1000, as file managers show). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  for (const [unit, scale] of [["KB", 1e3], ["MB", 1e6], ["GB", 1e9]] as const) {
    if (bytes / scale < 999.5 || unit === "GB") return `${(bytes / scale).toPrecision(3)} ${unit}`;
  }
  return `${bytes} B`; // unreachable
}

/** "[=========>          ]": `width` cells between the brackets. */
export function progressBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.floor(f * width);
  const body = filled >= width
    ? "=".repeat(width)
    : "=".repeat(filled) + ">" + " ".repeat(width - filled - 1);
  return `[${body}]`;
}

/**
 * The one-line progress display for a terminal, redrawn in place:
 * `epoch 2/5 [=====>   ]  43.2%  812k words/s  lr 0.0143  loss 2.3450  ETA 0:05`.
 * Fits `columns - 1` characters (the bar shrinks, then disappears, on narrow terminals).
 */
export function progressLine(p: TrainProgress, columns = 80): string {
  const head = `epoch ${p.epoch}/${p.epochs}`;
  const tail = `${formatPercent(p.progress).padStart(6)}  ${formatRate(p.wordsPerSecond)} words/s` +
    `  lr ${formatLr(p.lr)}  loss ${formatLoss(p.loss)}  ETA ${formatDuration(p.etaSeconds)}`;
  const room = columns - 1 - head.length - tail.length - 4; // spaces and brackets
  const line = room >= 10
    ? `${head} ${progressBar(p.progress, Math.min(30, room))} ${tail}`
    : `${head} ${tail}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 1)) : line;
}

/** A progress report as a log line, for output that is not a terminal. */
export function progressLogLine(p: TrainProgress): string {
  return `epoch ${p.epoch}/${p.epochs}  ${formatPercent(p.progress)}  ` +
    `${formatRate(p.wordsPerSecond)} words/s  lr ${formatLr(p.lr)}  loss ${formatLoss(p.loss)}` +
    `  elapsed ${formatDuration(p.elapsedSeconds)}  ETA ${formatDuration(p.etaSeconds)}`;
}
