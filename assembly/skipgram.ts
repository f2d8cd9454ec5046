// Skip-gram: every word in a (randomly shrunk) window around a position predicts
// the word at that position. As in word2vec, the context word's input row is h
// and the centre word is the positive target, so each pair updates one input row
// (a block of one context, with its own noise draws).
import { gradRow, inputRow, sentence } from "./model";
import { window } from "./params";
import { below } from "./rng";
import { drawTargets, singleContext, updateBlock } from "./sgns";

export function trainSentence(length: i32, lr: f32): void {
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize>pos << 2));
    const reach = window - <i32>below(<u32>window); // dynamic window: 1..window
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    for (let c = first; c <= last; c++) {
      if (c == pos) continue;
      singleContext(inputRow(load<u32>(sentence + (<usize>c << 2))));
      updateBlock(1, drawTargets(word), lr, gradRow, true);
    }
  }
}
