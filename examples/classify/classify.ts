// Text classification with negative sampling, fastText-style.
//
//   deno run --allow-read --allow-write examples/classify/classify.ts [TRAIN TEST]
//
// Trains on a fastText-format file (`__label__NAME words ...` per line; by default the
// sentence-polarity split in ../shared/data), prints the test accuracy and a few
// predictions, then saves the model and loads it back.
import { Classifier } from "../../src/supervised/classifier.ts";
import { fileExamples } from "../../src/supervised/labels.ts";

const data = new URL("../../../shared/data/classify/", import.meta.url).pathname;
const train = Deno.args[0] ?? `${data}sentence-polarity.train.txt`;
const test = Deno.args[1] ?? `${data}sentence-polarity.test.txt`;

const model = await Classifier.train(fileExamples(train), {
  loss: "ns", // negative sampling over the labels ("softmax": all labels)
  wordNgrams: 2, // words and hashed word bigrams, as fastText -wordNgrams 2
  dim: 100,
  epochs: 5,
  lr: 0.1,
  seed: 1,
});
const s = model.stats!;
console.log(
  `${s.examples} examples, ${model.dictionary.nwords} words, ` +
    `${model.dictionary.ngramBuckets.length} bigram rows, labels ${model.labels.join(", ")}; ` +
    `trained in ${s.trainSeconds.toFixed(2)} s`,
);

const result = await model.test(fileExamples(test, { requireLabels: false }));
console.log(
  `test: N ${result.examples}  P@1 ${result.precision.toFixed(3)}  ` +
    `R@1 ${result.recall.toFixed(3)}  accuracy ${(100 * result.accuracy).toFixed(1)}%`,
);

for (
  const text of [
    "a wonderful , moving film with superb performances",
    "dull , predictable and far too long",
  ]
) {
  const [best, ...rest] = model.predict(text, 2);
  console.log(
    `${JSON.stringify(text)} -> ${best.label} (${best.probability.toFixed(3)})` +
      rest.map((p) => `, ${p.label} (${p.probability.toFixed(3)})`).join(""),
  );
}

await Deno.mkdir("out", { recursive: true });
await model.save("out/polarity.nsm");
const again = await Classifier.load("out/polarity.nsm");
console.log(`saved out/polarity.nsm; reloaded: ${again.predict("a great movie")[0].label}`);
