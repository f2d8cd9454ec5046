// Deno and Node train the same vectors for the same seed (one thread, plain SIMD kernel), and
// each runtime reads the files the other wrote. Deno runs from src/; Node runs the esbuild
// bundle (dist/, imported as "negsamp" through package.json "exports") under `node --test`
// (tests/node/cross_runtime.node.mjs), which compares its model with the one Deno wrote here.
import { encodeModelFile, loadModel, loadVectors, saveModel } from "../src/mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { ensureBundle, run, sameBits } from "./support/bundle.ts";
import { crossSpec, trainReference } from "./support/cross_train.ts";

Deno.test("cross-runtime: Deno and Node train identical vectors and load each other's models", async () => {
  await ensureBundle();
  const dir = await Deno.makeTempDir({ prefix: "negsamp-cross-" });
  try {
    const spec = await crossSpec();
    const model = await trainReference(spec);
    await saveModel(model, `${dir}/deno.nsm`);
    await saveModel(model, `${dir}/deno.nsq`);

    const node = await run("node", ["--test", "tests/node/cross_runtime.node.mjs"], {
      env: { NEGSAMP_CROSS_DIR: dir },
      timeoutMs: 60_000,
    });
    assert(
      node.code === 0,
      `node --test failed (exit ${node.code}):\n${node.stdout}\n${node.stderr}`,
    );
    assert(/# fail 0/.test(node.stdout), node.stdout);

    // Node's model, loaded here, is bit-identical to Deno's own.
    const fromNode = await loadModel(`${dir}/node.nsm`);
    assertEquals(fromNode.vocab.words, model.vocab.words);
    assertEquals(fromNode.vocab.counts, model.vocab.counts);
    assertEquals(fromNode.config, model.config);
    assertEquals(sameBits(fromNode.input, model.input), undefined, "input vectors");
    assertEquals(sameBits(fromNode.output, model.output), undefined, "output vectors");
    // Node's quantized file is byte-identical to Deno's encoding of its own model.
    assertEquals(await Deno.readFile(`${dir}/node.nsq`), encodeModelFile(model, "m.nsq"));
    const q = await loadVectors(`${dir}/node.nsq`, { kernel: spec.kernel });
    const f = await model.vectors({ kernel: spec.kernel });
    for (const w of spec.probe) {
      const a = q.mostSimilar(w, [], 3).map((n) => n.word);
      const b = f.mostSimilar(w, [], 10).map((n) => n.word);
      assert(a.every((x) => b.includes(x)), `${w}: quantized ${a} vs float ${b}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
