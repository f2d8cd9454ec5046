// Node half of the cross-runtime check (the Deno half is tests/cross_runtime_test.ts): Node,
// running the bundle, trains with the settings of tests/fixtures/cross_runtime.json and must
// get bit-identical vectors to Deno's, and must read the .nsm/.nsq files Deno wrote.
// Run by tests/cross_runtime_test.ts with NEGSAMP_CROSS_DIR holding Deno's files; run alone
// (node --test), it first has Deno train its model (tests/support/cross_train.ts).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { denoBinary, loadPackage, ROOT, sameBits } from "./helpers.mjs";

const spec = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/cross_runtime.json"), "utf8"));
const given = process.env.NEGSAMP_CROSS_DIR;
const dir = given ?? mkdtempSync(join(tmpdir(), "negsamp-cross-"));
after(() => {
  if (!given) rmSync(dir, { recursive: true, force: true });
});

test("node (bundle) trains the same vectors as deno and reads deno's files", async () => {
  const { defaultCorpus, encodeModelFile, loadModel, loadVectors, saveModel, trainModel } =
    await loadPackage();
  if (!existsSync(join(dir, "deno.nsm"))) {
    const r = spawnSync(
      denoBinary(),
      ["run", "--allow-read", "--allow-write", "tests/support/cross_train.ts", dir],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } },
    );
    assert.equal(r.status, 0, `deno failed to train the reference:\n${r.stdout}\n${r.stderr}`);
  }
  const model = await trainModel(await defaultCorpus(), spec.settings, {
    kernel: spec.kernel,
    onNotice() {},
  });
  await saveModel(model, join(dir, "node.nsm"));
  await saveModel(model, join(dir, "node.nsq"));

  const fromDeno = await loadModel(join(dir, "deno.nsm"));
  assert.deepEqual(fromDeno.vocab.words, model.vocab.words);
  assert.deepEqual(fromDeno.config, model.config);
  assert.ok(sameBits(fromDeno.input, model.input), "input vectors differ from Deno's");
  assert.ok(sameBits(fromDeno.output, model.output), "output vectors differ from Deno's");

  // The same queries give the same answers on Deno's model and on Node's own.
  const a = await fromDeno.vectors({ kernel: spec.kernel });
  const b = await model.vectors({ kernel: spec.kernel });
  for (const word of spec.probe) {
    assert.deepEqual(a.mostSimilar(word, [], 5), b.mostSimilar(word, [], 5), word);
  }
  // Deno's quantized file is byte-identical to Node's encoding, and loads.
  const nsq = readFileSync(join(dir, "deno.nsq"));
  assert.ok(Buffer.from(encodeModelFile(model, "m.nsq")).equals(nsq), "deno.nsq differs");
  const q = await loadVectors(join(dir, "deno.nsq"), { kernel: spec.kernel });
  assert.equal(q.size, model.vocab.size);
});
