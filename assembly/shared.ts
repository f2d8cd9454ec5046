// Skip-gram with shared negatives (Ji et al. 2016, "HogBatch"): for one centre
// word, the noise words are drawn once and shared by every context word of its
// window, so the whole window is one C x T block step (sgns.ts updateBlock):
// the T output rows are fetched once per window instead of once per pair, and
// there are C times fewer random draws; the arithmetic is the same as per pair.
import { gradRow, inputRow, MAX_BATCH, sentence } from "./model";
import { window } from "./params";
import { below } from "./rng";
import { addContext, drawTargets, updateBlock } from "./sgns";

export function trainSentence(length: i32, lr: f32): void {
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize>pos << 2));
    const reach = window - <i32>below(<u32>window);
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    if (last - first < 1) continue;
    const targets = drawTargets(word);
    let count = 0;
    for (let c = first; c <= last; c++) {
      if (c == pos) continue;
      count = addContext(<u32>inputRow(load<u32>(sentence + (<usize>c << 2))), count);
      if (count == MAX_BATCH) {
        updateBlock(count, targets, lr, gradRow, true);
        count = 0;
      }
    }
    if (count > 0) updateBlock(count, targets, lr, gradRow, true);
  }
}
