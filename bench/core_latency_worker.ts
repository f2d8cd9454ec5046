// The worker half of bench/core_latency.ts: answers each odd value with the next even one.
self.onmessage = (e: MessageEvent<{ buffer: SharedArrayBuffer; trips: number }>) => {
  const cell = new Int32Array(e.data.buffer);
  self.postMessage("ready");
  for (let i = 0; i < e.data.trips; i++) {
    while (Atomics.load(cell, 0) !== 2 * i + 1) { /* spin */ }
    Atomics.store(cell, 0, 2 * i + 2);
  }
};
