// Training configuration: defaults (word2vec's and gensim's for skip-gram) and
// validation with an error that names the field, the value and the valid range.

export type ModelKind = "skipgram" | "cbow";
/** "window": neighbours within a shrunk window (word2vec); "session": every other
 *  item of the line (item2vec; sampled down to 2 x window for long lines). */
export type ContextKind = "window" | "session";

export interface TrainConfig {
  model: ModelKind;
  dim: number;
  window: number;
  negative: number;
  minCount: number;
  /** Most distinct words kept while counting (0 = no limit). */
  maxVocab: number;
  sample: number;
  epochs: number;
  /** Initial learning rate; undefined = 0.025 for skip-gram, 0.05 for CBOW. */
  lr: number;
  /** Floor of the linear decay (gensim's min_alpha). */
  minLr: number;
  nsExponent: number;
  seed: number;
  threads: number;
  /** Token ids per kernel call (~64k keeps V8's optimising tier in play). */
  chunkTokens: number;
  /** Skip-gram only: draw the negatives once per window and share them across its
   *  context words (HogBatch), instead of once per (context, word) pair. */
  sharedNegatives: boolean;
  /** Skip-gram only: which positions of a line are a word's context. */
  context: ContextKind;
}

export const DEFAULTS: Omit<TrainConfig, "lr" | "sharedNegatives"> = {
  model: "skipgram",
  dim: 100,
  window: 5,
  negative: 5,
  minCount: 5,
  maxVocab: 0,
  sample: 1e-3,
  epochs: 5,
  minLr: 0.0001,
  nsExponent: 0.75,
  seed: 1,
  threads: 1,
  chunkTokens: 65536,
  context: "window",
};

export function defaultLr(model: ModelKind): number {
  return model === "cbow" ? 0.05 : 0.025;
}

/** Shared negatives are the default for skip-gram: in bench/bench.ts (en-mixed, standard
 *  settings) they trained 1.4x faster than per-pair draws at the same or better quality. */
export function defaultSharedNegatives(model: ModelKind): boolean {
  return model === "skipgram";
}

export class ConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`invalid ${field}: ${message}`);
    this.name = "ConfigError";
  }
}

interface Rule {
  integer?: boolean;
  min: number;
  max: number;
  /** min itself not allowed */
  exclusiveMin?: boolean;
}

const RULES: Record<Exclude<keyof TrainConfig, "model" | "sharedNegatives" | "context">, Rule> = {
  dim: { integer: true, min: 1, max: 4096 },
  window: { integer: true, min: 1, max: 1000 },
  negative: { integer: true, min: 1, max: 127 },
  minCount: { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  maxVocab: { integer: true, min: 0, max: 1 << 30 },
  sample: { min: 0, max: 1 },
  epochs: { integer: true, min: 1, max: 10000 },
  lr: { min: 0, max: 1000, exclusiveMin: true },
  minLr: { min: 0, max: 1000 },
  nsExponent: { min: -10, max: 10 },
  seed: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
  threads: { integer: true, min: 1, max: 256 },
  // A chunk always holds a whole sentence (at most 10,000 tokens and its end mark).
  chunkTokens: { integer: true, min: 16384, max: 1 << 24 },
};

/** Fills in defaults and checks every field; throws ConfigError on the first bad one. */
export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) {
    throw new ConfigError("config", `${JSON.stringify(partial)} is not an object of settings`);
  }
  for (const key of Object.keys(partial)) {
    if (!["model", "sharedNegatives", "context"].includes(key) && !(key in RULES)) {
      const known = ["model", "sharedNegatives", "context", ...Object.keys(RULES)].join(", ");
      throw new ConfigError(key, `unknown option (known: ${known})`);
    }
  }
  const model = partial.model ?? DEFAULTS.model;
  if (model !== "skipgram" && model !== "cbow") {
    throw new ConfigError("model", `${JSON.stringify(model)} is not one of skipgram, cbow`);
  }
  const defined = Object.fromEntries(
    Object.entries(partial).filter(([, v]) => v !== undefined),
  ) as Partial<TrainConfig>;
  const config: TrainConfig = {
    ...DEFAULTS,
    lr: defaultLr(model),
    sharedNegatives: defaultSharedNegatives(model),
    ...defined,
    model,
  };
  for (const [field, rule] of Object.entries(RULES) as [keyof typeof RULES, Rule][]) {
    checkNumber(field, config[field], rule);
  }
  if (typeof config.sharedNegatives !== "boolean") {
    throw new ConfigError(
      "sharedNegatives",
      `${JSON.stringify(config.sharedNegatives)} is not a boolean`,
    );
  }
  if (config.context !== "window" && config.context !== "session") {
    throw new ConfigError(
      "context",
      `${JSON.stringify(config.context)} is not one of window, session`,
    );
  }
  if (config.sharedNegatives && config.model !== "skipgram") {
    throw new ConfigError("sharedNegatives", `applies to skipgram only (got ${config.model})`);
  }
  if (config.context === "session" && config.model !== "skipgram") {
    throw new ConfigError("context", `"session" needs model skipgram (got ${config.model})`);
  }
  if (config.minLr > config.lr) {
    throw new ConfigError("minLr", `${config.minLr} is above the initial lr ${config.lr}`);
  }
  return config;
}

function checkNumber(field: string, value: unknown, rule: Rule): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new ConfigError(field, `${JSON.stringify(value)} is not a number`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new ConfigError(field, `${value} is not a whole number`);
  }
  const low = rule.exclusiveMin ? value <= rule.min : value < rule.min;
  if (low || value > rule.max) {
    const lowText = rule.exclusiveMin ? `above ${rule.min}` : `at least ${rule.min}`;
    throw new ConfigError(field, `${value} is out of range (${lowText}, at most ${rule.max})`);
  }
}
