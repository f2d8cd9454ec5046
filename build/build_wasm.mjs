// Builds the WebAssembly kernels from assembly/ with the pinned asc (npm devDependency).
// Output is deterministic for a given asc version: tests/build_test.ts rebuilds into a
// temp folder and checks the committed files are byte-identical.
//   node build/build_wasm.mjs [outDir]
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[2] ?? join(root, "build"));
mkdirSync(outDir, { recursive: true });

// Every variant imports its memory from the host (the host owns the layout) and has
// no other import (`--use abort=` drops asc's abort hook; the kernel never allocates).
const common = [
  "assembly/index.ts",
  "--runtime",
  "stub",
  "--importMemory",
  "--use",
  "abort=",
  "-O3",
  "--noAssert",
  "--converge",
];
// Threaded builds import a shared memory (up to the 4 GiB maximum), which every
// worker instantiates the same module against; they need SharedArrayBuffer.
const shared = ["--sharedMemory", "--maximumMemory", "65536"];
export const variants = {
  // Plain SIMD: runs everywhere (Node 20 without flags, Safari, Workers).
  "negsamp.wasm": ["--enable", "simd"],
  // Fused multiply-add: picked at run time where the engine validates it.
  "negsamp-relaxed.wasm": ["--enable", "simd,relaxed-simd"],
  "negsamp-threads.wasm": ["--enable", "simd,threads", ...shared],
  "negsamp-threads-relaxed.wasm": ["--enable", "simd,relaxed-simd,threads", ...shared],
};

const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
for (const [name, flags] of Object.entries(variants)) {
  const out = join(outDir, name);
  execFileSync(process.execPath, [asc, ...common, ...flags, "-o", out], {
    cwd: root,
    stdio: "inherit",
  });
  console.log(`built ${out}`);
}
