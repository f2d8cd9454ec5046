// Node built-in modules, imported lazily and only where Node is the runtime at hand (Deno has
// its own APIs; browsers and Cloudflare Workers never take these paths).
//
// The specifier reaches import() through a parameter, never as a literal, so bundlers leave it
// alone: esbuild (--platform=neutral or browser) does not try to resolve it, and the magic
// comments keep Vite and webpack from warning about or rewriting it. Every `node:` import in
// src/ goes through here.

/** `import(specifier)` of a Node built-in, invisible to bundlers. */
export function importNode<T>(specifier: `node:${string}`): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** Node's promise-based fs (also present in Deno and Workers with nodejs_compat). */
export type NodeFs = typeof import("node:fs/promises");

/** The bytes of a file: URL or path, read with Deno.readFile in Deno, node:fs elsewhere. */
export async function readFileUrl(url: URL | string): Promise<Uint8Array<ArrayBuffer>> {
  const deno = (globalThis as {
    Deno?: { readFile(u: URL | string): Promise<Uint8Array<ArrayBuffer>> };
  }).Deno;
  if (deno) return await deno.readFile(url);
  const fs = await importNode<NodeFs>("node:fs/promises");
  const buf = await fs.readFile(url);
  return new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength);
}
