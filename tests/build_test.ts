// The committed kernels (build/*.wasm) must be what the pinned compiler makes from
// assembly/: rebuilds both variants into a temp folder with build/build_wasm.mjs
// (run by Node, as `deno task build:wasm` does) and compares bytes.

const root = new URL("../", import.meta.url);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

Deno.test("build/*.wasm are byte-identical to a fresh build of assembly/", async () => {
  const out = await Deno.makeTempDir({ prefix: "negsamp-build-" });
  try {
    const build = await new Deno.Command("node", {
      args: ["build/build_wasm.mjs", out],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (!build.success) {
      throw new Error(
        `node build/build_wasm.mjs failed (exit ${build.code}):\n` +
          decoder.decode(build.stdout) + decoder.decode(build.stderr),
      );
    }
    // Every kernel the script builds (the variants may grow) must be committed as built.
    const names: string[] = [];
    for await (const entry of Deno.readDir(out)) {
      if (entry.isFile && entry.name.endsWith(".wasm")) names.push(entry.name);
    }
    names.sort();
    if (!names.includes("negsamp.wasm") || !names.includes("negsamp-relaxed.wasm")) {
      throw new Error(`the build made ${names.join(", ") || "no .wasm file"}`);
    }
    const stale: string[] = [];
    for (const name of names) {
      const fresh = await Deno.readFile(`${out}/${name}`);
      let committed: Uint8Array;
      try {
        committed = await Deno.readFile(new URL(`build/${name}`, root));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        stale.push(`build/${name} (missing)`);
        continue;
      }
      if (!sameBytes(fresh, committed)) {
        stale.push(`build/${name} (${committed.length} bytes, fresh build ${fresh.length})`);
      }
    }
    if (stale.length > 0) {
      throw new Error(
        `${stale.join(", ")} differ from assembly/: run deno task build:wasm`,
      );
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
