// item2vec: the whole session is the context of each item. A session of L items
// gives every other item as context while L - 1 <= 2 * window; a longer one gives
// 2 * window contexts drawn uniformly (with replacement) from the rest of the
// session, so long sessions cost O(L * window) rather than O(L^2).
import { gradRow, inputRow, MAX_BATCH, sentence } from "./model";
import { window } from "./params";
import { below } from "./rng";
import { addContext, drawTargets, singleContext, updateBlock } from "./sgns";

// @ts-ignore: decorator
@inline function itemAt(pos: i32): u32 {
  return load<u32>(sentence + (<usize>pos << 2));
}

/** Context position k (0-based) of `pos`, in a session of `length` items. */
// @ts-ignore: decorator
@inline function contextOf(pos: i32, k: i32, length: i32, all: bool): i32 {
  let c = all ? k : <i32>below(<u32>(length - 1));
  if (c >= pos) c++; // skip the item itself
  return c;
}

export function trainSentence(length: i32, lr: f32, shared: bool): void {
  if (length < 2) return;
  const all = length - 1 <= 2 * window;
  const contexts = all ? length - 1 : 2 * window;
  for (let pos = 0; pos < length; pos++) {
    const item = itemAt(pos);
    if (shared) {
      // One draw of noise items for the whole context set, in blocks of MAX_BATCH.
      const targets = drawTargets(item);
      let count = 0;
      for (let k = 0; k < contexts; k++) {
        count = addContext(<u32>inputRow(itemAt(contextOf(pos, k, length, all))), count);
        if (count == MAX_BATCH) {
          updateBlock(count, targets, lr, gradRow, true);
          count = 0;
        }
      }
      if (count > 0) updateBlock(count, targets, lr, gradRow, true);
    } else {
      for (let k = 0; k < contexts; k++) {
        singleContext(inputRow(itemAt(contextOf(pos, k, length, all))));
        updateBlock(1, drawTargets(item), lr, gradRow, true);
      }
    }
  }
}
