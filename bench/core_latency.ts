// Core-to-core latency: the main thread and a worker hand one integer in shared memory
// back and forth, each spinning until it sees the other's write. The round trip is two
// cache-line transfers between the cores the two threads run on. Hogwild training pays
// about that for every row another thread wrote since it last read it, which is what
// limits our two-thread scaling on machines where it is long (README, "Benchmark").
//   deno run -A bench/core_latency.ts [round-trips]
const trips = Number(Deno.args[0] ?? 2_000_000);
if (!Number.isInteger(trips) || trips <= 0) {
  console.error("core_latency: the argument is a positive number of round trips");
  Deno.exit(2);
}
const cell = new Int32Array(new SharedArrayBuffer(64));
const worker = new Worker(new URL("./core_latency_worker.ts", import.meta.url).href, {
  type: "module",
});
const ready = new Promise((resolve) => worker.addEventListener("message", resolve, { once: true }));
worker.postMessage({ buffer: cell.buffer, trips });
await ready;
const start = performance.now();
for (let i = 0; i < trips; i++) {
  Atomics.store(cell, 0, 2 * i + 1);
  while (Atomics.load(cell, 0) !== 2 * i + 2) { /* spin */ }
}
const ns = (performance.now() - start) * 1e6 / trips;
worker.terminate();
console.log(`core-to-core round trip: ${ns.toFixed(0)} ns (${trips} trips)`);
