// as-pect unit tests of the kernel's primitives, compiled with SIMD enabled
// (as-pect.asconfig.json; the relaxed-SIMD build with as-pect.relaxed.asconfig.json):
// row arithmetic against scalar loops, the RNG's bounded draws, the alias draw on
// hand-made tables, subsampling thresholds and the SIMD sigmoid.
// Run: deno task test:kernel (or npx asp).
import { addTo, axpy, dot, hsum, madd, scale, zero } from "../simd";
import { below, nextU64, setState, unit } from "../rng";
import { drawNoise, freshNoise, keep, NOISE_REUSE, refillNoise } from "../sampler";
import { NOISE_POOL, scratchBytes, setScratch, setTables } from "../model";
import { setExact, sigmoid, sigmoid4, softplus4 } from "../sigmoid";

const FLOATS: i32 = 64;
const BYTES: usize = <usize> FLOATS << 2;
// 16-byte aligned scratch rows (heap blocks are 16-byte aligned).
const A: usize = heap.alloc(BYTES);
const B: usize = heap.alloc(BYTES);
const C: usize = heap.alloc(BYTES);
const TABLE: usize = heap.alloc(64);

/** Deterministic test values in [-2, 2) that are not all representable sums. */
let lcg: u32 = 12345;
function nextValue(): f32 {
  lcg = lcg * 1664525 + 1013904223;
  return (<f32> (lcg >> 8) / 16777216.0) * 4 - 2;
}

function fill(row: usize): void {
  for (let i = 0; i < FLOATS; i++) store<f32>(row + (<usize> i << 2), nextValue());
}

function at(row: usize, i: i32): f32 {
  return load<f32>(row + (<usize> i << 2));
}

/** Bound on |f32 sum - exact sum| of `terms` products of magnitude total `mag`. */
function sumBound(terms: i32, mag: f64): f64 {
  return <f64> (terms + 4) * 5.960464477539063e-8 * mag + 1e-30;
}

describe("build", () => {
  it("is compiled with SIMD (and reports whether relaxed SIMD is on)", () => {
    expect<bool>(ASC_FEATURE_SIMD).toBe(true);
    log<string>(ASC_FEATURE_RELAXED_SIMD ? "relaxed SIMD build" : "plain SIMD build");
  });
});

describe("simd rows", () => {
  it("dot matches a float64 scalar loop for every length that is a multiple of 4", () => {
    for (let n = 4; n <= FLOATS; n += 4) {
      fill(A);
      fill(B);
      let exact: f64 = 0;
      let mag: f64 = 0;
      for (let i = 0; i < n; i++) {
        exact += <f64> at(A, i) * <f64> at(B, i);
        mag += Math.abs(<f64> at(A, i) * <f64> at(B, i));
      }
      const got = <f64> dot(A, B, <usize> n << 2);
      expect<bool>(Math.abs(got - exact) <= sumBound(n, mag)).toBe(true, "dot of " + n.toString());
    }
  });

  it("dot ignores whatever lies past the row", () => {
    fill(A);
    fill(B);
    const first = dot(A, B, 16);
    store<f32>(A + 16, 1000);
    store<f32>(B + 16, 1000);
    expect<f32>(dot(A, B, 16)).toBe(first);
  });

  it("hsum and madd work lane by lane", () => {
    const v = f32x4(1.5, -2, 4.25, 8);
    expect<f32>(hsum(v)).toBe(11.75);
    const m = madd(f32x4(1, 2, 3, 4), f32x4(5, 6, 7, 8), f32x4(0.5, 0.5, 0.5, 0.5));
    expect<f32>(f32x4.extract_lane(m, 0)).toBe(5.5);
    expect<f32>(f32x4.extract_lane(m, 1)).toBe(12.5);
    expect<f32>(f32x4.extract_lane(m, 2)).toBe(21.5);
    expect<f32>(f32x4.extract_lane(m, 3)).toBe(32.5);
  });

  it("axpy matches y + alpha * x per lane (bit-exact unless fused)", () => {
    fill(A);
    fill(B);
    memory.copy(C, B, BYTES);
    const alpha: f32 = -0.3125;
    axpy(alpha, A, B, BYTES);
    for (let i = 0; i < FLOATS; i++) {
      const expected: f32 = alpha * at(A, i) + at(C, i);
      if (ASC_FEATURE_RELAXED_SIMD) {
        const exact = <f64> alpha * <f64> at(A, i) + <f64> at(C, i);
        const tol = 2 * 5.960464477539063e-8 * (Math.abs(<f64> alpha * at(A, i)) + Math.abs(at(C, i)));
        expect<bool>(Math.abs(<f64> at(B, i) - exact) <= tol).toBe(true, "lane " + i.toString());
      } else {
        expect<f32>(at(B, i)).toBe(expected, "lane " + i.toString());
      }
    }
  });

  it("addTo and scale match scalar f32 arithmetic exactly; zero clears", () => {
    fill(A);
    fill(B);
    memory.copy(C, B, BYTES);
    addTo(A, B, BYTES);
    for (let i = 0; i < FLOATS; i++) expect<f32>(at(B, i)).toBe(at(A, i) + at(C, i));
    memory.copy(C, B, BYTES);
    scale(0.7, B, BYTES);
    for (let i = 0; i < FLOATS; i++) expect<f32>(at(B, i)).toBe(<f32> 0.7 * at(C, i));
    zero(B, BYTES);
    for (let i = 0; i < FLOATS; i++) expect<f32>(at(B, i)).toBe(0);
  });

  it("row operations leave bytes past the row untouched", () => {
    fill(A);
    fill(B);
    const guard = at(B, 4);
    axpy(2, A, B, 16);
    addTo(A, B, 16);
    scale(3, B, 16);
    expect<f32>(at(B, 4)).toBe(guard);
  });
});

describe("rng", () => {
  it("below(n) stays in [0, n) and reaches every value of small ranges", () => {
    setState(7);
    const sizes: u32[] = [1, 2, 3, 5, 7, 10, 1000, 0x7FFFFFFF, 0xFFFFFFFF];
    for (let s = 0; s < sizes.length; s++) {
      const n = sizes[s];
      let outside = 0;
      for (let i = 0; i < 5000; i++) if (below(n) >= n) outside++;
      expect<i32>(outside).toBe(0, "draws outside [0, " + n.toString() + ")");
    }
    let nonzero = 0;
    for (let i = 0; i < 100; i++) if (below(1) != 0) nonzero++;
    expect<i32>(nonzero).toBe(0, "below(1) != 0");
    const seen = new StaticArray<i32>(7);
    for (let i = 0; i < 7000; i++) seen[below(7)]++;
    for (let v = 0; v < 7; v++) {
      // ~1000 each; 6 standard deviations is ~160.
      expect<bool>(seen[v] > 800 && seen[v] < 1200).toBe(true, "value " + v.toString());
    }
  });

  it("the stream is reproducible from a state, and unit() is in [0, 1)", () => {
    setState(99);
    const a = nextU64();
    const b = nextU64();
    setState(99);
    expect<u64>(nextU64()).toBe(a);
    expect<u64>(nextU64()).toBe(b);
    expect<bool>(a != b).toBe(true);
    let outside = 0;
    for (let i = 0; i < 10000; i++) {
      const u = unit();
      if (!(u >= 0 && u < 1)) outside++;
    }
    expect<i32>(outside).toBe(0);
  });
});

/** The 2-word alias table: column 0 keeps word 0 when the low half < 2^30 (a
 *  quarter), else takes word 1; column 1 always keeps word 1. So P(0) = 1/8. */
function useEighthTable(): void {
  store<u32>(TABLE, 0x40000000);
  store<u32>(TABLE, 1, 4);
  store<u32>(TABLE, 0xFFFFFFFF, 8);
  store<u32>(TABLE, 1, 12);
  setTables(0, 0, TABLE, 0, 2, 4);
}

/** Draws seen beyond word 1 by the last countZeros. */
let invalidDraws: i32 = 0;

/** How many of n draws (from the pool, or fresh alias draws) are word 0. */
function countZeros(n: i32, pooled: bool): i32 {
  let zeros = 0;
  invalidDraws = 0;
  for (let i = 0; i < n; i++) {
    const w = pooled ? drawNoise() : freshNoise();
    if (w >= 2) invalidDraws++;
    if (w == 0) zeros++;
  }
  return zeros;
}

describe("sampler", () => {
  it("alias draw on a hand-made 2-word table: P(0) = 1/2 * 1/4", () => {
    useEighthTable();
    setState(2024);
    const zeros = countZeros(80000, false);
    expect<i32>(invalidDraws).toBe(0);
    // mean 10000, sd ~94: 6 sd ~ 560.
    expect<bool>(zeros > 9440 && zeros < 10560).toBe(true, "zeros " + zeros.toString());
  });

  it("alias draw: thresholds 0 always take the alias", () => {
    store<u32>(TABLE, 0);
    store<u32>(TABLE, 1, 4);
    store<u32>(TABLE, 0, 8);
    store<u32>(TABLE, 1, 12);
    setTables(0, 0, TABLE, 0, 2, 4);
    let zeros = 0;
    for (let i = 0; i < 1000; i++) if (freshNoise() != 1) zeros++;
    expect<i32>(zeros).toBe(0);
  });

  it("pool draws on the 2-word table: only words 0 and 1, P(0) = 1/8", () => {
    useEighthTable();
    setScratch(heap.alloc(scratchBytes(4)));
    setState(77);
    refillNoise();
    const zeros = countZeros(80000, true);
    expect<i32>(invalidDraws).toBe(0);
    // A pooled word serves about NOISE_REUSE draws, so the count's variance is about
    // (1 + NOISE_REUSE) times the binomial's: sd ~ 94 * 3 = 282; 6 sd ~ 1700.
    expect<bool>(NOISE_POOL >= 16 && NOISE_REUSE <= 8).toBe(true);
    expect<bool>(zeros > 8300 && zeros < 11700).toBe(true, "zeros " + zeros.toString());
  });

  it("keep: 0xFFFFFFFF always keeps, 0 never, 2^31 about half", () => {
    store<u32>(TABLE, 0xFFFFFFFF);
    store<u32>(TABLE, 0, 4);
    store<u32>(TABLE, 0x80000000, 8);
    setTables(0, 0, 0, TABLE, 3, 4);
    setState(5);
    let half = 0;
    let wrong = 0;
    for (let i = 0; i < 10000; i++) {
      if (!keep(0)) wrong++;
      if (keep(1)) wrong++;
      if (keep(2)) half++;
    }
    expect<i32>(wrong).toBe(0);
    // mean 5000, sd 50.
    expect<bool>(half > 4700 && half < 5300).toBe(true, "kept " + half.toString());
  });
});

describe("sigmoid", () => {
  it("sigmoid4 and softplus4: within 1e-6 of libm, sigma exactly 0 and 1 beyond ±6", () => {
    setExact(false);
    let bad = 0;
    for (let i = -9000; i <= 9000; i++) {
      const x: f32 = <f32> i / 100;
      const s = <f64> f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 2);
      const y = <f64> x;
      const exact = 1 / (1 + Math.exp(-y));
      if (x >= 6) {
        if (s != 1) bad++;
      } else if (x <= -6) {
        if (s != 0) bad++;
      } else if (!(Math.abs(s - exact) <= 1e-6 * exact)) bad++;
      const soft = <f64> f32x4.extract_lane(softplus4(f32x4.splat(x)), 1);
      const exactSoft = y > 0 ? y + Math.log1p(Math.exp(-y)) : Math.log1p(Math.exp(y));
      if (!(Math.abs(soft - exactSoft) <= 1e-6 * (1 + Math.abs(y)))) bad++;
    }
    expect<i32>(bad).toBe(0, "points off by more than 1e-6, or sigma not clamped");
    setExact(true);
    expect<f64>(Math.abs(<f64> sigmoid(7) - 1 / (1 + Math.exp(-7)))).toBeLessThan(1e-7);
    setExact(false);
  });
});
