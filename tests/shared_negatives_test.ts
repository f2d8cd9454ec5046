// The shared-negatives block (assembly/shared.ts) against finite differences: one
// block step with learning rate lr must move every context input row and every
// target output row by -lr times the gradient of the summed loss of its pairs.
import { assertClose, assertGreater } from "./assert.ts";
import { Kernel } from "../src/kernel/kernel.ts";

async function setUp(vocab: number, dim: number) {
  const kernel = await Kernel.create({ variant: "simd" });
  const k = kernel.exports;
  const rowFloats = Kernel.rowFloats(dim);
  const a = kernel.arena;
  const input = a.alloc(vocab * rowFloats * 4, "input");
  const output = a.alloc(vocab * rowFloats * 4, "output");
  const scratch = a.alloc(k.scratchBytes(rowFloats), "scratch");
  const ctx = a.alloc(64, "contexts");
  const ids = a.alloc(64, "targets");
  k.setTables(input, output, 0, 0, vocab, rowFloats);
  k.setScratch(scratch);
  k.setExact(1);
  let seed = 12345;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.8;
  const fill = (table: number) => {
    const rows = a.f32(table, vocab * rowFloats);
    for (let r = 0; r < vocab; r++) {
      for (let i = 0; i < rowFloats; i++) rows[r * rowFloats + i] = i < dim ? random() : 0;
    }
  };
  fill(input);
  fill(output);
  return { kernel, k, a, input, output, ctx, ids, rowFloats };
}

// [1, 4, 7, 4]: a word twice in one window is one context of multiplicity 2, whose row
// must move by the gradient of both pairs' losses.
const CASES: [number, number[]][] = [[3, [1, 4, 7]], [8, [1, 4, 7]], [13, [1, 4, 7]], [8, [
  1,
  4,
  7,
  4,
]]];
for (const [dim, contexts] of CASES) {
  Deno.test(`shared negatives: block step = -lr x finite-difference gradient (dim ${dim}, contexts ${contexts})`, async () => {
    const { k, a, input, output, ctx, ids, rowFloats } = await setUp(12, dim);
    const targets = [2, 5, 8, 10, 11]; // positive first, then 4 negatives
    a.u32(ctx, contexts.length).set(contexts);
    a.u32(ids, targets.length).set(targets);
    const loss = () => k.testBlockLoss(ctx, contexts.length, ids, targets.length);
    // Central differences on every coordinate of every involved row.
    const eps = 1e-3;
    const gradient = new Map<string, number>();
    const probe = (table: number, word: number, tag: string) => {
      for (let i = 0; i < dim; i++) {
        const cell = a.f32(table + (word * rowFloats + i) * 4, 1);
        const old = cell[0];
        cell[0] = old + eps;
        const up = loss();
        cell[0] = old - eps;
        const down = loss();
        cell[0] = old;
        gradient.set(`${tag}${word}:${i}`, (up - down) / (2 * eps));
      }
    };
    for (const w of contexts) probe(input, w, "in");
    for (const w of targets) probe(output, w, "out");
    const before = (table: number, w: number) =>
      Array.from(a.f32(table + w * rowFloats * 4, rowFloats));
    const inBefore = contexts.map((w) => before(input, w));
    const outBefore = targets.map((w) => before(output, w));
    const lr = 1e-3;
    k.testBlock(ctx, contexts.length, ids, targets.length, lr);
    let largest = 0;
    const check = (table: number, words: number[], old: number[][], tag: string) => {
      words.forEach((w, n) => {
        const now = a.f32(table + w * rowFloats * 4, rowFloats);
        for (let i = 0; i < rowFloats; i++) {
          if (i >= dim) {
            assertClose(now[i], 0, 0, `${tag}${w} pad lane ${i}`);
            continue;
          }
          const step = (now[i] - old[n][i]) / lr;
          const expected = -gradient.get(`${tag}${w}:${i}`)!;
          largest = Math.max(largest, Math.abs(expected));
          assertClose(step, expected, 2e-3 + 2e-2 * Math.abs(expected), `${tag}${w}[${i}]`);
        }
      });
    };
    check(input, contexts, inBefore, "in");
    check(output, targets, outBefore, "out");
    // The check has teeth only if the gradients are not all tiny.
    assertGreater(largest, 0.05);
  });
}
