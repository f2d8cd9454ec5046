// The browser example: loads the kernel (streaming compile) and a model, answers nearest
// neighbour and analogy queries, draws a word's neighbourhood (PCA, computed by the library)
// and trains new models in a Web Worker while the page stays responsive.
import {
  canShareMemory,
  encodeQuantized,
  neighborMap,
  supportsRelaxedSimd,
  Vectors,
  vectorsFromBytes,
} from "../../dist/negsamp.js";

const $ = (id) => document.getElementById(id);
const NEIGHBORS = 12;
const SVG = "http://www.w3.org/2000/svg";

const state = {
  /** @type {Vectors | null} */
  vectors: null,
  label: "",
  /** .nsq bytes of the current model (made on demand for download). */
  nsq: null,
  worker: null,
  training: false,
  losses: [],
  /** Longest gap between ticks of a 50 ms timer while training (a frozen page shows here). */
  maxGapMs: 0,
  lastWord: "",
};
// For tests and the console.
globalThis.negsampPage = state;

const format = new Intl.NumberFormat("en");

function setStatus(id, text, error = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", error);
}

function showModel(vectors, label, nsq = null) {
  state.vectors = vectors;
  state.label = label;
  state.nsq = nsq;
  $("model-badge").textContent = `${
    format.format(vectors.size)
  } words · ${vectors.dim} dims · ${label}`;
  $("model-badge").classList.remove("muted");
  $("download").disabled = false;
  const list = $("vocab");
  list.replaceChildren(
    ...vectors.words.slice(0, 3000).map((w) => {
      const o = document.createElement("option");
      o.value = w;
      return o;
    }),
  );
}

/** A word worth showing first: the one asked for, else a familiar one, else a frequent one. */
function probeWord(vectors, wanted) {
  for (const w of [wanted, "king", "love", "water", "cat"]) if (w && vectors.has(w)) return w;
  return vectors.words[Math.min(40, vectors.size - 1)];
}

function renderNeighbors(listId, neighbors) {
  const list = $(listId);
  list.replaceChildren(
    ...neighbors.map((n, i) => {
      const li = document.createElement("li");
      const rank = document.createElement("span");
      rank.className = "rank";
      rank.textContent = String(i + 1);
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = n.word;
      word.title = `neighbours of ${n.word}`;
      word.addEventListener("click", () => search(n.word));
      const bar = document.createElement("span");
      bar.className = "bar";
      const fill = document.createElement("span");
      fill.style.width = `${Math.max(0, Math.min(1, n.score)) * 100}%`;
      bar.append(fill);
      const score = document.createElement("span");
      score.className = "score";
      score.textContent = n.score.toFixed(3);
      li.append(rank, word, bar, score);
      return li;
    }),
  );
}

function search(word) {
  const vectors = state.vectors;
  if (!vectors) {
    setStatus("search-status", "Load or train a model first.", true);
    return;
  }
  const query = word.trim();
  const key = vectors.has(query) ? query : query.toLowerCase();
  if (!vectors.has(key)) {
    setStatus("search-status", `“${query}” is not in the vocabulary.`, true);
    return;
  }
  $("search-input").value = key;
  const t0 = performance.now();
  const map = neighborMap(vectors, key, NEIGHBORS);
  const ms = performance.now() - t0;
  state.lastWord = key;
  renderNeighbors("neighbors", map.points.slice(1));
  setStatus(
    "search-status",
    `${map.points.length - 1} nearest of ${format.format(vectors.size)} words (cosine), ` +
      `with the map, in ${ms.toFixed(1)} ms`,
  );
  renderMap(map);
}

/** Moves labels apart vertically until no two overlap (a few passes are enough for 13). */
function spreadLabels(items, height) {
  items.sort((a, b) => a.y - b.y);
  for (let pass = 0; pass < 30; pass++) {
    let moved = false;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i], b = items[j];
        const overlapX = a.x < b.x + b.w && b.x < a.x + a.w;
        const dy = b.y - a.y;
        if (overlapX && Math.abs(dy) < height) {
          const push = (height - Math.abs(dy)) / 2 + 0.5;
          a.y -= push;
          b.y += push;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
}

function renderMap(map) {
  const svg = $("map");
  // Draw in the SVG's own pixels, so the map fills its card at any size.
  const box = svg.getBoundingClientRect();
  const W = Math.max(320, Math.round(box.width)), H = Math.max(280, Math.round(box.height));
  const PAD = 56;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const xs = map.points.map((p) => p.x), ys = map.points.map((p) => p.y);
  const span = Math.max(
    Math.max(...xs) - Math.min(...xs),
    (Math.max(...ys) - Math.min(...ys)) * ((W - 2 * PAD) / (H - 2 * PAD)),
    1e-9,
  );
  // One scale for both axes, so distances on the map mean the same in every direction.
  const scale = (W - 2 * PAD) / span;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const px = (x) => W / 2 + (x - cx) * scale, py = (y) => H / 2 - (y - cy) * scale;
  const el = (name, attrs, text) => {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const nodes = [
    el("line", { class: "axis", x1: px(0), y1: PAD / 2, x2: px(0), y2: H - PAD / 2 }),
    el("line", { class: "axis", x1: PAD / 2, y1: py(0), x2: W - PAD / 2, y2: py(0) }),
  ];
  const centre = map.points[0];
  const minScore = Math.min(...map.points.slice(1).map((p) => p.score));
  for (const p of map.points.slice(1)) {
    const t = (p.score - minScore) / Math.max(1e-9, 1 - minScore);
    nodes.push(el("line", {
      class: "edge",
      x1: px(centre.x),
      y1: py(centre.y),
      x2: px(p.x),
      y2: py(p.y),
      "stroke-opacity": (0.15 + 0.5 * t).toFixed(2),
      "stroke-width": (1 + 2 * t).toFixed(2),
    }));
  }
  const labels = map.points.map((p, i) => {
    const w = p.word.length * (i === 0 ? 9 : 7.5) + 6;
    return { p, i, x: px(p.x) + (i === 0 ? 12 : 9), y: py(p.y) + 4, w };
  });
  spreadLabels(labels, 15);
  for (const { p, i } of labels) {
    const dot = el("circle", {
      class: i === 0 ? "dot centre" : "dot",
      cx: px(p.x),
      cy: py(p.y),
      r: i === 0 ? 8 : 5.5,
    });
    dot.append(el("title", {}, `${p.word}  ${p.score.toFixed(3)}`));
    dot.addEventListener("click", () => search(p.word));
    nodes.push(dot);
  }
  for (const l of labels) {
    const text = el("text", {
      class: l.i === 0 ? "label centre" : "label",
      x: Math.min(l.x, W - l.w),
      y: Math.max(12, Math.min(H - 4, l.y)),
    }, l.p.word);
    text.addEventListener("click", () => search(l.p.word));
    nodes.push(text);
  }
  svg.replaceChildren(...nodes);
  const [ex, ey] = map.explained;
  $("map-caption").textContent = `PCA of ${map.points.length} unit vectors · axes show ` +
    `${Math.round(100 * ex)}% + ${Math.round(100 * ey)}% of their variance`;
}

function analogy() {
  const vectors = state.vectors;
  if (!vectors) {
    setStatus("analogy-status", "Load or train a model first.", true);
    return;
  }
  const words = ["analogy-a", "analogy-b", "analogy-c"].map((id) => $(id).value.trim());
  const keys = words.map((w) => vectors.has(w) ? w : w.toLowerCase());
  const missing = keys.filter((w) => !vectors.has(w));
  if (missing.length > 0) {
    setStatus("analogy-status", `Not in the vocabulary: ${missing.join(", ")}`, true);
    $("analogy-answers").replaceChildren();
    return;
  }
  const [a, b, c] = keys;
  const answers = vectors.analogy(a, b, c, 5);
  setStatus("analogy-status", `${a} : ${b} :: ${c} : ${answers[0]?.word ?? "?"}`);
  renderNeighbors("analogy-answers", answers);
}

// ---------- training ----------

function settings() {
  const num = (id) => Number($(id).value);
  return {
    dim: num("train-dim"),
    epochs: num("train-epochs"),
    window: num("train-window"),
    minCount: num("train-min-count"),
    threads: num("train-threads"),
  };
}

function setTraining(on) {
  state.training = on;
  $("train-text-button").disabled = on;
  $("train-builtin-button").disabled = on;
  $("train-stop").hidden = !on;
  if (on) $("progress").hidden = false;
}

function drawLoss() {
  const chart = $("loss-chart");
  const values = state.losses.filter(Number.isFinite);
  if (values.length < 2) {
    chart.replaceChildren();
    return;
  }
  const max = Math.max(...values), min = Math.min(...values);
  const points = values.map((v, i) => {
    const x = (i / (values.length - 1)) * 300;
    const y = 44 - ((v - min) / Math.max(1e-9, max - min)) * 40;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.join(" "));
  chart.replaceChildren(line);
}

function startTraining(source) {
  if (state.training) return;
  if (!source.builtin && $("train-text").value.trim() === "") {
    setStatus("progress-text", "Paste or drop some text first.", true);
    $("progress").hidden = false;
    return;
  }
  const worker = new Worker(new URL("./train_worker.js", import.meta.url), { type: "module" });
  state.worker = worker;
  state.losses = [];
  state.maxGapMs = 0;
  drawLoss();
  $("progress-fill").style.width = "0%";
  setTraining(true);
  setStatus("progress-text", source.builtin ? "Fetching the built-in corpus…" : "Counting words…");

  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    state.maxGapMs = Math.max(state.maxGapMs, now - last);
    last = now;
  }, 50);
  const finish = () => {
    clearInterval(ticker);
    worker.terminate();
    if (state.worker === worker) state.worker = null;
    setTraining(false);
  };
  worker.onmessage = async ({ data: m }) => {
    if (m.type === "vocab") {
      setStatus(
        "progress-text",
        `${format.format(m.words)} words in the vocabulary (${
          format.format(m.tokens)
        } tokens); training…`,
      );
    } else if (m.type === "progress") {
      state.losses.push(m.loss);
      drawLoss();
      $("progress-fill").style.width = `${(100 * m.progress).toFixed(1)}%`;
      const eta = Number.isFinite(m.etaSeconds) ? ` · ${Math.ceil(m.etaSeconds)} s left` : "";
      setStatus(
        "progress-text",
        `epoch ${m.epoch}/${m.epochs} · ${Math.round(100 * m.progress)}% · loss ` +
          `${Number.isFinite(m.loss) ? m.loss.toFixed(3) : "–"} · ` +
          `${format.format(Math.round(m.wordsPerSecond / 1000))}k words/s${eta}`,
      );
    } else if (m.type === "notice") {
      console.info(m.message);
    } else if (m.type === "done") {
      finish();
      $("progress-fill").style.width = "100%";
      const vectors = await Vectors.create(m.words, m.dim, m.data);
      showModel(vectors, `trained here on ${m.corpus}`);
      setStatus(
        "progress-text",
        `Done: ${format.format(m.words.length)} words × ${m.dim} in ` +
          `${m.stats.seconds.toFixed(1)} s (${
            format.format(Math.round(m.stats.wordsPerSecond / 1000))
          }k ` +
          `words/s), final loss ${
            Number.isFinite(m.stats.finalLoss) ? m.stats.finalLoss.toFixed(3) : "–"
          }`,
      );
      search(probeWord(vectors, $("search-input").value.trim() || state.lastWord));
    } else if (m.type === "error") {
      finish();
      setStatus("progress-text", m.message, true);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    finish();
    setStatus("progress-text", `training failed: ${e.message}`, true);
  };
  worker.postMessage({
    text: $("train-text").value,
    builtin: !!source.builtin,
    settings: settings(),
  });
}

function stopTraining() {
  if (!state.worker) return;
  state.worker.terminate();
  state.worker = null;
  setTraining(false);
  setStatus("progress-text", "Stopped.");
}

// ---------- models from files ----------

async function loadModelBytes(bytes, name, label) {
  const vectors = await vectorsFromBytes(bytes, name);
  showModel(vectors, label, name.endsWith(".nsq") ? bytes : null);
  search(probeWord(vectors, state.lastWord));
}

function download() {
  const v = state.vectors;
  if (!v) return;
  let bytes = state.nsq;
  if (!bytes) {
    const data = new Float32Array(v.size * v.dim);
    v.words.forEach((w, i) => data.set(v.get(w), i * v.dim));
    bytes = encodeQuantized({ words: [...v.words], dim: v.dim, data });
    state.nsq = bytes;
  }
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "model.nsq";
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------- start ----------

function wire() {
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    search($("search-input").value);
  });
  $("analogy-form").addEventListener("submit", (e) => {
    e.preventDefault();
    analogy();
  });
  $("train-text-button").addEventListener("click", () => startTraining({ builtin: false }));
  $("train-builtin-button").addEventListener("click", () => startTraining({ builtin: true }));
  $("train-stop").addEventListener("click", stopTraining);
  $("download").addEventListener("click", download);
  $("model-file").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    try {
      await loadModelBytes(new Uint8Array(await file.arrayBuffer()), file.name, file.name);
    } catch (err) {
      setStatus("search-status", `${file.name}: ${err.message}`, true);
    }
  });
  const area = $("train-text");
  area.addEventListener("dragover", (e) => {
    e.preventDefault();
    area.classList.add("dragging");
  });
  area.addEventListener("dragleave", () => area.classList.remove("dragging"));
  area.addEventListener("drop", async (e) => {
    e.preventDefault();
    area.classList.remove("dragging");
    const file = e.dataTransfer?.files?.[0];
    if (file) area.value = await file.text();
  });
}

async function main() {
  wire();
  const isolated = globalThis.crossOriginIsolated === true && canShareMemory();
  const cores = navigator.hardwareConcurrency || 1;
  $("kernel-badge").textContent = supportsRelaxedSimd() ? "Wasm relaxed SIMD" : "Wasm SIMD";
  $("kernel-badge").classList.remove("muted");
  $("isolation").textContent = isolated
    ? `cross-origin isolated: training may use up to ${cores} threads`
    : "not cross-origin isolated: training uses one thread";
  const threads = $("train-threads");
  threads.max = String(isolated ? Math.max(1, cores) : 1);
  threads.value = String(isolated ? Math.min(4, cores) : 1);
  try {
    const response = await fetch("model.nsq");
    if (response.ok) {
      await loadModelBytes(new Uint8Array(await response.arrayBuffer()), "model.nsq", "model.nsq");
    } else {
      setStatus("search-status", "No model served yet: train one below, or load a file.");
    }
  } catch (e) {
    setStatus("search-status", `Could not load model.nsq: ${e.message}`, true);
  }
  document.body.dataset.ready = "true";
}

main();
