// bench/ceiling.ts end to end on a tiny corpus: one round of its three kinds of training
// (one thread alone, two one-thread trainings at once, one two-thread training), the table's
// arithmetic checked against the seconds it wrote as JSON, and its usage errors.
import { assert, assertEquals } from "./assert.ts";
import { run } from "./support/bundle.ts";

interface Round {
  alone: number;
  independent: number[];
  ours: number;
}

/** A corpus of 600 lines of 30 words drawn from 150, with a fixed seed. */
async function tinyCorpus(dir: string): Promise<string> {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16;
  const lines = Array.from(
    { length: 600 },
    () => Array.from({ length: 30 }, () => `w${next() % 150}`).join(" "),
  );
  const path = `${dir}/tiny.txt`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

Deno.test("bench/ceiling.ts: one round, its ratios computed from the seconds it measured", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const corpus = await tinyCorpus(dir);
    const json = `${dir}/ceiling.json`;
    const r = await run(Deno.execPath(), [
      "run",
      "-A",
      "bench/ceiling.ts",
      ...["--corpus", corpus, "--rounds", "1", "--epochs", "1", "--json", json],
    ]);
    assertEquals(r.code, 0, r.stderr);
    const saved = JSON.parse(await Deno.readTextFile(json)) as { rounds: Round[] };
    assertEquals(saved.rounds.length, 1);
    const [round] = saved.rounds;
    assertEquals(round.independent.length, 2);
    for (const s of [round.alone, round.ours, ...round.independent]) {
      assert(s > 0 && s < 60, `training seconds ${s}`);
    }
    const row = r.stdout.split("\n").find((l) => l.startsWith("| 1 |"));
    assert(row !== undefined, `no row for round 1 in:\n${r.stdout}`);
    const cells = row.split("|").map((c) => c.trim());
    const ceiling = round.alone * (1 / round.independent[0] + 1 / round.independent[1]);
    const ours = round.alone / round.ours;
    assertEquals(cells[5], `${ceiling.toFixed(2)}x`);
    assertEquals(cells[6], `${ours.toFixed(2)}x`);
    assertEquals(cells[7], (ours / ceiling).toFixed(2));
    assert(r.stdout.includes("Median (min–max) over 1 rounds"), r.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench/ceiling.ts: usage errors name the flag and exit 2", async () => {
  const one = await run(Deno.execPath(), ["run", "-A", "bench/ceiling.ts", "--threads", "1"]);
  assertEquals(one.code, 2);
  assert(one.stderr.includes("--threads: 1 must be at least 2"), one.stderr);
  const missing = await run(Deno.execPath(), [
    "run",
    "-A",
    "bench/ceiling.ts",
    ...["--corpus", "/nonexistent/corpus.txt"],
  ]);
  assertEquals(missing.code, 2);
  assert(
    missing.stderr.includes("--corpus: /nonexistent/corpus.txt is not readable"),
    missing.stderr,
  );
});
