/**
 * Token rows as the padded batches the encoders run, and a padded batch as tfjs input tensors:
 * shared by the tfjs path (./encode.ts) and the inference engines (./inference.ts), so both
 * encode exactly the same batches.
 */
import { padBatch, type EncodedBatch } from "@i3/data";
import { tf } from "@i3/encoders";

/** A padded batch as the encoders' int32 input tensors. */
export function toTensors(batch: EncodedBatch) {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  return { inputIds: tf.tensor2d(batch.inputIds, shape, "int32"), attentionMask: tf.tensor2d(batch.attentionMask, shape, "int32") };
}

/**
 * `rows` as the padded batches every encoder here runs: `batchSize` rows at a time in order,
 * each padded with `padId` to its longest row (token types 0), with the index of its first row.
 */
export function* paddedRowBatches(rows: readonly Int32Array[], padId: number, maxLength: number, batchSize: number): Generator<{ start: number; batch: EncodedBatch }> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  for (let start = 0; start < rows.length; start += batchSize) {
    const slice = rows.slice(start, start + batchSize).map((ids) => ({ ids, typeIds: new Int32Array(ids.length) }));
    yield { start, batch: padBatch(slice, padId, { maxLength }) };
  }
}

