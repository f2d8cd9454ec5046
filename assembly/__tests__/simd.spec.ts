import { dot } from "../simd";
describe("probe", () => {
  it("works", () => {
    const a = heap.alloc(64);
    for (let i = 0; i < 16; i++) store<f32>(a + (<usize> i << 2), <f32> i);
    expect<f32>(dot(a, a, 64)).toBe(1240);
    expect<bool>(ASC_FEATURE_SIMD).toBe(true);
  });
});
