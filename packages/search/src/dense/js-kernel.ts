/**
 * Inner products of a block of queries with a block of passages in plain JavaScript, register
 * blocked 4 queries x 4 passages (16 accumulators; each loaded value is used 4 times). Sums are
 * accumulated in float64 (JavaScript numbers) and stored rounded to float32.
 */

/**
 * `out[i * pCount + j] = queries[qStart + i] . passages[pStart + j]` for `i < qCount`,
 * `j < pCount`; `queries` and `passages` are row-major with `dim` columns.
 */
export function scoreBlockJs(
  queries: Float32Array,
  qStart: number,
  qCount: number,
  passages: Float32Array,
  pStart: number,
  pCount: number,
  dim: number,
  out: Float32Array,
): void {
  const q4 = qCount - (qCount % 4);
  const p4 = pCount - (pCount % 4);
  for (let j = 0; j < p4; j += 4) {
    const b0 = (pStart + j) * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    for (let i = 0; i < q4; i += 4) {
      const a0 = (qStart + i) * dim;
      const a1 = a0 + dim;
      const a2 = a1 + dim;
      const a3 = a2 + dim;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0; // prettier-ignore
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0; // prettier-ignore
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let d = 0; d < dim; d++) {
        const x0 = passages[b0 + d]!;
        const x1 = passages[b1 + d]!;
        const x2 = passages[b2 + d]!;
        const x3 = passages[b3 + d]!;
        let y = queries[a0 + d]!;
        s00 += y * x0; s01 += y * x1; s02 += y * x2; s03 += y * x3; // prettier-ignore
        y = queries[a1 + d]!;
        s10 += y * x0; s11 += y * x1; s12 += y * x2; s13 += y * x3; // prettier-ignore
        y = queries[a2 + d]!;
        s20 += y * x0; s21 += y * x1; s22 += y * x2; s23 += y * x3; // prettier-ignore
        y = queries[a3 + d]!;
        s30 += y * x0; s31 += y * x1; s32 += y * x2; s33 += y * x3; // prettier-ignore
      }
      let o = i * pCount + j;
      out[o] = s00; out[o + 1] = s01; out[o + 2] = s02; out[o + 3] = s03; // prettier-ignore
      o += pCount;
      out[o] = s10; out[o + 1] = s11; out[o + 2] = s12; out[o + 3] = s13; // prettier-ignore
      o += pCount;
      out[o] = s20; out[o + 1] = s21; out[o + 2] = s22; out[o + 3] = s23; // prettier-ignore
      o += pCount;
      out[o] = s30; out[o + 1] = s31; out[o + 2] = s32; out[o + 3] = s33; // prettier-ignore
    }
  }
  // Edges: leftover queries (all passages) and leftover passages (first q4 queries).
  if (q4 < qCount) edge(queries, qStart, q4, qCount, passages, pStart, 0, pCount, dim, pCount, out);
  if (p4 < pCount) edge(queries, qStart, 0, q4, passages, pStart, p4, pCount, dim, pCount, out);
}

/** One dot product at a time over queries `[iFrom, iTo)` x passages `[jFrom, jTo)`. */
function edge(
  queries: Float32Array,
  qStart: number,
  iFrom: number,
  iTo: number,
  passages: Float32Array,
  pStart: number,
  jFrom: number,
  jTo: number,
  dim: number,
  pCount: number,
  out: Float32Array,
): void {
  for (let i = iFrom; i < iTo; i++) {
    const a = (qStart + i) * dim;
    for (let j = jFrom; j < jTo; j++) {
      const b = (pStart + j) * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += queries[a + d]! * passages[b + d]!;
      out[i * pCount + j] = s;
    }
  }
}
