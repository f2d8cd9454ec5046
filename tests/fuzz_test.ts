// Property-based fuzzing of every model and vector loader (fast-check): for any input, the
// only acceptable outcomes are a well-formed table or a FormatError naming the file — never
// another exception, a hang, or an allocation the input cannot justify (tests/fuzz_targets.ts).
//
// Here each loader runs for a bounded time (NEGSAMP_FUZZ_SECONDS, default 1.5 s; renamed
// files a third of it) from a fixed seed; `deno task fuzz` runs each for 2 minutes (or
// NEGSAMP_FUZZ_SECONDS) from a new seed (or NEGSAMP_FUZZ_SEED).
// A failing input is shrunk and kept as tests/fixtures/fuzz/<loader>-<sha256>.bin; the replay
// test below runs every kept input on every run.
import fc from "fast-check";
import { assert, assertEquals } from "./assert.ts";
import { type FuzzTarget, judge, mislabelledTargets, TARGETS } from "./fuzz_targets.ts";

const FIXTURES = new URL("./fixtures/fuzz/", import.meta.url);

function envNumber(name: string): number | undefined {
  try {
    const v = Deno.env.get(name);
    return v === undefined || v === "" ? undefined : Number(v);
  } catch {
    return undefined; // no --allow-env
  }
}

/** `deno task fuzz` sets NEGSAMP_FUZZ_LONG: minutes per loader, a new seed each run. */
const LONG = envNumber("NEGSAMP_FUZZ_LONG") === 1;
const SECONDS = envNumber("NEGSAMP_FUZZ_SECONDS") ?? (LONG ? 120 : 1.5);
const SEED = envNumber("NEGSAMP_FUZZ_SEED") ?? (LONG ? Date.now() % 2 ** 31 : 20240517);

/** Names a kept input (a CRC would not do: every file ending in its own CRC has the same). */
async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(hash.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface FuzzReport {
  target: string;
  runs: number;
  seconds: number;
  failed: boolean;
  seed: number;
}

/** Runs `target` for about `seconds`; a failure is shrunk, saved as a fixture and thrown. */
export async function fuzz(target: FuzzTarget, seconds: number, seed = SEED): Promise<FuzzReport> {
  let runs = 0;
  const start = performance.now();
  const details = await fc.check(
    fc.asyncProperty(target.inputs(), async (bytes) => {
      runs++;
      const why = await judge(target, bytes);
      if (why !== undefined) throw new Error(why);
    }),
    {
      seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: seconds * 1000,
      markInterruptAsFailure: false,
    },
  );
  const report = {
    target: target.name,
    runs,
    seconds: (performance.now() - start) / 1000,
    failed: details.failed,
    seed,
  };
  console.log(
    `fuzz ${target.name}: ${runs} inputs in ${report.seconds.toFixed(1)} s (seed ${seed})` +
      (details.failed ? ": FAILED" : ", all a table or a FormatError"),
  );
  if (details.failed && details.counterexample) {
    const bytes = details.counterexample[0] as Uint8Array;
    const name = `${target.name}-${await digest(bytes)}.bin`;
    await Deno.mkdir(FIXTURES, { recursive: true });
    await Deno.writeFile(new URL(name, FIXTURES), bytes);
    const why = await judge(target, bytes);
    throw new Error(
      `${target.name}: ${why} (input of ${bytes.length} bytes kept as tests/fixtures/fuzz/` +
        `${name}; seed ${seed}, path ${details.counterexamplePath})`,
    );
  }
  return report;
}

for (const target of TARGETS) {
  Deno.test(`fuzz: ${target.name} (${target.path}): a table or a FormatError`, async () => {
    const r = await fuzz(target, SECONDS);
    assert(r.runs > 20, `only ${r.runs} inputs ran`);
  });
}

Deno.test("fuzz: mislabelled files (any format under any name) load or fail clearly", async () => {
  for (const target of mislabelledTargets()) {
    const r = await fuzz(target, SECONDS / 3);
    assert(r.runs > 10, `${target.name}: only ${r.runs} inputs ran`);
  }
});

Deno.test("fuzz: every kept failing input now loads or fails with a FormatError", async () => {
  const byName = new Map(
    [...TARGETS, ...mislabelledTargets()].map((t) => [t.name, t] as const),
  );
  let replayed = 0;
  for await (const entry of Deno.readDir(FIXTURES)) {
    if (!entry.name.endsWith(".bin")) continue;
    const name = entry.name.slice(0, entry.name.lastIndexOf("-"));
    const target = byName.get(name);
    assert(target !== undefined, `fixture ${entry.name} names no fuzz target`);
    const bytes = await Deno.readFile(new URL(entry.name, FIXTURES));
    assertEquals(await judge(target, bytes), undefined, entry.name);
    replayed++;
  }
  assert(replayed > 0, "no fixtures replayed");
});
