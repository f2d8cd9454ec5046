// The logistic function and the loss term, four lanes at a time. One SIMD exp
// (2^n by exponent bits times a degree-6 polynomial, relative error ~1e-7) serves
// both sigma and log(1 + e^-|x|), so a whole group of four targets gets its gains
// and loss terms with no table lookups, no branches and no scalar conversions.
// As word2vec does, sigma is exactly 0 or 1 beyond +-6 (the gradient saturates);
// `exact` lifts that clamp and uses libm per lane, for the gradient tests.

import { madd } from "./simd";

const MAX_EXP: f32 = 6;

export let exact = false;

export function setExact(on: bool): void {
  exact = on;
}

// @ts-ignore: decorator
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** e^-a for a >= 0 (a is clamped to 80, where e^-a is still a normal f32). */
// @ts-ignore: decorator
@inline function expNeg(a: v128): v128 {
  // e^-a = 2^z, z = -a log2(e) = n + f with n an integer and |f| <= 1/2.
  const z = f32x4.mul(f32x4.min(a, splat(80)), splat(-1.4426950408889634));
  const n = f32x4.nearest(z);
  const f = f32x4.sub(z, n);
  // 2^f = e^(f ln2): Taylor terms (ln2)^k / k! to k = 6; error < 2e-7 for |f| <= 1/2.
  let p = splat(1.5403530393381606e-4);
  p = madd(p, f, splat(1.3333558146428443e-3));
  p = madd(p, f, splat(9.618129107628477e-3));
  p = madd(p, f, splat(5.550410866482158e-2));
  p = madd(p, f, splat(0.2402265069591007));
  p = madd(p, f, splat(0.6931471805599453));
  p = madd(p, f, splat(1));
  // 2^n from the exponent bits (n >= -116 after the clamp: no denormals).
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** log(1 + e) for e in [0, 1], as 2 atanh(s) with s = e / (2 + e) <= 1/3; the odd
 *  series to s^11 is within 1e-7. */
// @ts-ignore: decorator
@inline function log1pUnit(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(e, splat(2)));
  const s2 = f32x4.mul(s, s);
  let p = splat(<f32>(1.0 / 11));
  p = madd(p, s2, splat(<f32>(1.0 / 9)));
  p = madd(p, s2, splat(<f32>(1.0 / 7)));
  p = madd(p, s2, splat(<f32>(1.0 / 5)));
  p = madd(p, s2, splat(<f32>(1.0 / 3)));
  p = madd(p, s2, splat(1));
  return f32x4.mul(f32x4.mul(p, s), splat(2));
}

/** e^-|x| per lane: the one transcendental that sigmoidWith and softplusWith share. */
// @ts-ignore: decorator
@inline export function expNegAbs(x: v128): v128 {
  return expNeg(f32x4.abs(x));
}

/** sigma(x) per lane from e = e^-|x|; exactly 0 and 1 beyond +-6 unless `exact`. */
// @ts-ignore: decorator
@inline export function sigmoidWith(x: v128, e: v128): v128 {
  if (exact) return exactLanes(x, false);
  // sigma(|x|) = 1 / (1 + e); sigma(-|x|) = e / (1 + e).
  const positive = f32x4.ge(x, splat(0));
  const s = f32x4.div(v128.bitselect(splat(1), e, positive), f32x4.add(e, splat(1)));
  const saturated = f32x4.ge(f32x4.abs(x), splat(MAX_EXP));
  return v128.bitselect(v128.and(positive, splat(1)), s, saturated);
}

/** softplus(x) = log(1 + e^x) = -log sigma(-x) per lane, from e = e^-|x|: the loss
 *  of a target scored x against its label (x = -score for the positive, +score for
 *  a noise word). */
// @ts-ignore: decorator
@inline export function softplusWith(x: v128, e: v128): v128 {
  if (exact) return exactLanes(x, true);
  return f32x4.add(f32x4.max(x, splat(0)), log1pUnit(e));
}

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return sigmoidWith(x, expNegAbs(x));
}

// @ts-ignore: decorator
@inline export function softplus4(x: v128): v128 {
  return softplusWith(x, expNegAbs(x));
}

function exactLanes(x: v128, soft: bool): v128 {
  let r = x;
  r = f32x4.replace_lane(r, 0, exactOf(f32x4.extract_lane(x, 0), soft));
  r = f32x4.replace_lane(r, 1, exactOf(f32x4.extract_lane(x, 1), soft));
  r = f32x4.replace_lane(r, 2, exactOf(f32x4.extract_lane(x, 2), soft));
  return f32x4.replace_lane(r, 3, exactOf(f32x4.extract_lane(x, 3), soft));
}

function exactOf(x: f32, soft: bool): f32 {
  const y = <f64>x;
  if (!soft) return <f32>(1 / (1 + Math.exp(-y)));
  return <f32>(y > 0 ? y + Math.log1p(Math.exp(-y)) : Math.log1p(Math.exp(y)));
}

/** Scalar forms for code that scores one target at a time (pairs, test hooks). */
export function sigmoid(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

/** log sigma(x). */
export function logSigmoid(x: f32): f64 {
  return -<f64>f32x4.extract_lane(softplus4(f32x4.splat(-x)), 0);
}
