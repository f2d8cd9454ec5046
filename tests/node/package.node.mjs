// The npm package as consumers see it: "negsamp" and its subpaths resolve through
// package.json "exports" to the esbuild bundle; a browser bundler and a Workers bundler
// (the "workerd" condition) can bundle it; threads work from the bundle (worker_threads).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { loadPackage, ROOT } from "./helpers.mjs";

test("exports: negsamp and its .wasm subpaths resolve into dist/", async () => {
  await loadPackage();
  const main = fileURLToPath(import.meta.resolve("negsamp"));
  assert.equal(main, `${ROOT}dist/negsamp.js`);
  for (const sub of ["negsamp.wasm", "negsamp-relaxed.wasm", "negsamp-threads.wasm"]) {
    const path = fileURLToPath(import.meta.resolve(`negsamp/${sub}`));
    assert.ok(existsSync(path), path);
    assert.ok(WebAssembly.validate(readFileSync(path)) || sub.includes("relaxed"), sub);
  }
  assert.ok(existsSync(fileURLToPath(import.meta.resolve("negsamp/worker"))));
});

test("node picks the plain SIMD kernel when relaxed SIMD is missing", async () => {
  const { supportsRelaxedSimd } = await loadPackage();
  const relaxed = WebAssembly.validate(readFileSync(`${ROOT}dist/negsamp-relaxed.wasm`));
  assert.equal(supportsRelaxedSimd(), relaxed);
});

const entry = {
  contents: 'export { Vectors, vectorsFromBytes, useKernelModule } from "negsamp";',
  resolveDir: ROOT,
  loader: "js",
};

test("a browser bundler bundles the package with no Node built-in left static", async () => {
  const out = await build({
    stdin: entry,
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    logLevel: "silent",
  });
  assert.equal(out.errors.length, 0);
  const js = out.outputFiles[0].text;
  assert.doesNotMatch(js, /^\s*import [^(]*from\s*["']node:/m);
  for (const f of ["negsamp", "negsamp-relaxed", "negsamp-threads", "negsamp-threads-relaxed"]) {
    assert.ok(js.includes(`new URL("./${f}.wasm", import.meta.url)`), f);
  }
});

test("a Workers bundler (workerd condition) gets the entry that imports the kernel", async () => {
  const out = await build({
    stdin: entry,
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
    logLevel: "silent",
  });
  const js = out.outputFiles[0].text;
  assert.match(js, /import \w+ from "\.\/negsamp\.wasm"/);
  assert.match(js, /useKernelModule\(\w+\)/);
});

test("threads train from the bundle (worker_threads run dist/negsamp-worker.js)", async () => {
  const { memoryCorpus, trainModel } = await loadPackage();
  const words = ["red", "green", "blue", "cat", "dog", "mouse", "one", "two", "three"];
  const lines = [];
  for (let i = 0; i < 4000; i++) {
    const group = (i % 3) * 3;
    lines.push(Array.from({ length: 8 }, (_, j) => words[group + ((i + j) % 3)]).join(" "));
  }
  const model = await trainModel(memoryCorpus("groups", lines.join("\n")), {
    dim: 16,
    epochs: 2,
    minCount: 1,
    threads: 2,
    chunkTokens: 16384,
  });
  const vectors = await model.vectors();
  const near = vectors.mostSimilar("cat", [], 2).map((n) => n.word).sort();
  assert.deepEqual(near, ["dog", "mouse"]);
});
