// Bundles the Worker the way `wrangler deploy` does (esbuild; the "workerd", "worker" and
// "browser" export conditions; .wasm imports become compiled-module modules and .nsq imports
// data modules), into a folder of modules that workerd (Miniflare) can run as is. Used by
// tests/worker_test.ts and bench/worker.ts, and to measure the upload size. Needs dist/
// (node build/bundle.mjs).
//   node examples/worker/build.mjs [--model path/to/model.nsq] [--out out/worker] [--minify]
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: "string", default: join(here, "model.nsq") },
    out: { type: "string", default: join(here, "..", "..", "out", "worker") },
    minify: { type: "boolean", default: false },
  },
});
const out = resolve(values.out);
const model = resolve(values.model);
statSync(model); // fails clearly when the model is missing (deno task worker:model)

/** The non-JS modules, by the name the bundle imports them as: [type, source path]. */
const modules = new Map();
const attach = {
  name: "worker-modules",
  setup(b) {
    b.onResolve({ filter: /\.(wasm|nsq)$/ }, (args) => {
      const source = args.path.endsWith(".nsq") ? model : resolve(args.resolveDir, args.path);
      const name = source.endsWith(".nsq") ? "model.nsq" : basename(source);
      modules.set(name, [source.endsWith(".wasm") ? "CompiledWasm" : "Data", source]);
      return { path: `./${name}`, external: true };
    });
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "index.ts")],
  outfile: join(out, "index.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  minify: values.minify,
  plugins: [attach],
  logLevel: "warning",
});
for (const [name, [, source]] of modules) copyFileSync(source, join(out, name));

let raw = 0, gz = 0;
const report = [["index.js", "ESModule"], ...[...modules].map(([n, [t]]) => [n, t])];
for (const [name, type] of report) {
  const bytes = readFileSync(join(out, name));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${name}\t${type}\t${bytes.length} bytes\t${z} gzip`);
}
console.log(`total\t\t${raw} bytes\t${gz} gzip`);
console.log(JSON.stringify({ out, modules: report }));
