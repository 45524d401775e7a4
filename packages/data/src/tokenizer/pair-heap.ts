/**
 * A binary max-heap of merge candidates ordered like HF tokenizers' BPE trainer `Merge`
 * (models/bpe/trainer.rs): highest count first, ties broken by the smaller pair `(a, b)`.
 */

/** A candidate merge of the symbol pair `(a, b)` seen `count` times (possibly stale). */
export interface PairEntry {
  a: number;
  b: number;
  count: number;
}

/** True when `x` should be popped before `y`. */
function before(x: PairEntry, y: PairEntry): boolean {
  if (x.count !== y.count) return x.count > y.count;
  if (x.a !== y.a) return x.a < y.a;
  return x.b < y.b;
}

/** Max-heap of {@link PairEntry} (see the module comment for the order). */
export class PairHeap {
  private readonly items: PairEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Adds an entry. */
  push(entry: PairEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** Removes and returns the first entry, or undefined when empty. */
  pop(): PairEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && before(items[l]!, items[best]!)) best = l;
        if (r < items.length && before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}
