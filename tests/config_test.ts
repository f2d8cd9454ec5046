// Tests for src/train/config.ts: defaults, and every way a configuration can be wrong
// (unknown field, wrong type, NaN, not a whole number, below or above the range), each
// checked on the field the error names and on its message.
import {
  ConfigError,
  defaultLr,
  DEFAULTS,
  resolveConfig,
  type TrainConfig,
} from "../src/train/config.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "./assert.ts";

/** Resolves `partial` expecting a ConfigError on `field`; returns its message. */
function configError(partial: Record<string, unknown>, field: string, ...parts: string[]): string {
  const e = assertThrows(
    () => resolveConfig(partial as Partial<TrainConfig>),
    ConfigError,
  ) as ConfigError;
  assertEquals(e.field, field, `field of ${JSON.stringify(partial)}`);
  assert(e.message.startsWith(`invalid ${field}: `), e.message);
  for (const p of parts) assertStringIncludes(e.message, p);
  return e.message;
}

// The numeric fields with the range config.ts enforces. Kept here by hand on purpose: a
// change of a limit should be a deliberate change of this table too.
const NUMERIC: Record<string, { integer: boolean; min: number; max: number; open?: boolean }> = {
  dim: { integer: true, min: 1, max: 4096 },
  window: { integer: true, min: 1, max: 1000 },
  negative: { integer: true, min: 1, max: 127 },
  minCount: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  maxVocab: { integer: true, min: 0, max: 1 << 30 },
  sample: { integer: false, min: 0, max: 1 },
  epochs: { integer: true, min: 1, max: 10000 },
  lr: { integer: false, min: 0, max: 1000, open: true },
  minLr: { integer: false, min: 0, max: 1000 },
  nsExponent: { integer: false, min: -10, max: 10 },
  seed: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
  threads: { integer: true, min: 1, max: 256 },
  chunkTokens: { integer: true, min: 16384, max: 1 << 24 },
};

Deno.test("config: the numeric table covers every numeric field of DEFAULTS", () => {
  const numeric = Object.keys(DEFAULTS).filter((k) =>
    typeof DEFAULTS[k as keyof typeof DEFAULTS] === "number"
  );
  assertEquals([...numeric, "lr"].sort(), Object.keys(NUMERIC).sort());
});

Deno.test("config: defaults, per-model learning rate, undefined means default", () => {
  assertEquals(resolveConfig(), { ...DEFAULTS, lr: 0.025, sharedNegatives: true });
  assertEquals(resolveConfig({}).lr, defaultLr("skipgram"));
  assertEquals(resolveConfig({ model: "cbow" }).lr, 0.05);
  assertEquals(resolveConfig({ model: "cbow", lr: 0.01 }).lr, 0.01);
  assertEquals(resolveConfig({ dim: undefined, epochs: 3 }).dim, DEFAULTS.dim);
  assertEquals(resolveConfig({ epochs: 3 }).epochs, 3);
  assertEquals(resolveConfig({ sharedNegatives: true }).sharedNegatives, true);
  // The boundaries themselves are allowed.
  for (const [field, r] of Object.entries(NUMERIC)) {
    if (field === "minLr") continue; // bounded by lr, checked below
    const low = r.open ? r.min + 0.001 : r.min;
    assertEquals(resolveConfig({ [field]: low })[field as keyof TrainConfig], low, field);
    assertEquals(resolveConfig({ [field]: r.max })[field as keyof TrainConfig], r.max, field);
  }
  assertEquals(resolveConfig({ minLr: 0 }).minLr, 0);
  assertEquals(resolveConfig({ lr: 0.025, minLr: 0.025 }).minLr, 0.025);
});

Deno.test("config: unknown field names the field and lists the known ones", () => {
  const msg = configError({ dimension: 100 }, "dimension", "unknown option", "known:", "dim");
  for (const k of [...Object.keys(DEFAULTS), "lr"]) assertStringIncludes(msg, k);
  configError({ min_count: 5 }, "min_count", "unknown option");
});

Deno.test("config: model must be skipgram or cbow", () => {
  assertEquals(
    configError({ model: "glove" }, "model"),
    'invalid model: "glove" is not one of skipgram, cbow',
  );
  configError({ model: 1 }, "model", "1 is not one of skipgram, cbow");
  configError({ model: "SkipGram" }, "model", '"SkipGram" is not one of');
});

Deno.test("config: context must be window or session, session only for skip-gram", () => {
  assertEquals(resolveConfig({ context: "session" }).context, "session");
  assertEquals(
    configError({ context: "sentence" }, "context"),
    'invalid context: "sentence" is not one of window, session',
  );
  configError({ context: 2 }, "context", "2 is not one of window, session");
  assertEquals(
    configError({ context: "session", model: "cbow" }, "context"),
    'invalid context: "session" needs model skipgram (got cbow)',
  );
});

Deno.test("config: sharedNegatives must be a boolean", () => {
  assertEquals(
    configError({ sharedNegatives: "yes" }, "sharedNegatives"),
    'invalid sharedNegatives: "yes" is not a boolean',
  );
  configError({ sharedNegatives: 1 }, "sharedNegatives", "1 is not a boolean");
  configError({ sharedNegatives: null }, "sharedNegatives", "null is not a boolean");
});

for (const [field, rule] of Object.entries(NUMERIC)) {
  Deno.test(`config: ${field}: wrong type, NaN, fraction, out of range`, () => {
    // Wrong type: strings (even numeric ones), booleans, null.
    assertEquals(configError({ [field]: "5" }, field), `invalid ${field}: "5" is not a number`);
    configError({ [field]: true }, field, "true is not a number");
    configError({ [field]: null }, field, "null is not a number");
    configError({ [field]: [1] }, field, "[1] is not a number");
    // NaN (JSON.stringify shows it as null).
    configError({ [field]: NaN }, field, "is not a number");
    // Not a whole number.
    if (rule.integer) {
      assertEquals(
        configError({ [field]: rule.min + 1.5 }, field),
        `invalid ${field}: ${rule.min + 1.5} is not a whole number`,
      );
    }
    // Below the range.
    const below = rule.open ? rule.min : rule.integer ? rule.min - 1 : rule.min - 0.5;
    const lowText = rule.open ? `above ${rule.min}` : `at least ${rule.min}`;
    assertEquals(
      configError({ [field]: below }, field),
      `invalid ${field}: ${below} is out of range (${lowText}, at most ${rule.max})`,
    );
    // Above the range (Infinity too).
    const above = rule.max === Number.MAX_SAFE_INTEGER
      ? 2 ** 60
      : rule.integer
      ? rule.max + 1
      : rule.max + 0.5;
    configError({ [field]: above }, field, `${above} is out of range`, `at most ${rule.max}`);
    // Infinity is refused as not whole (integer fields) or out of range (the others).
    const infinite = rule.integer ? "is not a whole number" : "is out of range";
    configError({ [field]: Infinity }, field, `Infinity ${infinite}`);
    configError({ [field]: -Infinity }, field, `-Infinity ${infinite}`);
  });
}

Deno.test("config: minLr may not exceed the initial lr (also cbow's default)", () => {
  assertEquals(
    configError({ minLr: 0.03 }, "minLr"),
    "invalid minLr: 0.03 is above the initial lr 0.025",
  );
  assertEquals(resolveConfig({ model: "cbow", minLr: 0.03 }).minLr, 0.03);
  configError({ model: "cbow", minLr: 0.06 }, "minLr", "above the initial lr 0.05");
  configError({ lr: 0.001, minLr: 0.002 }, "minLr", "0.002 is above the initial lr 0.001");
});

Deno.test("config: the first bad field is reported, and resolveConfig does not mutate", () => {
  const partial = { dim: 0, window: 0 };
  configError(partial, "dim");
  assertEquals(partial, { dim: 0, window: 0 });
});

Deno.test("config: shared negatives are on for skip-gram, off (and refused) for CBOW", () => {
  assertEquals(resolveConfig({}).sharedNegatives, true);
  assertEquals(resolveConfig({ model: "cbow" }).sharedNegatives, false);
  assertEquals(resolveConfig({ sharedNegatives: false }).sharedNegatives, false);
  configError(
    { model: "cbow", sharedNegatives: true },
    "sharedNegatives",
    "applies to skipgram only (got cbow)",
  );
});
