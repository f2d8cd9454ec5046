// Rebuilds data/mini-analogies.txt, the small analogy check `deno task train` reports when
// the full evaluation data is not around. It is an excerpt of the Google analogy set
// (questions-words.txt, Mikolov et al. 2013, Apache License 2.0; see data/README.md):
// per section, the questions whose four words all occur at least 5 times in the built-in
// corpus (so all are answerable by the default model), then 6 of them evenly spaced.
// Sections with fewer than 6 such questions are left out. The choice never looks at a
// model's answers.
//
// Usage: deno run --allow-read --allow-write data/make_mini_analogies.ts [QUESTIONS]
// (default ../shared/data/eval/questions-words.txt relative to the repo root)
import { fileCorpus } from "../src/corpus/source.ts";
import { buildVocab } from "../src/vocab.ts";

const PER_SECTION = 6;
const MIN_COUNT = 5;
const here = new URL(".", import.meta.url);
const source = Deno.args[0] ?? new URL("../../shared/data/eval/questions-words.txt", here).pathname;
const corpus = fileCorpus(new URL("public-domain.txt.gz", here).pathname);

const { vocab } = await buildVocab(corpus, { minCount: MIN_COUNT, maxVocab: 0 });
const sections: { name: string; questions: string[] }[] = [];
for (const line of (await Deno.readTextFile(source)).split("\n")) {
  const text = line.trim();
  if (text.startsWith(":")) {
    sections.push({ name: text.slice(1).trim(), questions: [] });
    continue;
  }
  const words = text.toLowerCase().split(/\s+/);
  if (words.length === 4 && words.every((w) => vocab.id(w) >= 0)) {
    sections[sections.length - 1].questions.push(words.join(" "));
  }
}
const out: string[] = [];
for (const { name, questions } of sections) {
  if (questions.length < PER_SECTION) continue;
  out.push(`: ${name}`);
  for (let i = 0; i < PER_SECTION; i++) {
    out.push(questions[Math.floor((i + 0.5) * questions.length / PER_SECTION)]);
  }
}
const target = new URL("mini-analogies.txt", here);
await Deno.writeTextFile(target, out.join("\n") + "\n");
console.log(`wrote ${target.pathname}: ${out.length} lines`);
