// Checkpoints and resume: a single-thread run resumed from any checkpoint ends
// byte-identical to the uninterrupted run; divergence never overwrites a good one.
import { assert, assertEquals, assertGreater, assertRejects } from "./assert.ts";
import { memoryCorpus } from "../src/corpus/source.ts";
import {
  train,
  type TrainingCheckpoint,
  TrainingDiverged,
  TrainingInterrupted,
} from "../src/train/trainer.ts";

/** ~120k tokens: several 16k-token chunks per epoch. */
function corpusText(): string {
  let state = 11;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let s = 0; s < 10000; s++) {
    const topic = Math.floor(next() * 5);
    lines.push(Array.from({ length: 12 }, () => `w${topic}_${Math.floor(next() * 30)}`).join(" "));
  }
  return lines.join("\n");
}

const settings = { dim: 16, epochs: 3, minCount: 1, chunkTokens: 16384, threads: 1, seed: 5 };

for (const model of ["skipgram", "cbow"] as const) {
  Deno.test(`checkpoint: resuming from any checkpoint is byte-identical (${model})`, async () => {
    const corpus = memoryCorpus("topics", corpusText());
    const checkpoints: TrainingCheckpoint[] = [];
    const full = await train(corpus, { ...settings, model }, {
      onCheckpoint: (c) => void checkpoints.push(c),
      checkpointSeconds: 1e-9, // after every chunk
    });
    const midEpoch = checkpoints.filter((c) => c.chunk > 0);
    const epochEnds = checkpoints.filter((c) => c.chunk === 0);
    assertGreater(midEpoch.length, 5);
    assertEquals(epochEnds.map((c) => c.epoch), [2, 3]);
    for (const from of [midEpoch[1], epochEnds[0], midEpoch[midEpoch.length - 2]]) {
      const resumed = await train(corpus, { ...settings, model }, { resume: from });
      assertEquals(resumed.input, full.input, `input after resume at ${from.epoch}/${from.chunk}`);
      assertEquals(
        resumed.output,
        full.output,
        `output after resume at ${from.epoch}/${from.chunk}`,
      );
    }
  });
}

Deno.test("checkpoint: an abort saves a checkpoint and resuming finishes the run", async () => {
  const corpus = memoryCorpus("topics", corpusText());
  const full = await train(corpus, settings);
  const controller = new AbortController();
  let saved: TrainingCheckpoint | undefined;
  let reports = 0;
  const error = await assertRejects(
    () =>
      train(corpus, settings, {
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: () => {
          if (++reports === 4) controller.abort();
        },
        onCheckpoint: (c) => {
          if (c.chunk > 0) saved = c;
        },
      }),
    TrainingInterrupted,
  );
  assert(saved !== undefined, "a checkpoint was handed over on abort");
  assertEquals((error as TrainingInterrupted).checkpoint, saved);
  const resumed = await train(corpus, settings, { resume: saved });
  assertEquals(resumed.input, full.input);
});

Deno.test("checkpoint: divergence stops with the epoch and the setting, no bad checkpoint", async () => {
  const corpus = memoryCorpus("topics", corpusText());
  const checkpoints: TrainingCheckpoint[] = [];
  const error = await assertRejects(
    () =>
      train(corpus, { ...settings, lr: 1000, minLr: 0 }, {
        onCheckpoint: (c) => void checkpoints.push(c),
        checkpointSeconds: 1e-9,
      }),
    TrainingDiverged,
    "lower --lr",
  );
  assert(/epoch \d/.test(error.message), error.message);
  for (const c of checkpoints) {
    assert(c.input.every(Number.isFinite), "a saved checkpoint holds only finite values");
    assert(Number.isFinite(c.lastLoss) || checkpoints.indexOf(c) === 0);
  }
});
