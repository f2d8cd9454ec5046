// Trains the cross-runtime reference model in Deno (from src/) and writes it as deno.nsm and
// deno.nsq into the folder given, for tests/node/cross_runtime.node.mjs to compare with the
// model Node trains from the bundle. Also used in-process by tests/cross_runtime_test.ts.
//   deno run --allow-read --allow-write tests/support/cross_train.ts OUT_DIR
import {
  defaultCorpus,
  type KernelVariant,
  type Model,
  saveModel,
  trainModel,
} from "../../src/mod.ts";
import type { TrainConfig } from "../../src/mod.ts";

export interface CrossSpec {
  kernel: KernelVariant;
  settings: Partial<TrainConfig>;
  probe: string[];
}

export async function crossSpec(): Promise<CrossSpec> {
  const url = new URL("../fixtures/cross_runtime.json", import.meta.url);
  return JSON.parse(await Deno.readTextFile(url)) as CrossSpec;
}

export async function trainReference(spec: CrossSpec): Promise<Model> {
  return await trainModel(await defaultCorpus(), spec.settings, {
    kernel: spec.kernel,
    onNotice: () => {},
  });
}

if (import.meta.main) {
  const out = Deno.args[0];
  if (!out) throw new Error("usage: cross_train.ts OUT_DIR");
  const model = await trainReference(await crossSpec());
  await saveModel(model, `${out}/deno.nsm`);
  await saveModel(model, `${out}/deno.nsq`);
  console.log(`deno: trained ${model.vocab.size} words x ${model.dim}, wrote ${out}/deno.nsm`);
}
