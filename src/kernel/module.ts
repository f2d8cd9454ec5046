// Finds and compiles the kernel's .wasm for the runtime at hand. Deno and Node read
// the file next to this module's build/ folder; browsers fetch it (streaming
// compile); Cloudflare Workers cannot compile at run time and must hand in the
// module they imported (useKernelModule; the package's "workerd" entry does it).
//
// Bundles: build/bundle.mjs copies the .wasm files next to the bundle and rewrites
// "../../build/" below to "./", so the same URLs resolve beside dist/negsamp.js.
import { readFileUrl } from "../runtime/node.ts";

export type KernelVariant = "simd" | "relaxed";

let provided: WebAssembly.Module | undefined;
const cache = new Map<string, Promise<WebAssembly.Module>>();

/** Use an already compiled kernel (required in Cloudflare Workers, optional elsewhere). */
export function useKernelModule(module: WebAssembly.Module): void {
  provided = module;
}

/** Where the built kernels live, relative to this file (src/kernel -> build/). */
export function kernelUrl(variant: KernelVariant, shared = false): URL {
  if (typeof import.meta.url !== "string") {
    throw new Error(
      "negsamp: this runtime gives modules no URL to find the kernel .wasm from; import the " +
        ".wasm as a module and pass it to useKernelModule (Cloudflare Workers: import from " +
        "the package's workerd entry, which does this)",
    );
  }
  // One literal URL per file, so bundlers that follow `new URL("...", import.meta.url)`
  // (webpack 5, Vite, Parcel) find the kernels and copy them. `shared` builds import a shared
  // memory (threads).
  if (shared) {
    return variant === "relaxed"
      ? new URL("../../build/negsamp-threads-relaxed.wasm", import.meta.url)
      : new URL("../../build/negsamp-threads.wasm", import.meta.url);
  }
  return variant === "relaxed"
    ? new URL("../../build/negsamp-relaxed.wasm", import.meta.url)
    : new URL("../../build/negsamp.wasm", import.meta.url);
}

function unsupported(variant: KernelVariant): Error {
  return new Error(`this runtime cannot run the ${variant} kernel (needs WebAssembly SIMD)`);
}

async function compileBytes(
  bytes: Uint8Array<ArrayBuffer>,
  variant: KernelVariant,
): Promise<WebAssembly.Module> {
  if (!WebAssembly.validate(bytes)) throw unsupported(variant);
  return await WebAssembly.compile(bytes);
}

async function compile(variant: KernelVariant, shared: boolean): Promise<WebAssembly.Module> {
  const url = kernelUrl(variant, shared);
  if (url.protocol === "file:") return await compileBytes(await readFileUrl(url), variant);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load the kernel from ${url}: HTTP ${response.status}`);
  // Streaming compilation (compiles while downloading) needs the application/wasm type.
  const type = response.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && type.startsWith("application/wasm")) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      if (e instanceof WebAssembly.CompileError) throw unsupported(variant);
      throw e;
    }
  }
  return await compileBytes(new Uint8Array(await response.arrayBuffer()), variant);
}

/** A 36-byte module using one relaxed SIMD instruction (i8x16.relaxed_swizzle): whether the
 *  engine validates it tells whether the relaxed kernel can run, without loading that kernel. */
const RELAXED_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  3,
  2,
  1,
  0,
  10,
  15,
  1,
  13,
  0,
  65,
  1,
  253,
  15,
  65,
  2,
  253,
  15,
  253,
  128,
  2,
  11,
]);

/** Whether this engine supports relaxed SIMD (Deno, Chrome >= 114, workerd; not Node 20). */
export function supportsRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The compiled kernel: the one handed to useKernelModule, else the best variant.
 *  `shared` asks for the threaded build (shared memory). */
export function kernelModule(
  variant?: KernelVariant,
  shared = false,
): Promise<WebAssembly.Module> {
  if (provided && !variant && !shared) return Promise.resolve(provided);
  const chosen = variant ?? (supportsRelaxedSimd() ? "relaxed" : "simd");
  const key = `${chosen}${shared ? "+threads" : ""}`;
  let module = cache.get(key);
  if (!module) {
    module = compile(chosen, shared);
    // A failed load (e.g. a network error in a browser) may be retried.
    module.catch(() => cache.delete(key));
    cache.set(key, module);
  }
  return module;
}

/** Whether this runtime can share memory between threads (SharedArrayBuffer and
 *  shared WebAssembly memories; a browser page needs cross-origin isolation). */
export function canShareMemory(): boolean {
  try {
    if (typeof SharedArrayBuffer === "undefined") return false;
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}
