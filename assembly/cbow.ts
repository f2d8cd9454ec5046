// CBOW: the mean of the input rows in a (randomly shrunk) window predicts the
// word at its centre. The gradient of the mean is added in full to every context
// row, as word2vec and gensim do with cbow_mean.
import { meanRowsSkipping } from "./bags";
import { gradRow, hiddenRow, inputRow, inputTable, rowBytes, sentence } from "./model";
import { window } from "./params";
import { below } from "./rng";
import { drawTargets, updateTargets } from "./sgns";
import { addTo } from "./simd";

export function trainSentence(length: i32, lr: f32): void {
  const bytes = rowBytes;
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize>pos << 2));
    const reach = window - <i32>below(<u32>window);
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    if (last - first < 1) continue; // no context word
    meanRowsSkipping(inputTable, sentence + (<usize>first << 2), last - first + 1, pos - first, hiddenRow);
    updateTargets(hiddenRow, gradRow, drawTargets(word), lr);
    for (let c = first; c <= last; c++) {
      if (c != pos) addTo(gradRow, inputRow(load<u32>(sentence + (<usize>c << 2))), bytes);
    }
  }
}
