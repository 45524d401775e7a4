/**
 * A hash set of the rows of one query, keyed by their document ids as UTF-8 byte ranges (a
 * packed run's `idBytes` / `idStart`): finds a repeated document without a string per row.
 * Cleared in O(1) between queries (slots carry a generation stamp); grows to the largest query.
 */

/** FNV-1a (32-bit) of `bytes[s, e)`. */
function fnv1a(bytes: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Whether rows `a` and `b` have the same id bytes. */
function sameId(idBytes: Uint8Array, idStart: Uint32Array, a: number, b: number): boolean {
  const length = idStart[a + 1]! - idStart[a]!;
  if (idStart[b + 1]! - idStart[b]! !== length) return false;
  for (let i = idStart[a]!, j = idStart[b]!, end = i + length; i < end; i++, j++) if (idBytes[i] !== idBytes[j]) return false;
  return true;
}

/** The rows added since the last {@link clear}, by id. */
export class RowIdSet {
  private rows = new Uint32Array(2048);
  private stamps = new Uint32Array(2048);
  private stamp = 1;
  private count = 0;

  /** Empties the set. */
  clear(): void {
    this.count = 0;
    if (++this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }

  /**
   * Adds row `r` (its id is `idBytes[idStart[r], idStart[r + 1])`); returns the row already in
   * the set with the same id (then `r` is not added), or -1.
   */
  add(r: number, idBytes: Uint8Array, idStart: Uint32Array): number {
    if (this.count * 2 >= this.rows.length) this.grow(idBytes, idStart);
    const mask = this.rows.length - 1;
    for (let slot = fnv1a(idBytes, idStart[r]!, idStart[r + 1]!) & mask; ; slot = (slot + 1) & mask) {
      if (this.stamps[slot] !== this.stamp) {
        this.stamps[slot] = this.stamp;
        this.rows[slot] = r;
        this.count++;
        return -1;
      }
      const other = this.rows[slot]!;
      if (sameId(idBytes, idStart, other, r)) return other;
    }
  }

  private grow(idBytes: Uint8Array, idStart: Uint32Array): void {
    const oldRows = this.rows;
    const oldStamps = this.stamps;
    const stamp = this.stamp;
    this.rows = new Uint32Array(oldRows.length * 2);
    this.stamps = new Uint32Array(oldRows.length * 2);
    this.stamp = 1;
    this.count = 0;
    for (let slot = 0; slot < oldRows.length; slot++) if (oldStamps[slot] === stamp) this.add(oldRows[slot]!, idBytes, idStart);
  }
}
