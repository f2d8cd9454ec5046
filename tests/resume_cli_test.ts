// Interrupted training from the command line: Ctrl-C (SIGINT) or SIGTERM writes a
// checkpoint and exits 130 / 143 with the command that resumes; --resume finishes the run
// byte-identical to an uninterrupted one (1 thread); a resume on another corpus or with other
// settings is refused; a new run never overwrites a checkpoint; a diverging run keeps the
// last good checkpoint. The signals are real: `deno run -A train.ts` in a subprocess.
import { main } from "../src/cli/main.ts";
import type { CliIO } from "../src/cli/common.ts";
import { decodeCheckpoint, loadVectors } from "../src/model.ts";
import { assert, assertEquals, assertGreater, assertStringIncludes } from "./assert.ts";
import { fileExists } from "../src/io/files.ts";

const TRAIN_TS = new URL("../train.ts", import.meta.url).pathname;
const dec = new TextDecoder();

interface Result {
  code: number;
  out: string;
  err: string;
}

/** The CLI in this process, output captured; `onErr` sees stderr as it is written. */
async function cli(
  args: string[],
  onErr?: (text: string, interrupt: (signal: "SIGINT" | "SIGTERM") => void) => void,
): Promise<Result> {
  let out = "", err = "";
  let handler: ((signal?: "SIGINT" | "SIGTERM") => void) | undefined;
  const io: CliIO = {
    out: (t) => out += t,
    err: (t) => {
      err += t;
      onErr?.(err, (signal) => handler?.(signal));
    },
    errIsTerminal: false,
    columns: 80,
    cwd: Deno.cwd(),
    onInterrupt(h) {
      handler = h;
      return () => handler = undefined;
    },
  };
  const code = await main(args, io);
  return { code, out, err };
}

/**
 * `deno run -A train.ts ...args` in `cwd`; when stderr first matches `when`, the process
 * gets `signal`.
 */
async function spawn(
  args: string[],
  cwd: string,
  stop?: { when: RegExp; signal: Deno.Signal },
): Promise<Result & { signalled: boolean }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TRAIN_TS, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let err = "";
  let signalled = false;
  const reading = (async () => {
    for await (const bytes of child.stderr) {
      err += dec.decode(bytes, { stream: true });
      if (stop && !signalled && stop.when.test(err)) {
        signalled = true;
        child.kill(stop.signal);
      }
    }
  })();
  const [status, stdout] = await Promise.all([child.status, new Response(child.stdout).text()]);
  await reading;
  return { code: status.code, out: stdout, err, signalled };
}

/** Sentences of 12 words on 20 topics, ~12 tokens x `n`. */
function corpusText(n: number): string {
  let state = 11;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let s = 0; s < n; s++) {
    const topic = Math.floor(next() * 20);
    lines.push(Array.from({ length: 12 }, () => `w${topic}_${Math.floor(next() * 50)}`).join(" "));
  }
  return lines.join("\n") + "\n";
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "negsamp_resume_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Settings of every run here: small, one thread (reproducible), several chunks an epoch. */
const SETTINGS = [
  "--dim",
  "16",
  "--epochs",
  "3",
  "--min-count",
  "1",
  "--threads",
  "1",
  "--seed",
  "7",
  "--chunk-tokens",
  "16384",
];

Deno.test("resume cli: Ctrl-C writes a checkpoint and exits 130; --resume ends byte-identical", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/corpus.txt`, corpusText(30000));
    const base = ["--input", "corpus.txt", ...SETTINGS];
    // Interrupted as soon as training reports progress.
    const stopped = await spawn(
      [...base, "--output", "out/resumed.vec", "--progress-every", "0.05"],
      dir,
      { when: /^epoch \d\/3 /m, signal: "SIGINT" },
    );
    assert(stopped.signalled, `the run ended before it could be interrupted: ${stopped.err}`);
    assertEquals(stopped.code, 130, stopped.err);
    assertStringIncludes(stopped.err, "interrupted (Ctrl-C) in epoch ");
    assertStringIncludes(stopped.err, "checkpoint written to out/checkpoint.nsm");
    assertStringIncludes(stopped.err, "resume with: deno task train --resume out/checkpoint.nsm");
    assert(!/\n\s+at /.test(stopped.err), `no stack trace: ${stopped.err}`);
    assert(!(await fileExists(`${dir}/out/resumed.vec`)), "no output before the run is complete");
    const saved = decodeCheckpoint(await Deno.readFile(`${dir}/out/checkpoint.nsm`));
    assertEquals(saved.checkpoint.config.seed, 7);
    assertEquals(saved.corpus?.name, "corpus.txt");
    assertEquals(saved.corpus?.tokens, 360000);
    assertGreater(saved.checkpoint.wordsDone, 0);
    // Only temporary files of the atomic writes could be left, and none is.
    assertEquals([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name), ["checkpoint.nsm"]);
    // The checkpoint can be queried like a model.
    const vectors = await loadVectors(`${dir}/out/checkpoint.nsm`);
    assertEquals(vectors.size, 1000);

    // A new run (not --resume) refuses to overwrite the checkpoint.
    const fresh = await spawn([...base, "--output", "out/other.vec"], dir);
    assertEquals(fresh.code, 1, fresh.err);
    assertStringIncludes(fresh.err, "out/checkpoint.nsm already exists");
    assertStringIncludes(fresh.err, "--resume out/checkpoint.nsm");

    // The printed command line resumes the run (corpus, settings and output from the file).
    const resumed = await spawn(["--resume", "out/checkpoint.nsm"], dir);
    assertEquals(resumed.code, 0, resumed.err);
    assertStringIncludes(resumed.err, "resuming the run in out/checkpoint.nsm (epoch ");
    assertStringIncludes(resumed.out, "wrote out/resumed.vec");
    assertStringIncludes(resumed.err, "removed the checkpoint out/checkpoint.nsm");
    assert(
      !(await fileExists(`${dir}/out/checkpoint.nsm`)),
      "the checkpoint is removed at the end",
    );

    const full = await spawn([...base, "--output", "out/full.vec", "-q"], dir);
    assertEquals(full.code, 0, full.err);
    const a = await Deno.readFile(`${dir}/out/full.vec`);
    const b = await Deno.readFile(`${dir}/out/resumed.vec`);
    assertEquals(b.length, a.length, "resumed and uninterrupted .vec sizes");
    assert(
      a.every((x, i) => x === b[i]),
      "the resumed run's vectors equal the uninterrupted run's",
    );
  });
});

Deno.test("resume cli: SIGTERM exits 143; a resume on another corpus or with other settings is refused", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/corpus.txt`, corpusText(30000));
    const base = ["--input", "corpus.txt", ...SETTINGS, "--output", "out/m.nsm"];
    const stopped = await spawn(
      [...base, "--checkpoint", "ck/run.nsm", "--progress-every", "0.05"],
      dir,
      { when: /^epoch \d\/3 /m, signal: "SIGTERM" },
    );
    assert(stopped.signalled, `the run ended before it could be stopped: ${stopped.err}`);
    assertEquals(stopped.code, 143, stopped.err);
    assertStringIncludes(stopped.err, "interrupted (SIGTERM) in epoch ");
    assertStringIncludes(stopped.err, "resume with: deno task train --resume ck/run.nsm");
    const path = `${dir}/ck/run.nsm`;
    const before = await Deno.readFile(path);
    decodeCheckpoint(before, path);

    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      // Settings that differ from the run's are a usage error naming the flag.
      const other = await cli(["--resume", "ck/run.nsm", "--dim", "32"]);
      assertEquals(other.code, 2, other.err);
      assertStringIncludes(other.err, "--dim 32: the run in ck/run.nsm was started with dim 16");
      // Another corpus (one sentence more) is refused once its words are counted.
      await Deno.writeTextFile("changed.txt", corpusText(30001));
      const changed = await cli(["--resume", "ck/run.nsm", "--input", "changed.txt"]);
      assertEquals(changed.code, 1, changed.err);
      assertStringIncludes(changed.err, "--resume: ck/run.nsm was trained on corpus.txt");
      assertStringIncludes(changed.err, "resume with the same corpus and settings");
      // Not a checkpoint at all.
      await Deno.writeTextFile("words.vec", "1 2\nw 0.5 0.25\n");
      const notCheckpoint = await cli(["--resume", "words.vec"]);
      assertEquals(notCheckpoint.code, 1);
      assertStringIncludes(notCheckpoint.err, "words.vec");
      // Options that contradict each other.
      const same = await cli([
        "--input",
        "corpus.txt",
        "--output",
        "o.nsm",
        "--checkpoint",
        "o.nsm",
      ]);
      assertEquals(same.code, 2);
      assertStringIncludes(same.err, "--checkpoint: o.nsm is also the output");
      const ext = await cli(["--input", "corpus.txt", "--checkpoint", "ck.vec"]);
      assertEquals(ext.code, 2);
      assertStringIncludes(ext.err, "name it *.nsm");
      const every = await cli(["--input", "corpus.txt", "--checkpoint-every", "0"]);
      assertEquals(every.code, 2);
      assertStringIncludes(every.err, "--checkpoint-every: 0 is out of range");
    } finally {
      Deno.chdir(cwd);
    }
    // None of the refused runs touched the checkpoint.
    const after = await Deno.readFile(path);
    assert(after.length === before.length && after.every((x, i) => x === before[i]));
  });
});

Deno.test("resume cli: a diverging run exits 1, says lower --lr, keeps the last good checkpoint", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/corpus.txt`, corpusText(20000));
    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      // The rate at which a run diverges after its first checkpoints depends on the kernel's
      // arithmetic: try a few until one does (each fails fast).
      let kept = false;
      for (const lr of ["0.6", "0.8", "0.5", "0.7", "1", "0.4"]) {
        const r = await cli([
          "--input",
          "corpus.txt",
          ...SETTINGS,
          "--output",
          "out/d.vec",
          "--lr",
          lr,
          "--checkpoint-every",
          "0.000001",
        ]);
        if (r.code === 0) {
          await Deno.remove("out/d.vec");
          continue;
        }
        assertEquals(r.code, 1, r.err);
        assertStringIncludes(r.err, "error: training diverged in epoch ");
        assertStringIncludes(r.err, "lower --lr");
        assert(!(await fileExists("out/d.vec")), "no output from a diverged run");
        if (!(await fileExists("out/checkpoint.nsm"))) continue; // diverged in the first chunk
        assertStringIncludes(r.err, "The last good checkpoint (epoch ");
        assertStringIncludes(r.err, "is kept in out/checkpoint.nsm");
        const { checkpoint } = decodeCheckpoint(await Deno.readFile("out/checkpoint.nsm"));
        assert(checkpoint.input.every(Number.isFinite) && checkpoint.output.every(Number.isFinite));
        assertEquals([...Deno.readDirSync("out")].map((e) => e.name), ["checkpoint.nsm"]);
        kept = true;
        break;
      }
      assert(kept, "no learning rate diverged after a checkpoint");
    } finally {
      Deno.chdir(cwd);
    }
  });
});
