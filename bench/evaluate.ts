// The one evaluation protocol of the bench, applied to every tool's vectors: Google
// analogies (3CosAdd, the 30,000 most frequent words, questions with an unknown word
// skipped) and WordSim-353 Spearman, both with negsamp's own evaluation code.
import { evaluateAnalogies } from "../src/eval/analogies.ts";
import { evaluateWordPairs } from "../src/eval/wordpairs.ts";
import { Vectors } from "../src/vectors.ts";

export const ANALOGY_RESTRICT = 30000;

export interface EvalSummary {
  analogy: {
    accuracy: number;
    correct: number;
    total: number;
    skipped: number;
    semantic: number;
    syntactic: number;
  };
  wordsim: { spearman: number; oovRatio: number; used: number; pairs: number };
  vocabSize: number;
}

export async function evaluate(
  words: string[],
  dim: number,
  data: Float32Array,
  questionsPath: string,
  wordsimPath: string,
): Promise<EvalSummary> {
  const vectors = await Vectors.create(words, dim, data);
  const [questions, wordsim] = await Promise.all([
    Deno.readTextFile(questionsPath),
    Deno.readTextFile(wordsimPath),
  ]);
  const a = evaluateAnalogies(vectors, questions, {
    restrict: ANALOGY_RESTRICT,
    name: questionsPath,
  });
  const w = evaluateWordPairs(vectors, wordsim, { name: wordsimPath });
  return {
    analogy: {
      accuracy: a.accuracy,
      correct: a.correct,
      total: a.total,
      skipped: a.skipped,
      semantic: a.semantic.accuracy,
      syntactic: a.syntactic.accuracy,
    },
    wordsim: { spearman: w.spearman, oovRatio: w.oovRatio, used: w.used, pairs: w.pairs },
    vocabSize: words.length,
  };
}
