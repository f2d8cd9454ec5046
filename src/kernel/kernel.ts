// One instance of the kernel with its own memory and allocator. Trainers and
// Vectors each hold one; threads (one instance each) share a memory.
import { Arena } from "./memory.ts";
import type { KernelExports } from "./exports.ts";
import { kernelModule, type KernelVariant } from "./module.ts";

export interface KernelOptions {
  /** Force a build: "simd" everywhere, "relaxed" (fused multiply-add) where supported. */
  variant?: KernelVariant;
  /** Use the threaded build over a shared memory (created unless `memory` is given). */
  shared?: boolean;
  /** An existing memory to instantiate against (a worker joining a shared memory). */
  memory?: WebAssembly.Memory;
}

/** Pages (64 KiB) in 4 GiB: the most a 32-bit WebAssembly memory can have. */
const MAX_PAGES = 65536;

export class Kernel {
  private constructor(
    readonly exports: KernelExports,
    readonly memory: WebAssembly.Memory,
    readonly arena: Arena,
    /** The compiled module, so worker threads can instantiate the same code. */
    readonly module: WebAssembly.Module,
  ) {}

  static async create(options: KernelOptions = {}): Promise<Kernel> {
    const shared = options.shared ?? false;
    const module = await kernelModule(options.variant, shared);
    const memory = options.memory ??
      (shared
        ? new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true })
        : new WebAssembly.Memory({ initial: 1 }));
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    const arena = new Arena(memory, exports.heapBase(), options.memory === undefined);
    return new Kernel(exports, memory, arena, module);
  }

  /** Floats per row: the dimension padded to a whole number of f32x4 lanes. */
  static rowFloats(dim: number): number {
    return Math.ceil(dim / 4) * 4;
  }

  /** Copies `rows` x `dim` values from a padded table in kernel memory. */
  readRows(table: number, rows: number, dim: number): Float32Array {
    const stride = Kernel.rowFloats(dim);
    const padded = this.arena.f32(table, rows * stride);
    if (stride === dim) return padded.slice();
    const out = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      out.set(padded.subarray(r * stride, r * stride + dim), r * dim);
    }
    return out;
  }

  /** Copies `rows` x `dim` values into a padded table (pad lanes set to 0). */
  writeRows(table: number, data: Float32Array, rows: number, dim: number): void {
    const stride = Kernel.rowFloats(dim);
    const padded = this.arena.f32(table, rows * stride);
    if (stride === dim) {
      padded.set(data.subarray(0, rows * dim));
      return;
    }
    padded.fill(0);
    for (let r = 0; r < rows; r++) padded.set(data.subarray(r * dim, r * dim + dim), r * stride);
  }
}
