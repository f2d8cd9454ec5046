// Skip-gram: every word in a (randomly shrunk) window around a position predicts
// the word at that position. As in word2vec, the context word's input row is h
// and the centre word is the positive target, so each pair updates one input row.
import { gradRow, inputRow, rowBytes, sentence } from "./model";
import { window } from "./params";
import { below } from "./rng";
import { drawTargets, updateTargets } from "./sgns";
import { addTo, zero } from "./simd";

export function trainSentence(length: i32, lr: f32): void {
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize>pos << 2));
    const reach = window - <i32>below(<u32>window); // dynamic window: 1..window
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    for (let c = first; c <= last; c++) {
      if (c == pos) continue;
      const h = inputRow(load<u32>(sentence + (<usize>c << 2)));
      zero(gradRow, rowBytes);
      updateTargets(h, gradRow, drawTargets(word), lr);
      addTo(gradRow, h, rowBytes);
    }
  }
}
