// A per-instance random stream (SplitMix64). Each WebAssembly instance (one per
// thread) has its own globals, so each thread draws from its own stream while the
// tables in shared memory are common. The host reads and writes the state to make
// runs reproducible and resumable.

let state: u64 = 0x853c49e6748fea9b;

export function setState(s: u64): void {
  state = s;
}

export function getState(): u64 {
  return state;
}

// @ts-ignore: decorator
@inline export function nextU64(): u64 {
  state += 0x9E3779B97F4A7C15;
  let z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/** Uniform integer in [0, n) by multiply-shift (no division, bias < n / 2^32). */
// @ts-ignore: decorator
@inline export function below(n: u32): u32 {
  return <u32>(((nextU64() >> 32) * <u64>n) >> 32);
}

/** Uniform float in [0, 1). */
// @ts-ignore: decorator
@inline export function unit(): f32 {
  return <f32>(<u32>(nextU64() >> 40)) * (1.0 / 16777216.0);
}
