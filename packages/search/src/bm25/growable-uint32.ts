/** An append-only Uint32 array that doubles its capacity as needed. */
export class GrowableUint32 {
  private data: Uint32Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(Math.max(16, initialCapacity));
  }

  /** Number of values appended. */
  get length(): number {
    return this.size;
  }

  /** Appends one value (must fit in 32 unsigned bits). */
  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  /** Value at `i` (no bounds check beyond the typed array's). */
  get(i: number): number {
    return this.data[i]!;
  }

  /** Adds 1 to the value at `i` (< length). */
  increment(i: number): void {
    if (i >= this.size) throw new RangeError(`GrowableUint32: index ${i} out of range ${this.size}`);
    this.data[i]!++;
  }

  /** A trimmed copy of the values. */
  toArray(): Uint32Array {
    return this.data.slice(0, this.size);
  }
}
