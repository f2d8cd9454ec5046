// The logistic function and its log, by table as word2vec does: 1000 steps over
// [-6, 6]. Outside that range the gradient is clamped (sigma is 0 or 1 there).
// `exact` switches to libm arithmetic for the gradient tests; training never sets it.

const MAX_EXP: f32 = 6;
const TABLE_SIZE: i32 = 1000;
const STEPS_PER_UNIT: f32 = <f32>TABLE_SIZE / (2 * MAX_EXP);

// Static, zero-initialised storage below __heap_base; filled by initTables().
const SIGMOID = memory.data(4 * (TABLE_SIZE + 1), 16);
const LOG_SIGMOID = memory.data(4 * (TABLE_SIZE + 1), 16);

export let exact = false;

export function setExact(on: bool): void {
  exact = on;
}

/** Fills the tables; idempotent, so every thread may call it on shared memory. */
export function initTables(): void {
  for (let i = 0; i <= TABLE_SIZE; i++) {
    const x = (<f64>i / <f64>TABLE_SIZE * 2 - 1) * <f64>MAX_EXP;
    const e = Math.exp(x);
    store<f32>(SIGMOID + (<usize>i << 2), <f32>(e / (e + 1)));
    store<f32>(LOG_SIGMOID + (<usize>i << 2), <f32>(-Math.log1p(Math.exp(-x))));
  }
}

// @ts-ignore: decorator
@inline function slot(x: f32): usize {
  return <usize>(<i32>((x + MAX_EXP) * STEPS_PER_UNIT)) << 2;
}

/** sigma(x), clamped to exactly 0 and 1 outside [-6, 6]. */
// @ts-ignore: decorator
@inline export function sigmoid(x: f32): f32 {
  if (exact) return <f32>(1 / (1 + Math.exp(-<f64>x)));
  if (x >= MAX_EXP) return 1;
  if (x <= -MAX_EXP) return 0;
  return load<f32>(SIGMOID + slot(x));
}

/** log sigma(x); only feeds the loss report. Beyond +-6 (common: most noise words
 *  end up far below -6) a libm call per term would dominate the step, so the tails
 *  use log sigma(x) ~ min(x, 0) - e^-|x|, frozen at its value at |x| = 6 (error
 *  below 0.0025 per term). */
// @ts-ignore: decorator
@inline export function logSigmoid(x: f32): f64 {
  if (exact) {
    const y = <f64>x;
    return y < 0 ? y - Math.log1p(Math.exp(y)) : -Math.log1p(Math.exp(-y));
  }
  if (x >= MAX_EXP) return <f64>load<f32>(LOG_SIGMOID + (<usize>TABLE_SIZE << 2));
  if (x <= -MAX_EXP) return <f64>(x + MAX_EXP) + <f64>load<f32>(LOG_SIGMOID);
  return <f64>load<f32>(LOG_SIGMOID + slot(x));
}
