// End to end in a real headless Chromium (Debian's chromium, driven by playwright-core): the
// browser example (examples/browser/) served by its dev server with cross-origin isolation,
// loading a model, training in a Web Worker (pasted text, then the built-in corpus on two
// threads) while the page stays responsive, answering neighbour and analogy queries, and
// drawing the map. Saves a screenshot to out/screenshots/browser.png (and, with
// NEGSAMP_UPDATE_DOCS=1, to docs/browser.png for the README).
//
// Needs Chromium: CHROMIUM_PATH, else /usr/bin/chromium (apt-get install -y chromium). Without
// it this test FAILS (it does not skip): CI must install it. Run with -A (playwright-core reads
// system files that only -A allows).
import { encodeModelFile, memoryCorpus, trainModel, vectorsFromBytes } from "../src/mod.ts";
import { serve } from "../examples/browser/serve.ts";
import { assert, assertEquals, assertGreater, assertLess } from "./assert.ts";
import { ensureBundle, ROOT_PATH } from "./support/bundle.ts";

/** In-page condition: training finished. */
const DONE = `document.querySelector("#progress-text").textContent.startsWith("Done")`;
const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const SCREENSHOT = `${ROOT_PATH}out/screenshots/browser.png`;
const DOCS_SCREENSHOT = `${ROOT_PATH}docs/browser.png`;

const GROUPS = [
  ["cat", "dog", "mouse", "horse", "cow"],
  ["red", "green", "blue", "yellow", "purple"],
  ["one", "two", "three", "four", "five"],
  ["apple", "pear", "plum", "cherry", "peach"],
];

/** Sentences that each use words of one group only: a tiny corpus with a known answer. */
function groupedText(lines: number): string {
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const g = GROUPS[i % GROUPS.length];
    const n = 6 + Math.floor(rand() * 5);
    out.push(Array.from({ length: n }, () => g[Math.floor(rand() * g.length)]).join(" ") + ".");
  }
  return out.join("\n");
}

async function chromiumPath(): Promise<string> {
  try {
    if ((await Deno.stat(CHROMIUM)).isFile) return CHROMIUM;
  } catch {
    // reported below
  }
  throw new Error(
    `Chromium not found at ${CHROMIUM}. The browser test needs a real headless Chromium: ` +
      `install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

/** playwright-core, imported here so a missing permission fails this test with a hint. */
async function loadPlaywright() {
  try {
    return (await import("playwright-core")).chromium;
  } catch (e) {
    throw new Error(
      `cannot load playwright-core (${(e as Error).message}): it needs npm ci, and Deno must ` +
        `run this test with -A (playwright reads system files only -A allows)`,
    );
  }
}

Deno.test({
  name: "browser: the example page loads, trains in a worker, searches, maps (Chromium)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const executablePath = await chromiumPath();
    const chromium = await loadPlaywright();
    await ensureBundle();
    const dir = await Deno.makeTempDir({ prefix: "negsamp-browser-" });
    const stop = new AbortController();
    let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    try {
      // A model for the page to load at start (/model.nsq), and the same in Deno.
      const served = await trainModel(memoryCorpus("groups", groupedText(3000)), {
        dim: 16,
        epochs: 3,
        minCount: 1,
        seed: 5,
      });
      const nsq = encodeModelFile(served, "model.nsq");
      await Deno.writeFile(`${dir}/model.nsq`, nsq);
      const denoVectors = await vectorsFromBytes(nsq, "model.nsq");
      const server = await serve({ port: 0, model: `${dir}/model.nsq`, signal: stop.signal });
      const base = `http://127.0.0.1:${server.addr.port}/`;

      context = await chromium.launchPersistentContext(`${dir}/profile`, {
        executablePath,
        headless: true,
        viewport: { width: 1280, height: 1000 },
        deviceScaleFactor: 1,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      context.setDefaultTimeout(45_000);
      const page = context.pages()[0] ?? await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      await page.goto(base);
      await page.waitForSelector("body[data-ready=true]");

      // Cross-origin isolated (the dev server's headers), so threads are possible.
      assertEquals(await page.evaluate(`globalThis.crossOriginIsolated`), true);

      // 1. The served model loaded; its answers match Deno's for the same file.
      const badge = await page.textContent("#model-badge");
      assert(badge?.startsWith(`${denoVectors.size} words · 16 dims`), `badge: ${badge}`);
      await page.fill("#search-input", "three");
      await page.click("#search-form button");
      await page.waitForFunction(`negsampPage.lastWord === "three"`);
      const shown = await page.$$eval("#neighbors .word", (els) => els.map((e) => e.textContent));
      assertEquals(shown, denoVectors.mostSimilar("three", [], 12).map((n) => n.word));

      // 2. Train on pasted text in the Web Worker; the groups come out as neighbours.
      // (fill() types the text through the editor, far too slowly for 150 KB: set it directly)
      await page.locator("#train-text").evaluate(
        (el: { value: string }, text: string) => el.value = text,
        groupedText(4000),
      );
      await page.selectOption("#train-dim", "32");
      await page.fill("#train-epochs", "5");
      await page.fill("#train-min-count", "1");
      await page.fill("#train-threads", "1");
      await page.click("#train-text-button");
      await page.waitForFunction(DONE);
      const pasteBadge = await page.textContent("#model-badge");
      assert(pasteBadge?.includes("20 words · 32 dims · trained here"), `badge: ${pasteBadge}`);
      await page.fill("#search-input", "cat");
      await page.press("#search-input", "Enter");
      await page.waitForFunction(`negsampPage.lastWord === "cat"`);
      const cat = await page.$$eval("#neighbors .word", (els) => els.map((e) => e.textContent));
      assertEquals(
        new Set(cat.slice(0, 4)),
        new Set(["dog", "mouse", "horse", "cow"]),
        `neighbours of cat: ${cat}`,
      );

      // 3. Train on the built-in corpus on two threads, watching the progress bar and the
      //    page's responsiveness (the longest gap of a 50 ms timer on the main thread).
      await page.locator("#train-text").evaluate((el: { value: string }) => el.value = "");
      await page.selectOption("#train-dim", "50");
      await page.fill("#train-epochs", "5");
      await page.fill("#train-min-count", "5");
      await page.fill("#train-threads", "2");
      await page.click("#train-builtin-button");
      await page.waitForFunction(
        `(w => w > 0 && w < 100)(parseFloat(document.querySelector("#progress-fill").style.width))`,
      );
      const midway = await page.textContent("#progress-text");
      assert(/^epoch \d\/5 · \d+% · loss \d/.test(midway ?? ""), `progress: ${midway}`);
      // The page answers while training runs.
      const clickT0 = Date.now();
      await page.evaluate(`document.querySelector("#map").getBoundingClientRect().width`);
      assertLess(Date.now() - clickT0, 1000, "the page did not answer during training");
      await page.waitForFunction(DONE, undefined, { timeout: 45_000 });
      const gap = await page.evaluate<number>(`negsampPage.maxGapMs`);
      assertLess(gap, 300, `main thread blocked for ${gap} ms while training`);
      const builtinBadge = await page.textContent("#model-badge");
      assert(
        /^[\d,]+ words · 50 dims · trained here on data\/public-domain/.test(builtinBadge ?? ""),
      );

      // Neighbours with scores, best first, and a map of the word and its neighbours.
      await page.fill("#search-input", "war");
      await page.press("#search-input", "Enter");
      await page.waitForFunction(`negsampPage.lastWord === "war"`);
      const scores = await page.$$eval(
        "#neighbors .score",
        (els) => els.map((e) => Number(e.textContent)),
      );
      assertEquals(scores.length, 12);
      for (let i = 1; i < scores.length; i++) assert(scores[i] <= scores[i - 1], `${scores}`);
      assertGreater(scores[0], 0.3);
      assertEquals(await page.locator("#map circle").count(), 13);
      assertEquals(await page.textContent("#map text.label.centre"), "war");

      await page.fill("#analogy-a", "he");
      await page.fill("#analogy-b", "his");
      await page.fill("#analogy-c", "she");
      await page.click("#analogy-form button");
      await page.waitForFunction(
        `document.querySelector("#analogy-status").textContent.startsWith("he : his")`,
      );
      assertEquals(await page.locator("#analogy-answers li").count(), 5);

      assertEquals(problems, [], "errors on the page");
      await Deno.mkdir(`${ROOT_PATH}out/screenshots`, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      // The README's picture is refreshed only on request: a test run writes under out/.
      if (Deno.env.get("NEGSAMP_UPDATE_DOCS") === "1") {
        await Deno.copyFile(SCREENSHOT, DOCS_SCREENSHOT);
        console.log(`  screenshot: out/screenshots/browser.png (copied to docs/browser.png)`);
      } else console.log(`  screenshot: out/screenshots/browser.png`);
    } finally {
      await context?.close();
      stop.abort();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
