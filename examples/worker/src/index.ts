// Cloudflare Worker: nearest neighbours, analogies and vectors from a quantized negsamp model
// bundled with the Worker. `import ... from "negsamp"` resolves to the package's "workerd"
// entry, which imports the kernel .wasm as a compiled module (Workers cannot compile
// WebAssembly at run time) and hands it to the library. The model (model.nsq, made by
// `deno task worker:model`) is bundled as bytes (wrangler.toml: rule type "Data").
import { vectorsFromBytes } from "negsamp";
import model from "../model.nsq";
import { handle } from "./handler.ts";

// Decoded once per isolate, in the global scope: Workers give start-up its own CPU allowance
// (1 s), so no request pays for it, and a model that fails to decode fails the deploy
// rather than requests.
const vectors = await vectorsFromBytes(new Uint8Array(model), "model.nsq");

export default {
  fetch(request: Request): Promise<Response> {
    return handle(request, () => Promise.resolve(vectors));
  },
};
