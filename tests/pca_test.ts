// Tests for src/vectors_pca.ts: PCA of small sets of vectors and the neighbour map.
import { neighborMap, pca } from "../src/vectors_pca.ts";
import { Vectors } from "../src/vectors.ts";
import { assert, assertClose, assertEquals, assertThrows } from "./assert.ts";

function dist2(a: ArrayLike<number>, i: number, j: number, width: number): number {
  let s = 0;
  for (let c = 0; c < width; c++) s += (a[i * width + c] - a[j * width + c]) ** 2;
  return s;
}

Deno.test("pca: rank-2 data keeps every pairwise distance", () => {
  // Points on a tilted plane in 6-D: two axes carry all the variance.
  const u = [1, 2, 0, -1, 0.5, 3], v = [0, 1, -2, 1, 1, -0.5];
  const rows = 9, dim = 6;
  const data = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const a = Math.cos(i * 1.3) * 2 + i * 0.1, b = Math.sin(i * 0.7) - 0.3 * i;
    for (let j = 0; j < dim; j++) data[i * dim + j] = 5 + a * u[j] + b * v[j];
  }
  const r = pca(data, rows, dim, 2);
  assertClose(r.explained[0] + r.explained[1], 1, 1e-9);
  assert(r.explained[0] >= r.explained[1]);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      assertClose(dist2(r.coords, i, j, 2), dist2(data, i, j, dim), 1e-8, `pair ${i},${j}`);
    }
  }
  // Centred: each axis sums to zero.
  for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += r.coords[i * 2 + c];
    assertClose(s, 0, 1e-9);
  }
});

Deno.test("pca: the first axis follows the direction of largest variance", () => {
  const rows = 7, dim = 3;
  const data = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    data[i * 3] = (i - 3) * 10; // large spread on x
    data[i * 3 + 1] = (i % 2) * 0.5; // small on y
    data[i * 3 + 2] = 0;
  }
  const r = pca(data, rows, dim, 3);
  for (let i = 0; i < rows; i++) {
    assertClose(Math.abs(r.coords[i * 3]), Math.abs((i - 3) * 10), 0.1);
  }
  assert(r.explained[0] > 0.99);
  assertEquals(r.explained[2], 0);
  // Orientation: the coordinate of largest magnitude on an axis is positive.
  let big = 0;
  for (let i = 0; i < rows; i++) {
    if (Math.abs(r.coords[i * 3]) > Math.abs(big)) big = r.coords[i * 3];
  }
  assert(big > 0);
});

Deno.test("pca: one row, identical rows and bad arguments", () => {
  assertEquals(Array.from(pca([1, 2, 3], 1, 3).coords), [0, 0]);
  assertEquals(Array.from(pca([1, 2, 1, 2], 2, 2).coords), [0, 0, 0, 0]);
  assertThrows(() => pca([1, 2, 3], 2, 2), RangeError);
  assertThrows(() => pca([], 0, 2), RangeError);
  assertThrows(() => pca([1], 1, 1, 0), RangeError);
});

Deno.test("neighborMap: centre first, neighbours by score, 2-D positions", async () => {
  const words = ["cat", "dog", "kitten", "puppy", "car", "truck", "bus"];
  const data = new Float32Array([
    1,
    0.1,
    0,
    0, //
    0.9,
    0.3,
    0,
    0.1, //
    1,
    0,
    0.1,
    0, //
    0.8,
    0.4,
    0.1,
    0, //
    0,
    0,
    1,
    0.2, //
    0,
    0.1,
    0.9,
    0.4, //
    0.1,
    0,
    0.8,
    0.5, //
  ]);
  const vectors = await Vectors.create(words, 4, data);
  const map = neighborMap(vectors, "cat", 4);
  assertEquals(map.points.length, 5);
  assertEquals(map.points[0].word, "cat");
  assertEquals(map.points[0].score, 1);
  const expected = vectors.mostSimilar("cat", [], 4);
  assertEquals(map.points.slice(1).map((p) => p.word), expected.map((n) => n.word));
  for (const p of map.points) assert(Number.isFinite(p.x) && Number.isFinite(p.y));
  assert(map.explained[0] > 0 && map.explained[0] + map.explained[1] <= 1 + 1e-9);
});
