// Runs the as-pect kernel unit tests (assembly/__tests__/*.spec.ts) twice: compiled
// with SIMD (as-pect.asconfig.json) and with relaxed SIMD (as-pect.relaxed.asconfig.json).
// `npx asp` starts a child Node without V8 flags, and Node 20 runs relaxed SIMD only
// behind --experimental-wasm-relaxed-simd, so this starts as-pect's runner itself,
// adding the flag when this Node accepts it. Ends with one line
// "as-pect: N passed, M failed" and exits non-zero if a suite failed or ran no test.
//   node assembly/__tests__/run.mjs
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const runner = join(root, "node_modules", "@as-pect", "cli", "lib", "test.js");
const RELAXED_FLAG = "--experimental-wasm-relaxed-simd";

// A module whose one function uses f32x4.relaxed_madd: validates only where relaxed
// SIMD is on. (type () -> v128; body: 3 x v128.const 0, relaxed_madd 0xfd 0x85 0x02.)
const RELAXED_PROBE =
  "AGFzbQEAAAABBQFgAAF7AwIBAAo9ATsA/QwAAAAAAAAAAAAAAAAAAAAA/QwAAAAAAAAAAAAAAAAAAAAA" +
  "/QwAAAAAAAAAAAAAAAAAAAAA/YUCCw==";

/** The Node flags under which relaxed SIMD validates, or undefined if none do. */
function relaxedFlags() {
  const check = `process.exit(WebAssembly.validate(Buffer.from("${RELAXED_PROBE}", "base64")) ? 0 : 1)`;
  for (const flags of [[], [RELAXED_FLAG]]) {
    const r = spawnSync(process.execPath, [...flags, "-e", check], { stdio: "ignore" });
    if (r.status === 0) return flags;
  }
  return undefined;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function runSuite(name, asconfig, flags) {
  console.log(`\n=== as-pect (${name}): ${asconfig} ${flags.join(" ")}`);
  const r = spawnSync(process.execPath, [...flags, runner, "--as-config", asconfig], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    maxBuffer: 64 << 20,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.replace(ANSI, "");
  process.stdout.write(out);
  const m = out.match(/\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/);
  if (!m) {
    console.log(`as-pect (${name}): no summary (exit status ${r.status})`);
    return { passed: 0, failed: 1 };
  }
  const passed = Number(m[1]);
  const total = Number(m[2]);
  // A crash after the summary, or a failing status, counts as one more failure.
  const failed = total - passed + (r.status === 0 || total > passed ? 0 : 1);
  if (total === 0) return { passed: 0, failed: 1 };
  return { passed, failed };
}

const results = [runSuite("simd", "as-pect.asconfig.json", [])];
const flags = relaxedFlags();
if (flags) results.push(runSuite("relaxed-simd", "as-pect.relaxed.asconfig.json", flags));
else console.log("\nas-pect (relaxed-simd): skipped, this Node cannot run relaxed SIMD");

const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`\nas-pect: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
