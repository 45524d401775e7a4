/**
 * Optional TensorFlow.js path for the score blocks: one 2-D `matMul` per (query block, passage
 * block), with the passage block transposed in JavaScript first (a plain matMul runs ~10x faster
 * than one with `transposeB` on the wasm backend, DESIGN.md section 6). The caller passes its
 * `tf` namespace, so this package never imports TensorFlow.
 */

/** The few tensor methods used here. */
export interface TfTensorLike {
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

/**
 * The part of the `@tensorflow/tfjs` namespace the dense search uses (structural, so the real
 * `tf` fits without this package importing TensorFlow). `matMul` receives tensors made by this
 * namespace's `tensor2d`; its parameters are typed `never` only so tfjs's wider signature fits.
 */
export interface TfLike {
  tensor2d(values: Float32Array, shape: [number, number], dtype?: "float32"): TfTensorLike;
  matMul(a: never, b: never): TfTensorLike;
  getBackend(): string;
}

/** How {@link TfBlockScorer} calls `matMul` on tensors from the same namespace. */
interface TfMatMul {
  matMul(a: TfTensorLike, b: TfTensorLike): TfTensorLike;
}

/** Rows per tile of {@link transposeRows}: each output row then gets 32 consecutive floats per pass. */
const TILE = 32;

/**
 * `[dim, count]` transpose of rows `start .. start+count-1` of a row-major `[*, dim]` matrix,
 * tiled by 32 rows so both reads and writes stay within a few cache lines.
 */
export function transposeRows(matrix: Float32Array, start: number, count: number, dim: number, out: Float32Array): Float32Array {
  for (let r0 = 0; r0 < count; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, count);
    for (let d = 0; d < dim; d++) {
      const o = d * count;
      for (let r = r0; r < r1; r++) out[o + r] = matrix[(start + r) * dim + d]!;
    }
  }
  return out;
}

/** Scores query blocks (already uploaded) against one passage block with `tf.matMul`. */
export class TfBlockScorer {
  private readonly queryTensors: { start: number; count: number; tensor: TfTensorLike }[] = [];

  constructor(
    private readonly tf: TfLike,
    queries: Float32Array,
    nq: number,
    readonly dim: number,
    queryBlock: number,
  ) {
    for (let start = 0; start < nq; start += queryBlock) {
      const count = Math.min(queryBlock, nq - start);
      const tensor = tf.tensor2d(queries.subarray(start * dim, (start + count) * dim), [count, dim], "float32");
      this.queryTensors.push({ start, count, tensor });
    }
  }

  /**
   * For one passage block given transposed (`[dim, pCount]`), calls `visit(qStart, qCount,
   * scores)` per query block with row-major `[qCount, pCount]` scores.
   */
  scorePassageBlock(transposed: Float32Array, pCount: number, visit: (qStart: number, qCount: number, scores: Float32Array) => void): void {
    const p = this.tf.tensor2d(transposed.subarray(0, this.dim * pCount), [this.dim, pCount], "float32");
    try {
      for (const { start, count, tensor } of this.queryTensors) {
        const product = (this.tf as unknown as TfMatMul).matMul(tensor, p);
        let values: ArrayLike<number>;
        try {
          values = product.dataSync();
        } finally {
          product.dispose();
        }
        if (!(values instanceof Float32Array)) throw new TypeError(`tf.matMul returned ${Object.prototype.toString.call(values)}, expected float32 data`);
        visit(start, count, values);
      }
    } finally {
      p.dispose();
    }
  }

  /** Frees the query tensors. */
  dispose(): void {
    for (const q of this.queryTensors) q.tensor.dispose();
    this.queryTensors.length = 0;
  }
}
