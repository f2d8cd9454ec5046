// Bundles the library for Node, browsers, bundlers and Cloudflare Workers into dist/ with the
// pinned esbuild (npm devDependency):
//   dist/negsamp.js          the whole public API (src/mod.ts) as one ES module; runtime-neutral:
//                            Node (>= 20) and Deno read the kernel from the file beside it,
//                            browsers fetch it (streaming compile)
//   dist/negsamp.workerd.js  Cloudflare Workers entry: imports negsamp.wasm as a compiled
//                            module (Workers cannot compile WebAssembly at run time), hands it
//                            to useKernelModule, re-exports everything
//   dist/negsamp-worker.js   a training thread (threads > 1), loaded from beside the bundle
//   dist/*.wasm              the kernels (build/), dist/public-domain.txt.gz the default corpus
// package.json "exports" maps `import ... from "negsamp"` to these files.
//   node build/bundle.mjs [outDir]
import { build } from "esbuild";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[2] ?? join(root, "dist"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

// Assets are found relative to the module that loads them (new URL(..., import.meta.url)).
// In the sources they sit in build/ and data/ two folders up; in dist/ they sit beside the
// bundle. Each rewrite must match exactly as often as listed, or the build fails (so a change
// to these files cannot silently break the bundle).
// [from, to, how many times from must occur]
const REWRITES = {
  "src/kernel/module.ts": [[`"../../build/negsamp`, `"./negsamp`, 4]],
  "src/corpus/default.ts": [[`"../../data/public-domain.txt.gz"`, `"./public-domain.txt.gz"`, 1]],
};
const ASSETS = [
  ...readdirSync(join(root, "build")).filter((f) => f.endsWith(".wasm")).map((f) => `build/${f}`),
  "data/public-domain.txt.gz",
];

const assetUrls = {
  name: "negsamp-asset-urls",
  setup(b) {
    const seen = new Set();
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = relative(root, args.path).split("\\").join("/");
      const rules = REWRITES[rel];
      if (!rules) return undefined;
      seen.add(rel);
      let text = readFileSync(args.path, "utf8");
      for (const [from, to, times] of rules) {
        const n = text.split(from).length - 1;
        if (n !== times) {
          throw new Error(
            `${rel}: expected ${JSON.stringify(from)} ${times} time(s), found it ${n} times`,
          );
        }
        text = text.split(from).join(to);
      }
      return { contents: text, loader: "ts" };
    });
    b.onEnd((result) => {
      if (result.errors.length > 0) return;
      const entry = b.initialOptions.entryPoints.join(" ");
      if (!entry.includes("mod.ts")) return;
      for (const rel of Object.keys(REWRITES)) {
        if (!seen.has(rel)) throw new Error(`bundle: ${rel} was not part of the bundle`);
      }
    });
  },
};

const common = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  charset: "utf8",
  // Node built-ins are only imported lazily, where Node is the runtime (src/runtime/node.ts);
  // keep any such import as is rather than resolving it.
  external: ["node:*"],
  banner: { js: `// negsamp ${pkg.version} (bundled by build/bundle.mjs from src/)` },
  logLevel: "warning",
  plugins: [assetUrls],
};

// Build beside the output folder, then swap it in, so a reader (a test, the dev server) never
// sees a half-written dist/.
const stage = `${outDir}.tmp-${process.pid}`;
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
await build({
  ...common,
  entryPoints: [join(root, "src/mod.ts")],
  outfile: join(stage, "negsamp.js"),
});
await build({
  ...common,
  entryPoints: [join(root, "src/train/worker.ts")],
  outfile: join(stage, "negsamp-worker.js"),
});
writeFileSync(
  join(stage, "negsamp.workerd.js"),
  `// negsamp ${pkg.version}: Cloudflare Workers entry (written by build/bundle.mjs).
// Workers cannot compile WebAssembly at run time: the kernel is imported as a compiled module
// (wrangler's default rule for .wasm imports) and handed to the library before any use.
import kernel from "./negsamp.wasm";
import { useKernelModule } from "./negsamp.js";
useKernelModule(kernel);
export * from "./negsamp.js";
`,
);
for (const asset of ASSETS) {
  copyFileSync(join(root, asset), join(stage, asset.slice(asset.lastIndexOf("/") + 1)));
}
const old = `${outDir}.old-${process.pid}`;
if (existsSync(outDir)) renameSync(outDir, old);
renameSync(stage, outDir);
rmSync(old, { recursive: true, force: true });

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const file of readdirSync(outDir).sort()) {
  const bytes = readFileSync(join(outDir, file));
  const gz = file.endsWith(".gz") ? "" : `, ${kib(gzipSync(bytes, { level: 9 }).length)} gzip`;
  console.log(`${relative(root, join(outDir, file))}  ${kib(bytes.length)}${gz}`);
}
