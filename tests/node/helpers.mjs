// Shared by the node --test files: the repository root and the package as Node resolves it
// ("negsamp" through package.json "exports", i.e. the esbuild bundle in dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `import("negsamp")`, with a clear message when the bundle has not been built. */
export async function loadPackage() {
  if (!existsSync(join(ROOT, "dist", "negsamp.js"))) {
    throw new Error(
      "dist/negsamp.js is missing: build the bundle first (node build/bundle.mjs, or " +
        "deno task bundle), then run node --test",
    );
  }
  return await import("negsamp");
}

/** The deno executable installed by npm ci (package "deno"). */
export function denoBinary() {
  const bin = join(ROOT, "node_modules", ".bin", "deno");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm ci`);
  return bin;
}

/** Bit-for-bit equality of two Float32Arrays. */
export function sameBits(a, b) {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
