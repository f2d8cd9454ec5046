// The Cloudflare Worker example (examples/worker/) in the real runtime, offline: workerd, from
// the miniflare npm package, started here on 127.0.0.1. The Worker is bundled as wrangler
// would (examples/worker/build.mjs) with a quantized model trained here, and its answers,
// fetched over real HTTP, are checked against the same model queried in Deno. Bad input must
// get 400/404 JSON errors, never a 500.
import { Miniflare } from "miniflare";
import { defaultCorpus, encodeModelFile, trainModel, vectorsFromBytes } from "../src/mod.ts";
import type { Vectors } from "../src/mod.ts";
import { assert, assertClose, assertEquals } from "./assert.ts";
import { ensureBundle, run } from "./support/bundle.ts";

const PROBES = ["king", "god", "war", "love", "water", "lord", "house", "day"];

interface Built {
  dir: string;
  modules: [string, "ESModule" | "CompiledWasm" | "Data"][];
}

async function buildWorker(model: string, out: string): Promise<Built> {
  const r = await run("node", ["examples/worker/build.mjs", "--model", model, "--out", out]);
  assert(r.code === 0, `examples/worker/build.mjs failed:\n${r.stdout}\n${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop()!;
  const info = JSON.parse(last) as { out: string; modules: Built["modules"] };
  console.log(r.stdout.trim().split("\n").slice(0, -1).map((l) => `  ${l}`).join("\n"));
  return { dir: info.out, modules: info.modules };
}

async function startWorker(built: Built): Promise<{ mf: Miniflare; url: URL }> {
  const mf = new Miniflare({
    modules: built.modules.map(([name, type]) => ({ type, path: `${built.dir}/${name}` })),
    modulesRoot: built.dir,
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port: 0,
  });
  const url = await mf.ready;
  return { mf, url };
}

async function getJson(
  base: URL,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; type: string }> {
  const response = await fetch(new URL(path, base), init);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, body, type: response.headers.get("content-type") ?? "" };
}

function sameNeighbors(actual: unknown, expected: { word: string; score: number }[], what: string) {
  const got = actual as { word: string; score: number }[];
  assertEquals(got.map((n) => n.word), expected.map((n) => n.word), what);
  for (let i = 0; i < got.length; i++) assertClose(got[i].score, expected[i].score, 1e-6, what);
}

Deno.test({
  name: "worker: workerd serves similar/analogy/vector answers equal to Deno's, and JSON errors",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await ensureBundle();
    const dir = await Deno.makeTempDir({ prefix: "negsamp-worker-" });
    let mf: Miniflare | undefined;
    try {
      const model = await trainModel(await defaultCorpus(), { dim: 48, epochs: 1, seed: 3 });
      const bytes = encodeModelFile(model, "model.nsq");
      await Deno.writeFile(`${dir}/model.nsq`, bytes);
      // The Worker runs the plain SIMD kernel (the workerd entry imports negsamp.wasm).
      const vectors: Vectors = await vectorsFromBytes(bytes, "model.nsq", { kernel: "simd" });
      const built = await buildWorker(`${dir}/model.nsq`, `${dir}/worker`);
      const started = await startWorker(built);
      mf = started.mf;
      const base = started.url;

      // Index
      const index = await getJson(base, "/");
      assertEquals(index.status, 200);
      assertEquals(index.body.model, { words: vectors.size, dim: 48 });
      assert(index.type.startsWith("application/json"), index.type);

      // GET /similar equals Deno's mostSimilar
      for (const word of PROBES) {
        const r = await getJson(base, `/similar?word=${word}&k=10`);
        assertEquals(r.status, 200, word);
        sameNeighbors(r.body.neighbors, vectors.mostSimilar(word, [], 10), word);
      }
      const k3 = await getJson(base, "/similar?word=King&k=3"); // case folded
      assertEquals(k3.body.word, "king");
      assertEquals((k3.body.neighbors as unknown[]).length, 3);

      // GET /analogy
      const analogy = await getJson(base, "/analogy?a=man&b=king&c=woman&k=5");
      assertEquals(analogy.status, 200);
      sameNeighbors(analogy.body.answers, vectors.analogy("man", "king", "woman", 5), "analogy");

      // GET /vector: the dequantized vector, exactly
      const vec = await getJson(base, "/vector?word=lord");
      assertEquals(vec.status, 200);
      assertEquals(vec.body.vector, Array.from(vectors.get("lord")));

      // POST /similar with a vector (bare array, and {vector, k})
      const v = Array.from(vectors.get("war"));
      const post = await getJson(base, "/similar?k=7", { method: "POST", body: JSON.stringify(v) });
      assertEquals(post.status, 200);
      sameNeighbors(post.body.neighbors, vectors.mostSimilarToVector(v, 7), "POST");
      const post2 = await getJson(base, "/similar", {
        method: "POST",
        body: JSON.stringify({ vector: v, k: 2 }),
      });
      sameNeighbors(post2.body.neighbors, vectors.mostSimilarToVector(v, 2), "POST object");

      // Errors: unknown words 404, bad parameters 400, never 500
      const errors: [string, number, RequestInit?][] = [
        ["/similar?word=qwxzzyq", 404],
        ["/analogy?a=man&b=king&c=qwxzzyq", 404],
        ["/vector?word=qwxzzyq", 404],
        ["/similar", 400],
        ["/similar?word=", 400],
        ["/similar?word=king&k=0", 400],
        ["/similar?word=king&k=101", 400],
        ["/similar?word=king&k=-3", 400],
        ["/similar?word=king&k=2.5", 400],
        ["/similar?word=king&k=abc", 400],
        ["/similar?word=king&k=1e3", 400],
        [`/similar?word=${"a".repeat(101)}`, 400],
        [`/similar?word=${"%F0%9F%98%80".repeat(60)}`, 400],
        ["/analogy?a=man&b=king", 400],
        ["/vector", 400],
        ["/similar", 400, { method: "POST", body: "not json" }],
        ["/similar", 400, { method: "POST", body: "" }],
        ["/similar", 400, { method: "POST", body: "[1,2,3]" }],
        ["/similar", 400, { method: "POST", body: JSON.stringify(v.map(() => 0)) }],
        ["/similar", 400, { method: "POST", body: JSON.stringify(v.map(() => "1")) }],
        ["/similar", 400, { method: "POST", body: JSON.stringify([...v.slice(1), 1e39]) }],
        ["/similar", 400, { method: "POST", body: JSON.stringify({ vector: v, k: 1000 }) }],
        ["/similar", 400, { method: "POST", body: JSON.stringify({ k: 3 }) }],
        ["/similar", 400, { method: "POST", body: "[" + "1,".repeat(100_000) + "1]" }],
        ["/similar", 400, { method: "POST", body: new Uint8Array([0x5b, 0xff, 0x5d]) }],
        ["/nothing", 404],
        ["/vector?word=king", 405, { method: "DELETE" }],
      ];
      for (const [path, status, init] of errors) {
        const r = await getJson(base, path, init);
        const what = `${init?.method ?? "GET"} ${path.slice(0, 60)}`;
        assertEquals(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
        assert(typeof r.body.error === "string" && r.body.error.length > 0, what);
        assertEquals(r.body.status, status, what);
      }

      // Garbage never produces a 500.
      let seed = 12345;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const alphabet = ["a", "k", "=", "&", "%", "%00", "%FF", "word", "k=", "9", "-", " ", "é"];
      for (let i = 0; i < 60; i++) {
        const path = ["/similar", "/analogy", "/vector"][i % 3];
        let q = "";
        for (let j = 0; j < 1 + rand() * 12; j++) {
          q += alphabet[Math.floor(rand() * alphabet.length)];
        }
        const r = await fetch(new URL(`${path}?${q}`, base));
        await r.body?.cancel();
        assert([200, 400, 404].includes(r.status), `${path}?${q}: ${r.status}`);
      }

      // A rough latency figure (HTTP over loopback included); bench/worker.ts measures a
      // 30,000-word model properly.
      const n = 100;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const r = await fetch(new URL(`/similar?word=${PROBES[i % PROBES.length]}&k=10`, base));
        await r.arrayBuffer();
      }
      const ms = (performance.now() - t0) / n;
      console.log(
        `  workerd: ${
          ms.toFixed(2)
        } ms per GET /similar (top-10 over ${vectors.size} words x 48, ` +
          `loopback HTTP included)`,
      );
    } finally {
      await mf?.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
