// Assertions for the test suite (JSR's @std/assert is not reachable from here, so
// the project keeps its own small set).

export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && equal(v, b.get(k)));
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length &&
    ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  if (ArrayBuffer.isView(v)) {
    const items = Array.from(v as unknown as ArrayLike<number>).slice(0, 8);
    return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length}) [${items}...]`;
  }
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text;
}

/** Deep equality (typed arrays compared byte for byte). */
export function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

export function assertNotEquals(actual: unknown, unexpected: unknown, message = ""): void {
  if (equal(actual, unexpected)) {
    throw new AssertionError(`${message ? message + ": " : ""}did not expect ${show(actual)}`);
  }
}

export function assertClose(actual: number, expected: number, tolerance = 1e-6, message = "") {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}${actual} is not within ${tolerance} of ${expected}`,
    );
  }
}

export function assertGreater(actual: number, bound: number, message = ""): void {
  if (!(actual > bound)) {
    throw new AssertionError(`${message ? message + ": " : ""}${actual} is not > ${bound}`);
  }
}

export function assertLess(actual: number, bound: number, message = ""): void {
  if (!(actual < bound)) {
    throw new AssertionError(`${message ? message + ": " : ""}${actual} is not < ${bound}`);
  }
}

export function assertStringIncludes(text: string, part: string, message = ""): void {
  if (!text.includes(part)) {
    throw new AssertionError(`${message ? message + ": " : ""}${show(text)} lacks ${show(part)}`);
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

function checkError(e: unknown, type: ErrorClass | undefined, includes: string[]): Error {
  if (!(e instanceof Error)) throw new AssertionError(`expected an Error, got ${show(e)}`);
  const error: Error = e;
  if (type && !(error instanceof type)) {
    throw new AssertionError(`expected ${type.name}, got ${e.name}: ${e.message}`);
  }
  for (const part of includes) {
    if (!e.message.includes(part)) {
      throw new AssertionError(`error message ${show(e.message)} lacks ${show(part)}`);
    }
  }
  return e;
}

/** Expects `fn` to throw a `type` whose message contains every one of `includes`. */
export function assertThrows(fn: () => unknown, type?: ErrorClass, ...includes: string[]): Error {
  try {
    fn();
  } catch (e) {
    return checkError(e, type, includes);
  }
  throw new AssertionError("expected the function to throw");
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  type?: ErrorClass,
  ...includes: string[]
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, type, includes);
  }
  throw new AssertionError("expected the promise to reject");
}
