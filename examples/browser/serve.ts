// Development server for the browser example: the page (examples/browser/), the library
// bundle (dist/, from `node build/bundle.mjs`) under /dist/, and a model under /model.nsq.
// Every response carries the cross-origin isolation headers (COOP same-origin, COEP
// require-corp), so the page may use SharedArrayBuffer and train on several threads.
//   deno run --allow-net=127.0.0.1 --allow-read examples/browser/serve.ts [--port 8000]
//     [--model out/model.nsq]
// Without --model, /model.nsq is examples/worker/model.nsq when it exists (deno task
// worker:model); otherwise the page starts empty and offers to train.

const ROOT = new URL("../../", import.meta.url);
const PAGE = new URL("./", import.meta.url);

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".nsq": "application/octet-stream",
};

const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

/** The file a request path maps to, or undefined (never outside the served folders). */
function resolve(pathname: string, model: URL | undefined): URL | undefined {
  if (pathname === "/" || pathname === "/index.html") return new URL("index.html", PAGE);
  if (pathname === "/model.nsq") return model;
  const parts = pathname.split("/").slice(1);
  if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\"))) {
    return undefined;
  }
  if (parts[0] === "dist" && parts.length === 2) return new URL(`dist/${parts[1]}`, ROOT);
  if (parts.length === 1 && /^[\w.-]+\.(js|css|png|svg)$/.test(parts[0])) {
    return new URL(parts[0], PAGE);
  }
  return undefined;
}

async function exists(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch {
    return false;
  }
}

export interface ServeOptions {
  port?: number;
  /** The model served as /model.nsq. */
  model?: string;
  signal?: AbortSignal;
  onListen?: (addr: Deno.NetAddr) => void;
}

/** Starts the server on 127.0.0.1; resolves once it is listening. */
export async function serve(options: ServeOptions = {}): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const fallback = new URL("examples/worker/model.nsq", ROOT);
  const model = options.model !== undefined
    ? new URL(options.model, `file://${Deno.cwd()}/`)
    : (await exists(fallback))
    ? fallback
    : undefined;
  let listening: (addr: Deno.NetAddr) => void = () => {};
  const ready = new Promise<Deno.NetAddr>((r) => listening = r);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 8000,
    signal: options.signal,
    onListen: (addr) => {
      listening(addr);
      options.onListen?.(addr);
    },
  }, async (request) => {
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: ISOLATION });
    }
    const file = resolve(url.pathname, model);
    if (!file || !(await exists(file))) {
      const hint = url.pathname.startsWith("/dist/") ? " (build the bundle: deno task bundle)" : "";
      return new Response(`not found: ${url.pathname}${hint}\n`, {
        status: 404,
        headers: { ...ISOLATION, "content-type": "text/plain; charset=utf-8" },
      });
    }
    const ext = file.pathname.slice(file.pathname.lastIndexOf("."));
    const body = await Deno.readFile(file);
    return new Response(request.method === "HEAD" ? null : body, {
      headers: {
        ...ISOLATION,
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "content-length": String(body.length),
      },
    });
  });
  await ready;
  return server;
}

if (import.meta.main) {
  await serve({
    port: Number(flag("port") ?? 8000),
    model: flag("model"),
    onListen: ({ hostname, port }) =>
      console.log(`negsamp browser example: http://${hostname}:${port}/ (Ctrl-C to stop)`),
  });
}
