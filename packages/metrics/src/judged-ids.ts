/**
 * One query's judged document ids as UTF-8 bytes in a small open-addressing hash table, so that
 * documents whose ids are byte ranges (a `PackedRun`) find their grade without a string
 * per document. Reused query after query: memory grows to the largest query's judgments.
 */
/** FNV-1a (32-bit) of `bytes[s, e)`. */
export function hashBytes(bytes: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Whether `a[as, ae)` and `b[bs, be)` hold the same bytes. */
export function sameBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; as + i < ae; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** Prefilter key of an id: its length (mod 32) and last byte; equal ids have equal keys. */
function shapeKey(bytes: Uint8Array, s: number, e: number): number {
  return e > s ? ((e - s) & 31) * 256 + bytes[e - 1]! : 0;
}

/** The judged ids of one query, looked up by byte range. */
export class JudgedIds {
  /** shapes[shapeKey(id)] = 1 for the judged ids: most unjudged ids are turned away without hashing. */
  private readonly shapes = new Uint8Array(32 * 256);
  private bytes = new Uint8Array(4096);
  /** Id `i` is `bytes[starts[i], starts[i + 1])`. */
  private starts = new Uint32Array(65);
  private grades = new Float64Array(64);
  /** Hash slots: judged index + 1, 0 when empty; length a power of two. */
  private slots = new Int32Array(128);
  private count = 0;
  private readonly encoder = new TextEncoder();

  /** Loads one query's judgments (undefined: none). */
  reset(judged: ReadonlyMap<string, number> | undefined): void {
    for (let i = 0; i < this.count; i++) this.shapes[shapeKey(this.bytes, this.starts[i]!, this.starts[i + 1]!)] = 0;
    this.count = 0;
    if (judged === undefined || judged.size === 0) return;
    const size = judged.size;
    if (size >= this.grades.length) {
      this.grades = new Float64Array(size * 2);
      this.starts = new Uint32Array(size * 2 + 1);
    }
    let slotCount = this.slots.length;
    while (slotCount < size * 2) slotCount *= 2;
    if (slotCount > this.slots.length) this.slots = new Int32Array(slotCount);
    else this.slots.fill(0);
    const mask = this.slots.length - 1;
    let pos = 0;
    judged.forEach((grade, id) => {
      if (this.bytes.length - pos < id.length * 3) this.grow(pos + id.length * 3);
      const end = pos + this.encoder.encodeInto(id, this.bytes.subarray(pos)).written;
      const i = this.count++;
      this.starts[i] = pos;
      this.grades[i] = grade;
      let slot = hashBytes(this.bytes, pos, end) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = i + 1;
      this.shapes[shapeKey(this.bytes, pos, end)] = 1;
      pos = end;
    });
    this.starts[this.count] = pos;
  }

  /** The grade of the document whose id is `bytes[s, e)`, or NaN when it is not judged. */
  gradeOf(bytes: Uint8Array, s: number, e: number): number {
    if (this.count === 0 || this.shapes[shapeKey(bytes, s, e)] === 0) return Number.NaN;
    const mask = this.slots.length - 1;
    for (let slot = hashBytes(bytes, s, e) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return Number.NaN;
      const i = entry - 1;
      if (sameBytes(this.bytes, this.starts[i]!, this.starts[i + 1]!, bytes, s, e)) return this.grades[i]!;
    }
  }

  private grow(need: number): void {
    const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
    grown.set(this.bytes);
    this.bytes = grown;
  }
}
