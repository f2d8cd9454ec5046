// fastText's hashing, bit for bit: FNV-1a 32-bit over a word's UTF-8 bytes (each byte
// sign-extended first, as fastText's `uint32_t(int8_t(c))` does, which changes the hash
// of every non-ASCII word), and word n-grams as `Dictionary::addWordNgrams`:
//   h = (u64) (i32) hash(w_i);  for j in i+1 .. i+n-1:  h = h * 116049371 + (i32) hash(w_j)
//   bucket = h % buckets  (u64 arithmetic, modulo 2^64)
// The word hashes are int32 in fastText, so each one is sign-extended to 64 bits when it
// seeds or is added to h. The 64-bit state is kept as two u32 halves (no BigInt on the
// hot path); `wordNgramBucketsBig` is a BigInt reference used by the tests.

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;
/** fastText's multiplier for word n-gram hashes. */
export const NGRAM_MULTIPLIER = 116049371;

const encoder = new TextEncoder();

/** FNV-1a of bytes with fastText's sign extension of each byte (u32). */
export function hashBytes(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    h ^= b >= 0x80 ? (b | 0xFFFFFF00) : b;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** fastText's hash of a word (its UTF-8 bytes), as an unsigned 32-bit number. */
export function fastTextHash(word: string): number {
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return hashBytes(encoder.encode(word));
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const TWO32 = 4294967296;

/** (hi, lo) = (hi, lo) * NGRAM_MULTIPLIER + sext(x), modulo 2^64. Returns via `state`. */
function step(state: Uint32Array, x: number): void {
  const lo = state[1];
  const a = (lo & 0xFFFF) * NGRAM_MULTIPLIER; // < 2^43, exact
  const b = (lo >>> 16) * NGRAM_MULTIPLIER; // < 2^43, exact
  const bLow = b % 65536;
  const sum = a + bLow * 65536; // < 2^44, exact
  let newLo = sum % TWO32;
  let carry = Math.floor(sum / TWO32) + Math.floor(b / 65536);
  // + sign-extended x
  newLo += x;
  if (newLo >= TWO32) {
    newLo -= TWO32;
    carry += 1;
  }
  const xHi = x >= 0x80000000 ? 0xFFFFFFFF : 0;
  state[0] = Math.imul(state[0], NGRAM_MULTIPLIER) + carry + xHi;
  state[1] = newLo;
}

/** (hi * 2^32 + lo) % m for m < 2^26 (every product below stays exact in a double). */
function mod64(hi: number, lo: number, m: number): number {
  return ((hi % m) * (TWO32 % m) + (lo % m)) % m;
}

/** Largest bucket count the fast path handles exactly; above it BigInt is used. */
const FAST_BUCKETS = 1 << 26;

/**
 * Appends to `out` the bucket (0 <= b < buckets) of every word n-gram of length 2..n over
 * the word hashes (u32, one per token including out-of-vocabulary ones and fastText's
 * end-of-line token), in fastText's order: by start position, then by length.
 */
export function wordNgramBuckets(
  hashes: ArrayLike<number>,
  n: number,
  buckets: number,
  out: number[],
): void {
  if (n <= 1 || buckets <= 0) return;
  if (buckets > FAST_BUCKETS) {
    wordNgramBucketsBig(hashes, n, buckets, out);
    return;
  }
  const state = new Uint32Array(2);
  const len = hashes.length;
  for (let i = 0; i < len; i++) {
    const first = hashes[i] >>> 0;
    state[0] = first >= 0x80000000 ? 0xFFFFFFFF : 0;
    state[1] = first;
    for (let j = i + 1; j < len && j < i + n; j++) {
      step(state, hashes[j] >>> 0);
      out.push(mod64(state[0], state[1], buckets));
    }
  }
}

const MASK64 = (1n << 64n) - 1n;

function signExtend(h: number): bigint {
  return BigInt.asUintN(64, BigInt(h | 0));
}

/** The same n-gram buckets computed with BigInt, literally as fastText's C++ does. */
export function wordNgramBucketsBig(
  hashes: ArrayLike<number>,
  n: number,
  buckets: number,
  out: number[],
): void {
  const m = BigInt(buckets);
  for (let i = 0; i < hashes.length; i++) {
    let h = signExtend(hashes[i]);
    for (let j = i + 1; j < hashes.length && j < i + n; j++) {
      h = (h * BigInt(NGRAM_MULTIPLIER) + signExtend(hashes[j])) & MASK64;
      out.push(Number(h % m));
    }
  }
}
