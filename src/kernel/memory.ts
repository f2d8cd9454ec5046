// The host owns the kernel's linear memory: a bump allocator hands out aligned
// regions above the kernel's static data and grows the memory as needed.

const PAGE = 65536;
/** WebAssembly (32-bit) can address at most 4 GiB. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;

export class OutOfKernelMemory extends Error {
  constructor(readonly requested: number, readonly what: string) {
    super(
      `${what} needs ${formatBytes(requested)}, beyond the 4 GiB a WebAssembly module can ` +
        `address; use a smaller vocabulary (--max-vocab, --min-count) or dimension (--dim)`,
    );
    this.name = "OutOfKernelMemory";
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

export class Arena {
  #top: number;

  /** `zeroed`: the memory is new (its regions above `base` hold zeros until
   *  written; a memory handed in from elsewhere may not). */
  constructor(readonly memory: WebAssembly.Memory, base: number, readonly zeroed = false) {
    this.#top = alignUp(base, 64);
  }

  /** Bytes handed out so far (the high-water mark of the layout). */
  get top(): number {
    return this.#top;
  }

  /** A region of `bytes`, 64-byte aligned (a cache line, so rows never straddle
   *  more lines than they must, and 16-byte SIMD alignment holds). Regions are
   *  never reused: in a `zeroed` memory a new one is all zeros. */
  alloc(bytes: number, what: string): number {
    const start = this.#top;
    const end = alignUp(start + bytes, 64);
    if (end > MAX_MEMORY_BYTES) throw new OutOfKernelMemory(end, what);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.#top = end;
    return start;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  u32(ptr: number, length: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
}
