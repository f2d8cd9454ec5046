// as-pect (AssemblyScript unit tests) for the kernel's primitives: assembly/__tests__/*.spec.ts.
// Compiler flags (SIMD enabled) live in as-pect.asconfig.json. Run: deno task test:kernel.
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
