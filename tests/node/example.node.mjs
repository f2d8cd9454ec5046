// examples/node/train_and_query.mjs runs as a plain Node script against the package entry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPackage, ROOT } from "./helpers.mjs";

test("examples/node: trains, queries, saves and reloads a quantized model", async () => {
  const { loadVectors } = await loadPackage();
  const dir = mkdtempSync(join(tmpdir(), "negsamp-node-example-"));
  try {
    const out = join(dir, "model.nsq");
    const r = spawnSync(
      process.execPath,
      ["examples/node/train_and_query.mjs", "--epochs", "1", "--dim", "24", "--out", out],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^trained \d+ words x 24 on data\/public-domain\.txt\.gz/m);
    assert.match(r.stdout, /^king: \w+ [01]\.\d\d, /m);
    assert.match(r.stdout, /^man : king :: woman : \w+/m);
    assert.match(r.stdout, /^saved .*model\.nsq; reloaded \d+ words/m);
    assert.ok(existsSync(out));
    const vectors = await loadVectors(out);
    assert.equal(vectors.dim, 24);
    assert.ok(vectors.has("king"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
