// Row primitives on f32x4 lanes. Every row is padded to a multiple of 4 floats and
// starts on a 16-byte boundary, so loops never need a scalar tail; a lane holds
// four consecutive components of one row.

// a*b + c, fused where the build enables relaxed SIMD (resolved at compile time).
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Dot product of two rows of `bytes` bytes (a multiple of 16). Two accumulators
 *  hide the add latency; the order of additions is fixed, so results are
 *  deterministic for a given build. */
// @ts-ignore: decorator
@inline export function dot(a: usize, b: usize, bytes: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 32 <= bytes; i += 32) {
    acc0 = madd(v128.load(a + i), v128.load(b + i), acc0);
    acc1 = madd(v128.load(a + i, 16), v128.load(b + i, 16), acc1);
  }
  if (i < bytes) acc0 = madd(v128.load(a + i), v128.load(b + i), acc0);
  return hsum(f32x4.add(acc0, acc1));
}

/** y += alpha * x */
export function axpy(alpha: f32, x: usize, y: usize, bytes: usize): void {
  const a = f32x4.splat(alpha);
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(y + i, madd(a, v128.load(x + i), v128.load(y + i)));
  }
}

/** y += x */
export function addTo(x: usize, y: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(y + i, f32x4.add(v128.load(x + i), v128.load(y + i)));
  }
}

/** y = x */
export function copyRow(x: usize, y: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) v128.store(y + i, v128.load(x + i));
}

/** y = (y + x) * alpha */
export function addThenScale(x: usize, alpha: f32, y: usize, bytes: usize): void {
  const a = f32x4.splat(alpha);
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(y + i, f32x4.mul(f32x4.add(v128.load(y + i), v128.load(x + i)), a));
  }
}

/** x *= alpha */
export function scale(alpha: f32, x: usize, bytes: usize): void {
  const a = f32x4.splat(alpha);
  for (let i: usize = 0; i < bytes; i += 16) v128.store(x + i, f32x4.mul(a, v128.load(x + i)));
}

export function zero(x: usize, bytes: usize): void {
  memory.fill(x, 0, bytes);
}
