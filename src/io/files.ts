// Runtime-neutral file helpers: Deno when present, else Node's fs (also Workers' nodejs_compat).
// Node modules are imported lazily so browsers can load this module graph.
import { importNode, type NodeFs } from "../runtime/node.ts";

let nodeFs: Promise<NodeFs> | undefined;

function getDeno(): typeof Deno | undefined {
  return (globalThis as { Deno?: typeof Deno }).Deno;
}

function getNodeFs(): Promise<NodeFs> {
  nodeFs ??= importNode<NodeFs>("node:fs/promises").catch((e) => {
    nodeFs = undefined;
    throw new Error(`file access is not available in this runtime (${e})`);
  });
  return nodeFs;
}

export async function readFileBytes(path: string): Promise<Uint8Array> {
  const deno = getDeno();
  if (deno) return await deno.readFile(path);
  const buf = await (await getNodeFs()).readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export async function fileExists(path: string): Promise<boolean> {
  const deno = getDeno();
  try {
    if (deno) await deno.stat(path);
    else await (await getNodeFs()).stat(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** A file's size in bytes, or undefined if it cannot be read. */
export async function fileSize(path: string): Promise<number | undefined> {
  const deno = getDeno();
  try {
    return deno ? (await deno.stat(path)).size : (await (await getNodeFs()).stat(path)).size;
  } catch {
    return undefined;
  }
}

function isNotFound(e: unknown): boolean {
  const deno = getDeno();
  if (deno && e instanceof deno.errors.NotFound) return true;
  return (e as { code?: unknown } | null)?.code === "ENOENT";
}

/** Bytes to write: one buffer, or chunks produced while writing (for very large outputs). */
export type FileData = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

function randomSuffix(): string {
  const r = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(r, (b) => b.toString(16).padStart(2, "0")).join("");
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? "." : i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

async function* chunksOf(data: FileData): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) yield data;
  else yield* data;
}

/** The few file operations an atomic write needs, from Deno or from Node. */
interface AtomicFs {
  /** Permission bits of an existing file, or null when it does not exist / has none. */
  modeOf(path: string): Promise<number | null>;
  /** Creates `path`, failing if it exists. */
  createNew(path: string): Promise<TempFile>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  syncDir(path: string): Promise<void>;
}

interface TempFile {
  writeAll(chunk: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

function denoFs(deno: typeof Deno): AtomicFs {
  return {
    modeOf: (path) =>
      deno.stat(path).then((s) => s.mode === null ? null : s.mode & 0o7777, () => null),
    async createNew(path) {
      const file = await deno.open(path, { write: true, createNew: true });
      return {
        async writeAll(chunk) {
          for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
        },
        sync: () => file.sync(),
        close: () => Promise.resolve(file.close()),
      };
    },
    chmod: (path, mode) => deno.chmod(path, mode),
    rename: (from, to) => deno.rename(from, to),
    remove: (path) => deno.remove(path),
    async syncDir(path) {
      const dir = await deno.open(path, { read: true });
      try {
        await dir.sync();
      } finally {
        dir.close();
      }
    },
  };
}

function nodeFsOps(fs: NodeFs): AtomicFs {
  return {
    modeOf: (path) => fs.stat(path).then((s) => s.mode & 0o7777, () => null),
    async createNew(path) {
      const file = await fs.open(path, "wx");
      return {
        async writeAll(chunk) {
          for (let off = 0; off < chunk.length;) {
            off += (await file.write(chunk, off, chunk.length - off)).bytesWritten;
          }
        },
        sync: () => file.sync(),
        close: () => file.close(),
      };
    },
    chmod: (path, mode) => fs.chmod(path, mode),
    rename: (from, to) => fs.rename(from, to),
    remove: (path) => fs.rm(path, { force: true }),
    async syncDir(path) {
      const dir = await fs.open(path, "r");
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
  };
}

/**
 * Writes `path` so that readers see either the old file or the complete new one: data goes to
 * `path.tmp-<random>` in the same directory, is fsynced, then renamed over `path` (keeping the
 * old file's permissions). On any failure, including an iterable that throws, the temp file
 * is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: FileData): Promise<void> {
  const deno = getDeno();
  const fs = deno ? denoFs(deno) : nodeFsOps(await getNodeFs());
  const mode = await fs.modeOf(path);
  const tmp = `${path}.tmp-${randomSuffix()}`;
  const file = await fs.createNew(tmp); // nothing to clean up if this fails
  try {
    try {
      for await (const chunk of chunksOf(data)) await file.writeAll(chunk);
      await file.sync();
    } finally {
      await file.close();
    }
    if (mode !== null) await fs.chmod(tmp, mode).catch(() => {}); // e.g. not on Windows
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.remove(tmp).catch(() => {});
    throw e;
  }
  // Persist the rename itself; best effort, as not every OS can fsync a directory.
  await fs.syncDir(dirOf(path)).catch(() => {});
}
