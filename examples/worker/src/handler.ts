// The HTTP API of the similarity Worker, independent of where the vectors come from (so Deno
// can run it too). Every answer is JSON; bad input gets a 400, an unknown word a 404, and
// nothing a user sends can produce a 500.
//
//   GET  /similar?word=W&k=10        nearest neighbours of W (cosine), best first
//   GET  /analogy?a=A&b=B&c=C&k=5    A : B :: C : ?  (3CosAdd, the question words excluded)
//   GET  /vector?word=W              the vector of W
//   POST /similar?k=10               body: a JSON array of dim numbers (or {"vector": [...],
//                                    "k": 10}); nearest neighbours of that vector
//   GET  /                           what the model is and these endpoints

/** What the handler needs from negsamp's Vectors (it is one). */
export interface Searchable {
  readonly dim: number;
  readonly size: number;
  has(word: string): boolean;
  get(word: string): Float32Array;
  mostSimilar(positive: string | string[], negative?: string | string[], k?: number): Neighbor[];
  mostSimilarToVector(vector: Float32Array | number[], k?: number): Neighbor[];
}

export interface Neighbor {
  word: string;
  score: number;
}

/** Limits on what a request may ask for. */
export const LIMITS = {
  /** Most neighbours one request may ask for. */
  maxK: 100,
  defaultK: 10,
  /** Longest word accepted, in UTF-16 code units (real vocabulary words are far shorter). */
  maxWordLength: 100,
  /** Largest POST body, in bytes (a 4096-dim vector of long decimals fits). */
  maxBodyBytes: 128 * 1024,
};

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: object = {}) {
    super(message);
  }
}

const HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "access-control-allow-origin": "*",
};

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...HEADERS, ...headers } });
}

function badRequest(message: string): never {
  throw new HttpError(400, message);
}

/** A required word parameter: present, not empty, not over-long, known (else 404). */
function wordParam(vectors: Searchable, params: URLSearchParams, name: string): string {
  const raw = params.get(name);
  if (raw === null) badRequest(`missing parameter "${name}"`);
  const word = raw.trim();
  if (word.length === 0) badRequest(`parameter "${name}" is empty`);
  if (word.length > LIMITS.maxWordLength) {
    badRequest(`parameter "${name}" is longer than ${LIMITS.maxWordLength} characters`);
  }
  if (vectors.has(word)) return word;
  const lower = word.toLowerCase();
  if (vectors.has(lower)) return lower;
  throw new HttpError(404, `unknown word ${JSON.stringify(word)}: it is not in the vocabulary`, {
    word,
  });
}

/** The optional k: an integer 1..maxK (default 10). */
function kParam(value: unknown): number {
  if (value === null || value === undefined) return LIMITS.defaultK;
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\s*\d{1,4}\s*$/.test(text)) {
    badRequest(`k must be an integer from 1 to ${LIMITS.maxK}`);
  }
  const k = Number(text);
  if (k < 1 || k > LIMITS.maxK) badRequest(`k must be an integer from 1 to ${LIMITS.maxK}`);
  return k;
}

/** Reads at most maxBodyBytes of the body (whatever Content-Length claims). */
async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > LIMITS.maxBodyBytes) {
    badRequest(`the body is larger than ${LIMITS.maxBodyBytes} bytes`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > LIMITS.maxBodyBytes) {
      await reader.cancel();
      badRequest(`the body is larger than ${LIMITS.maxBodyBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    return badRequest("the body is not valid UTF-8");
  }
}

function vectorFrom(value: unknown, dim: number): Float32Array {
  if (!Array.isArray(value)) badRequest(`the vector must be a JSON array of ${dim} numbers`);
  if (value.length !== dim) {
    badRequest(`the vector has ${value.length} components; this model's vectors have ${dim}`);
  }
  const vector = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const x = value[i];
    if (typeof x !== "number" || !Number.isFinite(x) || !Number.isFinite(Math.fround(x))) {
      badRequest(`component ${i} of the vector is not a finite number`);
    }
    vector[i] = x;
    norm += vector[i] * vector[i];
  }
  if (!(norm > 0) || !Number.isFinite(norm)) {
    badRequest("the vector has zero (or overflowing) length");
  }
  return vector;
}

async function route(request: Request, vectors: () => Promise<Searchable>): Promise<Response> {
  const url = new URL(request.url);
  const params = url.searchParams;
  const method = request.method;
  const allow = (methods: string) => {
    if (!methods.split(", ").includes(method)) {
      throw new HttpError(405, `${method} is not allowed on ${url.pathname}`, { allow: methods });
    }
  };
  switch (url.pathname) {
    case "/": {
      allow("GET, HEAD");
      const v = await vectors();
      return json({
        model: { words: v.size, dim: v.dim },
        endpoints: [
          "GET /similar?word=W&k=10",
          "GET /analogy?a=A&b=B&c=C&k=5",
          "GET /vector?word=W",
          "POST /similar?k=10 (body: JSON array of dim numbers)",
        ],
        limits: LIMITS,
      });
    }
    case "/similar": {
      allow("GET, HEAD, POST");
      const v = await vectors();
      if (method === "POST") {
        const text = await readBody(request);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          badRequest("the body is not valid JSON");
        }
        const isObject = typeof body === "object" && body !== null && !Array.isArray(body);
        const raw = isObject ? (body as { vector?: unknown }).vector : body;
        const k = kParam(isObject && "k" in body ? (body as { k?: unknown }).k : params.get("k"));
        const vector = vectorFrom(raw, v.dim);
        return json({ k, neighbors: v.mostSimilarToVector(vector, k) });
      }
      const k = kParam(params.get("k"));
      const word = wordParam(v, params, "word");
      return json({ word, k, neighbors: v.mostSimilar(word, [], k) });
    }
    case "/analogy": {
      allow("GET, HEAD");
      const v = await vectors();
      const k = kParam(params.get("k") ?? "5");
      const a = wordParam(v, params, "a");
      const b = wordParam(v, params, "b");
      const c = wordParam(v, params, "c");
      return json({ a, b, c, k, answers: v.mostSimilar([b, c], [a], k) });
    }
    case "/vector": {
      allow("GET, HEAD");
      const v = await vectors();
      const word = wordParam(v, params, "word");
      return json({ word, dim: v.dim, vector: Array.from(v.get(word)) });
    }
    default:
      throw new HttpError(404, `no such endpoint ${url.pathname}; see GET /`);
  }
}

/**
 * Answers one request. `vectors` gives the model (loaded on first use); any error it or a
 * query throws that is not the user's fault becomes a 500 without details.
 */
export async function handle(
  request: Request,
  vectors: () => Promise<Searchable>,
): Promise<Response> {
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "86400",
      },
    });
  }
  try {
    return await route(request, vectors);
  } catch (e) {
    if (e instanceof HttpError) {
      const headers: Record<string, string> = {};
      if ("allow" in e.extra) headers.allow = String(e.extra.allow);
      return json({ error: e.message, status: e.status, ...e.extra }, e.status, headers);
    }
    if (e instanceof Error && e.name === "UnknownWordError") {
      return json({ error: e.message, status: 404 }, 404);
    }
    console.error("negsamp worker:", e);
    return json({ error: "internal error", status: 500 }, 500);
  }
}
