/**
 * Shape and stride bookkeeping for a (batched, possibly transposed) matMul, shared by the
 * fast kernels: which product to compute and how each operand is laid out in memory.
 */
import { broadcast_util, util } from "@tensorflow/tfjs-core";

/** C[b] (M x N) = op(A[b]) (M x K) . op(B[b]) (K x N), with strides in floats. */
export interface MatMulGeometry {
  M: number;
  N: number;
  K: number;
  /** Number of output matrices (product of the broadcast outer dims). */
  batch: number;
  batchA: number;
  batchB: number;
  outShape: number[];
  /** Element (i, k) of A[b] is at b * aBatch + i * rsA + k * csA (aBatch = 0 when broadcast). */
  aBatch: number;
  rsA: number;
  csA: number;
  /** Element (k, n) of B[b] is at b * bBatch + k * rsB + n * csB. */
  bBatch: number;
  rsB: number;
  csB: number;
}

/** Geometry of matMul(a, b, transposeA, transposeB); throws on mismatched inner dims. */
export function matMulGeometry(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const ra = aShape.length;
  const rb = bShape.length;
  const dim = (s: number[], i: number): number => s[i] ?? 1;
  const M = transposeA ? dim(aShape, ra - 1) : dim(aShape, ra - 2);
  const Ka = transposeA ? dim(aShape, ra - 2) : dim(aShape, ra - 1);
  const Kb = transposeB ? dim(bShape, rb - 1) : dim(bShape, rb - 2);
  const N = transposeB ? dim(bShape, rb - 2) : dim(bShape, rb - 1);
  if (Ka !== Kb) {
    throw new Error(`matMul: inner dims ${Ka} and ${Kb} of shapes [${aShape}] and [${bShape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  }
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  const K = Ka;
  return {
    M, N, K,
    batch: util.sizeFromShape(outer),
    batchA, batchB,
    outShape: [...outer, M, N],
    aBatch: batchA === 1 ? 0 : M * K,
    rsA: transposeA ? 1 : K,
    csA: transposeA ? M : 1,
    bBatch: batchB === 1 ? 0 : K * N,
    rsB: transposeB ? 1 : N,
    csB: transposeB ? K : 1,
  };
}

/** True when the outer dims broadcast as "same count, or one side has a single matrix". */
export function simpleBroadcast(g: MatMulGeometry): boolean {
  return g.batchA === g.batchB || g.batchA === 1 || g.batchB === 1;
}
