// AssemblyScript source of the fast kernels (batched matMul, row gather / scatter-add, exp / erf, transpose, column sums) (compiled by scripts/build-kernels.ts,
// `npm run build:kernels -w @i3/encoders`; the .as extension keeps it out of tsc's way).
//
// The module imports its memory: at run time it is the tfjs wasm backend's own
// WebAssembly.Memory, so operands are read and the result written in place (zero copy).
// It therefore owns no static data, no stack and no heap: every address it touches is
// passed in by the caller (tensor buffers and a scratch buffer malloc'ed from the backend).
//
// C[b] (M x N, row-major) = A[b] (M x K) . B[b] (K x N), where element (i, k) of A[b] is at
// a + 4 * (b * aBatch + i * rsA + k * csA) and element (k, n) of B[b] at
// b + 4 * (b * bBatch + k * rsB + n * csB). Strides express the four transpose combinations
// and batch broadcasting (a batch stride of 0).
//
// Per batch, B is packed into zero-padded panels of 8 columns (panel p holds, for every k,
// the 8 floats B[k, 8p .. 8p+8)), then a 4x8 register-blocked micro-kernel computes
// 4 rows x 8 columns of C with 8 f32x4 accumulators (mul + add: wasm SIMD has no FMA).

/** Transposes 8 rows of B^T (k contiguous, row stride `ld` bytes) into one 8-column panel. */
function packPanelTransposed(src: usize, ld: usize, K: i32, dst: usize): void {
  let k = 0;
  let s = src;
  let out = dst;
  for (; k + 4 <= K; k += 4) {
    // rows n0..n0+7 of B^T, 4 consecutive k each; two 4x4 transposes give 4 panel rows.
    const v0 = v128.load(s), v1 = v128.load(s + ld), v2 = v128.load(s + 2 * ld), v3 = v128.load(s + 3 * ld);
    const v4 = v128.load(s + 4 * ld), v5 = v128.load(s + 5 * ld), v6 = v128.load(s + 6 * ld), v7 = v128.load(s + 7 * ld);
    let t0 = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5);
    let t1 = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
    let t2 = v128.shuffle<i32>(v2, v3, 0, 4, 1, 5);
    let t3 = v128.shuffle<i32>(v2, v3, 2, 6, 3, 7);
    v128.store(out, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
    v128.store(out, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7), 32);
    v128.store(out, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5), 64);
    v128.store(out, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7), 96);
    t0 = v128.shuffle<i32>(v4, v5, 0, 4, 1, 5);
    t1 = v128.shuffle<i32>(v4, v5, 2, 6, 3, 7);
    t2 = v128.shuffle<i32>(v6, v7, 0, 4, 1, 5);
    t3 = v128.shuffle<i32>(v6, v7, 2, 6, 3, 7);
    v128.store(out, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5), 16);
    v128.store(out, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7), 48);
    v128.store(out, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5), 80);
    v128.store(out, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7), 112);
    s += 16;
    out += 128;
  }
  for (; k < K; k++) {
    for (let j = 0; j < 8; j++) store<f32>(out + (<usize>j << 2), load<f32>(s + <usize>j * ld));
    s += 4;
    out += 32;
  }
}

/** Packs B[k, n] (strides rsB, csB, in floats) into zero-padded 8-column panels at `dst`. */
function packB(src: usize, rsB: i32, csB: i32, K: i32, N: i32, dst: usize): void {
  const panels = (N + 7) >> 3;
  let out = dst;
  for (let p = 0; p < panels; p++) {
    const n0 = p << 3;
    const nn = min(8, N - n0);
    if (csB == 1 && nn == 8) {
      let row = src + (<usize>n0 << 2);
      const step = <usize>rsB << 2;
      for (let k = 0; k < K; k++) {
        v128.store(out, v128.load(row));
        v128.store(out, v128.load(row, 16), 16);
        row += step;
        out += 32;
      }
    } else if (rsB == 1 && nn == 8) {
      packPanelTransposed(src + ((<usize>n0 * <usize>csB) << 2), <usize>csB << 2, K, out);
      out += <usize>K << 5;
    } else {
      for (let k = 0; k < K; k++) {
        const row = src + ((<usize>k * <usize>rsB + <usize>n0 * <usize>csB) << 2);
        for (let j = 0; j < 8; j++) {
          const v: f32 = j < nn ? load<f32>(row + ((<usize>j * <usize>csB) << 2)) : 0;
          store<f32>(out + (<usize>j << 2), v);
        }
        out += 32;
      }
    }
  }
}

/** Stores the first `n` (< 8) of the 8 floats (v0, v1) at `dst`. */
// @ts-ignore: decorator
@inline
function storePartial(dst: usize, v0: v128, v1: v128, n: i32): void {
  if (n > 0) store<f32>(dst, f32x4.extract_lane(v0, 0));
  if (n > 1) store<f32>(dst, f32x4.extract_lane(v0, 1), 4);
  if (n > 2) store<f32>(dst, f32x4.extract_lane(v0, 2), 8);
  if (n > 3) store<f32>(dst, f32x4.extract_lane(v0, 3), 12);
  if (n > 4) store<f32>(dst, f32x4.extract_lane(v1, 0), 16);
  if (n > 5) store<f32>(dst, f32x4.extract_lane(v1, 1), 20);
  if (n > 6) store<f32>(dst, f32x4.extract_lane(v1, 2), 24);
}

/** Stores 8 floats (v0, v1) at `dst`, or only the first `n` when n < 8. */
// @ts-ignore: decorator
@inline
function storeRow(dst: usize, v0: v128, v1: v128, n: i32): void {
  if (n >= 8) {
    v128.store(dst, v0);
    v128.store(dst, v1, 16);
  } else {
    storePartial(dst, v0, v1, n);
  }
}

/** Adds the first `n` (< 8) of the 8 floats (v0, v1) to those at `dst`. */
// @ts-ignore: decorator
@inline
function addPartial(dst: usize, v0: v128, v1: v128, n: i32): void {
  if (n > 0) store<f32>(dst, load<f32>(dst) + f32x4.extract_lane(v0, 0));
  if (n > 1) store<f32>(dst, load<f32>(dst, 4) + f32x4.extract_lane(v0, 1), 4);
  if (n > 2) store<f32>(dst, load<f32>(dst, 8) + f32x4.extract_lane(v0, 2), 8);
  if (n > 3) store<f32>(dst, load<f32>(dst, 12) + f32x4.extract_lane(v0, 3), 12);
  if (n > 4) store<f32>(dst, load<f32>(dst, 16) + f32x4.extract_lane(v1, 0), 16);
  if (n > 5) store<f32>(dst, load<f32>(dst, 20) + f32x4.extract_lane(v1, 1), 20);
  if (n > 6) store<f32>(dst, load<f32>(dst, 24) + f32x4.extract_lane(v1, 2), 24);
}

/** Stores (acc = false) or adds (acc = true) 8 floats (v0, v1) at `dst`, or only the first `n` when n < 8. */
// @ts-ignore: decorator
@inline
function putRow(dst: usize, v0: v128, v1: v128, n: i32, acc: bool): void {
  if (!acc) {
    storeRow(dst, v0, v1, n);
  } else if (n >= 8) {
    v128.store(dst, f32x4.add(v128.load(dst), v0));
    v128.store(dst, f32x4.add(v128.load(dst, 16), v1), 16);
  } else {
    addPartial(dst, v0, v1, n);
  }
}

/** Rows per block of A in `gemm` (a multiple of 4). */
const MC: i32 = 128;

/** C (M x N) = A (strides rsA, csA) . packed B panels at `bp`; with `acc`, C += that instead. */
function gemm(a: usize, rsA: i32, csA: i32, bp: usize, c: usize, M: i32, N: i32, K: i32, acc: bool): void {
  const panels = (N + 7) >> 3;
  const aStepK = <usize>csA << 2;
  const aStepRow = <usize>rsA << 2;
  const ldc = <usize>N << 2;
  const panelBytes = <usize>K << 5;
  // Row blocks of MC rows keep A's block in cache while every B panel streams past it.
  for (let i0 = 0; i0 < M; i0 += MC) {
  const mEnd = min(M, i0 + MC);
  for (let p = 0; p < panels; p++) {
    const n0 = p << 3;
    const nn = N - n0;
    const bPanel = bp + <usize>p * panelBytes;
    let i = i0;
    for (; i + 4 <= mEnd; i += 4) {
      let pa0 = a + <usize>i * aStepRow;
      let pa1 = pa0 + aStepRow;
      let pa2 = pa1 + aStepRow;
      let pa3 = pa2 + aStepRow;
      let pb = bPanel;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let av = v128.load32_splat(pa0);
        c00 = f32x4.add(c00, f32x4.mul(av, b0));
        c01 = f32x4.add(c01, f32x4.mul(av, b1));
        av = v128.load32_splat(pa1);
        c10 = f32x4.add(c10, f32x4.mul(av, b0));
        c11 = f32x4.add(c11, f32x4.mul(av, b1));
        av = v128.load32_splat(pa2);
        c20 = f32x4.add(c20, f32x4.mul(av, b0));
        c21 = f32x4.add(c21, f32x4.mul(av, b1));
        av = v128.load32_splat(pa3);
        c30 = f32x4.add(c30, f32x4.mul(av, b0));
        c31 = f32x4.add(c31, f32x4.mul(av, b1));
        pa0 += aStepK;
        pa1 += aStepK;
        pa2 += aStepK;
        pa3 += aStepK;
        pb += 32;
      }
      const pc = c + <usize>i * ldc + (<usize>n0 << 2);
      putRow(pc, c00, c01, nn, acc);
      putRow(pc + ldc, c10, c11, nn, acc);
      putRow(pc + 2 * ldc, c20, c21, nn, acc);
      putRow(pc + 3 * ldc, c30, c31, nn, acc);
    }
    for (; i < mEnd; i++) {
      let pa = a + <usize>i * aStepRow;
      let pb = bPanel;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const av = v128.load32_splat(pa);
        c0 = f32x4.add(c0, f32x4.mul(av, v128.load(pb)));
        c1 = f32x4.add(c1, f32x4.mul(av, v128.load(pb, 16)));
        pa += aStepK;
        pb += 32;
      }
      putRow(c + <usize>i * ldc + (<usize>n0 << 2), c0, c1, nn, acc);
    }
  }
  }
}

/**
 * Depth of a K block: B is packed and multiplied KC rows at a time, so one 8-column panel
 * (KC x 8 floats = 8 KB) and the A rows it meets stay in L1 however long K is (the weight
 * gradients X^T dY have K = tokens per batch, thousands).
 */
const KC: i32 = 256;

/** Scratch bytes `batchMatMul` needs for packing one K block of a K x N operand. */
export function scratchBytes(K: i32, N: i32): i32 {
  return (((N + 7) >> 3) * min(K, KC)) << 5;
}

/**
 * C[b] = A[b] . B[b] for b < batch (see the header for the stride conventions; strides in
 * floats, addresses in bytes). `scratch` holds scratchBytes(K, N) bytes, 16-byte aligned.
 * K is walked in blocks of KC (C accumulates over blocks; each block sums in k order).
 */
export function batchMatMul(
  a: usize, aBatch: i32, rsA: i32, csA: i32,
  b: usize, bBatch: i32, rsB: i32, csB: i32,
  c: usize, batch: i32, M: i32, N: i32, K: i32, scratch: usize,
): void {
  const cBatchBytes = (<usize>M * <usize>N) << 2;
  let lastB: usize = <usize>-1;
  for (let bi = 0; bi < batch; bi++) {
    const pbSrc = b + ((<usize>bi * <usize>bBatch) << 2);
    const pa = a + ((<usize>bi * <usize>aBatch) << 2);
    const pc = c + <usize>bi * cBatchBytes;
    if (K <= KC) {
      // One block: a B shared by every batch is packed once.
      if (pbSrc != lastB) {
        packB(pbSrc, rsB, csB, K, N, scratch);
        lastB = pbSrc;
      }
      gemm(pa, rsA, csA, scratch, pc, M, N, K, false);
      continue;
    }
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kk = min(KC, K - k0);
      packB(pbSrc + ((<usize>k0 * <usize>rsB) << 2), rsB, csB, kk, N, scratch);
      gemm(pa + ((<usize>k0 * <usize>csA) << 2), rsA, csA, scratch, pc, M, N, kk, k0 > 0);
    }
  }
}

/**
 * out[i, :] = table[ids[i], :] for i < n (rows of D floats; ids int32). Returns -1, or the
 * position of the first id outside [0, V) (nothing is written from there on).
 */
export function gatherRows(table: usize, ids: usize, n: i32, D: i32, V: i32, out: usize): i32 {
  const rowBytes = <usize>D << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id < 0 || id >= V) return i;
    memory.copy(out + <usize>i * rowBytes, table + <usize>id * rowBytes, rowBytes);
  }
  return -1;
}

/**
 * out (V x D) = 0, then out[ids[i], :] += upd[i, :] for i < n (duplicates sum). Returns -1, or
 * the position of the first id outside [0, V) (rows before it are already added).
 */
export function scatterAddRows(upd: usize, ids: usize, n: i32, D: i32, V: i32, out: usize): i32 {
  const rowBytes = <usize>D << 2;
  memory.fill(out, 0, <usize>V * rowBytes);
  const d4 = D & ~3;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id < 0 || id >= V) return i;
    const dst = out + <usize>id * rowBytes;
    const src = upd + <usize>i * rowBytes;
    let j = 0;
    for (; j < d4; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; j < D; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
  return -1;
}

// ---- elementwise exp / erf (f32x4; the stock wasm kernels take 25-50 ns per element) ----

/** exp(x) for 4 lanes: 2^n * p(r), r = x - n ln2 (Cody-Waite), degree-6 Taylor; ~2 ulp. */
// @ts-ignore: decorator
@inline
function expV(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(-87.33654)), f32x4.splat(88.72283));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // 2^n split in two factors so n = 128 (x near the upper clamp) does not overflow the exponent.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const h = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, h), i32x4.splat(127)), 23);
  const y = f32x4.mul(f32x4.mul(p, s1), s2);
  // overflow -> +Infinity; below ln(FLT_MIN) -> 0 (subnormal results are flushed)
  const big = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(88.72283)));
  return v128.bitselect(f32x4.splat(0), big, f32x4.lt(x, f32x4.splat(-87.33654)));
}

/** erf(x) for 4 lanes: 1 - erfc(|x|) with Numerical Recipes' erfc (fractional error < 1.2e-7). */
// @ts-ignore: decorator
@inline
function erfV(x: v128): v128 {
  const z = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), f32x4.mul(f32x4.splat(0.5), z)));
  let q = f32x4.splat(0.17087277);
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-0.82215223));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(1.48851587));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-1.13520398));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.27886807));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-0.18628806));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.09678418));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.37409196));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(1.00002368));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-1.26551223));
  const erfc = f32x4.mul(t, expV(f32x4.sub(q, f32x4.mul(z, z))));
  const e = f32x4.sub(f32x4.splat(1.0), erfc);
  // copy the sign of x
  return v128.or(v128.and(e, i32x4.splat(0x7fffffff)), v128.and(x, i32x4.splat(0x80000000)));
}

/** out[i] = exp(x[i]) for i < n (out may equal x). */
export function expArray(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, expV(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(expV(f32x4.splat(load<f32>(x + o))), 0));
  }
}

/** out[i] = erf(x[i]) for i < n (out may equal x). */
export function erfArray(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, erfV(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(erfV(f32x4.splat(load<f32>(x + o))), 0));
  }
}

// ---- transposes and column sums (the stock wasm Transpose moves ~0.1 G floats/s, and its Sum
// over leading axes transposes first; both sit on every weight and bias gradient) ----

/**
 * dst[b] (C x R) = src[b]^T (R x C) for b < batch, row-major. 4 x 4 blocks through registers
 * (two rounds of shuffles), tiled 32 x 32 so the rows read and the columns written stay in L1;
 * ragged edges element by element. src and dst must not overlap.
 */
export function transpose2d(src: usize, batch: i32, R: i32, C: i32, dst: usize): void {
  const plane = (<usize>R * <usize>C) << 2;
  const rowBytes = <usize>C << 2;
  const colBytes = <usize>R << 2;
  const R4 = R & ~3;
  const C4 = C & ~3;
  for (let b = 0; b < batch; b++) {
    const s0 = src + <usize>b * plane;
    const d0 = dst + <usize>b * plane;
    for (let rt = 0; rt < R4; rt += 32) {
      const rEnd = min(rt + 32, R4);
      for (let ct = 0; ct < C4; ct += 32) {
        const cEnd = min(ct + 32, C4);
        for (let r = rt; r < rEnd; r += 4) {
          for (let c = ct; c < cEnd; c += 4) {
            const s = s0 + <usize>r * rowBytes + (<usize>c << 2);
            const v0 = v128.load(s), v1 = v128.load(s + rowBytes), v2 = v128.load(s + 2 * rowBytes), v3 = v128.load(s + 3 * rowBytes);
            const t0 = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5);
            const t1 = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7);
            const t2 = v128.shuffle<i32>(v2, v3, 0, 4, 1, 5);
            const t3 = v128.shuffle<i32>(v2, v3, 2, 6, 3, 7);
            const d = d0 + <usize>c * colBytes + (<usize>r << 2);
            v128.store(d, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
            v128.store(d + colBytes, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
            v128.store(d + 2 * colBytes, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
            v128.store(d + 3 * colBytes, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
          }
        }
      }
    }
    // ragged edges: the last R - R4 rows (all columns) and the last C - C4 columns (rows < R4)
    for (let r = R4; r < R; r++) {
      for (let c = 0; c < C; c++) store<f32>(d0 + ((<usize>c * <usize>R + <usize>r) << 2), load<f32>(s0 + ((<usize>r * <usize>C + <usize>c) << 2)));
    }
    for (let r = 0; r < R4; r++) {
      for (let c = C4; c < C; c++) store<f32>(d0 + ((<usize>c * <usize>R + <usize>r) << 2), load<f32>(s0 + ((<usize>r * <usize>C + <usize>c) << 2)));
    }
  }
}

/**
 * out[c] = sum over r < R of x[r, c] (x row-major R x C): the sum over a tensor's leading
 * axes. Rows are added in order r = 0, 1, ... in float32, as the stock Sum kernel does after
 * its transpose; `out` may not overlap x.
 */
export function sumRows(x: usize, R: i32, C: i32, out: usize): void {
  const rowBytes = <usize>C << 2;
  memory.fill(out, 0, rowBytes);
  const C4 = C & ~3;
  let row = x;
  for (let r = 0; r < R; r++) {
    let c = 0;
    for (; c < C4; c += 4) {
      const o = <usize>c << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
    row += rowBytes;
  }
}
