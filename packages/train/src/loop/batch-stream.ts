/**
 * One epoch's batches as a pull stream over a sync or async iterable, with the
 * already-consumed prefix skipped (exact resume re-reads the epoch from its start, so the
 * batches function must be deterministic per (seed, epoch)).
 */

/** A pull stream of batches. */
export interface BatchStream<B> {
  /** The next batch, or undefined at the end of the epoch. */
  next(): Promise<B | undefined>;
  /** Stops the underlying iterator early (runs generator `finally` blocks). */
  close(): Promise<void>;
}

/** Opens `source` and skips its first `skip` batches (an error if it has fewer). */
export async function openBatchStream<B>(source: Iterable<B> | AsyncIterable<B>, skip: number, epoch: number): Promise<BatchStream<B>> {
  if (source === null || typeof source !== "object" || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
    throw new Error(`batches(${epoch}) must return an Iterable or AsyncIterable (got ${source === null ? "null" : typeof source})`);
  }
  const it: Iterator<B> | AsyncIterator<B> = Symbol.asyncIterator in source ? (source as AsyncIterable<B>)[Symbol.asyncIterator]() : (source as Iterable<B>)[Symbol.iterator]();
  let done = false;
  const stream: BatchStream<B> = {
    async next() {
      if (done) return undefined;
      const r = await it.next();
      if (r.done) {
        done = true;
        return undefined;
      }
      return r.value;
    },
    async close() {
      if (!done) {
        done = true;
        await it.return?.();
      }
    },
  };
  for (let i = 0; i < skip; i++) {
    if ((await stream.next()) === undefined) {
      throw new Error(
        `resume: batches(${epoch}) yielded only ${i} batches, but the checkpoint had consumed ${skip} of that epoch; ` +
          "the batches function must yield the same batches for the same (seed, epoch)",
      );
    }
  }
  return stream;
}
