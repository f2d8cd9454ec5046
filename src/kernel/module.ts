// Finds and compiles the kernel's .wasm for the runtime at hand. Deno and Node read
// the file next to this module's build/ folder; browsers fetch it (streaming
// compile); Cloudflare Workers cannot compile at run time and must hand in the
// module they imported (useKernelModule).

export type KernelVariant = "simd" | "relaxed";

/** Build file for a variant; `shared` builds import a shared memory (threads). */
function fileName(variant: KernelVariant, shared: boolean): string {
  return `negsamp${shared ? "-threads" : ""}${variant === "relaxed" ? "-relaxed" : ""}.wasm`;
}

let provided: WebAssembly.Module | undefined;
const cache = new Map<string, Promise<WebAssembly.Module>>();

/** Use an already compiled kernel (required in Cloudflare Workers, optional elsewhere). */
export function useKernelModule(module: WebAssembly.Module): void {
  provided = module;
}

/** Where the built kernels live, relative to this file (src/kernel -> build/). */
export function kernelUrl(variant: KernelVariant, shared = false): URL {
  return new URL(`../../build/${fileName(variant, shared)}`, import.meta.url);
}

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") {
    const deno = (globalThis as {
      Deno?: { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> };
    }).Deno;
    if (deno) return await deno.readFile(url);
    const fs = await import("node:fs/promises");
    return new Uint8Array(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load the kernel from ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function compile(variant: KernelVariant, shared: boolean): Promise<WebAssembly.Module> {
  const bytes = await readBytes(kernelUrl(variant, shared));
  if (!WebAssembly.validate(bytes)) {
    throw new Error(`this runtime cannot run the ${variant} kernel (needs WebAssembly SIMD)`);
  }
  return await WebAssembly.compile(bytes);
}

/** Relaxed SIMD when the engine supports it (Deno, Chrome, workerd), else plain SIMD. */
async function pickVariant(): Promise<KernelVariant> {
  try {
    const bytes = await readBytes(kernelUrl("relaxed"));
    return WebAssembly.validate(bytes) ? "relaxed" : "simd";
  } catch {
    return "simd";
  }
}

/** The compiled kernel: the one handed to useKernelModule, else the best variant.
 *  `shared` asks for the threaded build (shared memory). */
export function kernelModule(
  variant?: KernelVariant,
  shared = false,
): Promise<WebAssembly.Module> {
  if (provided && !variant && !shared) return Promise.resolve(provided);
  const key = `${variant ?? "auto"}${shared ? "+threads" : ""}`;
  let module = cache.get(key);
  if (!module) {
    module = (variant ? Promise.resolve(variant) : pickVariant()).then((v) => compile(v, shared));
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
