// Helpers for tests that run the esbuild bundle (dist/) or other programs: the repository
// root, the bundle (rebuilt once per test process so it matches src/), and running a command
// with a time limit.

export const ROOT = new URL("../../", import.meta.url);
export const ROOT_PATH = decodeURIComponent(ROOT.pathname);

let built: Promise<void> | undefined;

/** Rebuilds dist/ with build/bundle.mjs (once per process). */
export function ensureBundle(): Promise<void> {
  built ??= run("node", ["build/bundle.mjs"], { timeoutMs: 60_000 }).then((r) => {
    if (r.code !== 0) throw new Error(`node build/bundle.mjs failed:\n${r.stdout}\n${r.stderr}`);
  });
  return built;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program from the repository root; kills it after `timeoutMs`. */
export async function run(
  program: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunResult> {
  const out = await new Deno.Command(program, {
    args,
    cwd: ROOT_PATH,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Bit-for-bit equality of two float arrays (a message names the first difference). */
export function sameBits(a: Float32Array, b: Float32Array): string | undefined {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return `first difference at ${i}: ${a[i]} vs ${b[i]}`;
  }
  return undefined;
}
