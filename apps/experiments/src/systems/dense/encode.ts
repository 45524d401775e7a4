/**
 * The TensorFlow.js side of the dense stages, imported only when an index or retrieve stage runs:
 * `@i3/retrievers`' `buildDenseIndex` and `retrieveDense` around a loaded checkpoint, which they
 * free when done.
 */
import { join } from "node:path";
import type { Collection, Query, Run } from "@i3/data";
import { buildDenseIndex, retrieveDense } from "@i3/retrievers";
import { DenseIndex } from "@i3/search";
import type { DenseIndexOutput } from "../system.js";
import type { LoadedBiEncoder } from "./model-code.js";

/** Encodes every passage of `collection` (`batchSize` at a time) into the index folder `index/` under `outDir`. */
export async function encodeIndex(args: {
  model: LoadedBiEncoder;
  collection: Collection;
  passageMaxLength: number;
  batchSize: number;
  description: string;
  outDir: string;
}): Promise<DenseIndexOutput> {
  const { backend } = args.model;
  try {
    await buildDenseIndex(args.model, args.collection, {
      out: join(args.outDir, "index"),
      passageMaxLength: args.passageMaxLength,
      batchSize: args.batchSize,
      description: args.description,
      backend,
    });
  } finally {
    args.model.model.dispose();
  }
  return { index: "index", backend };
}

/** The run of `queries` against the index at `indexPath` (exact inner product, `depth` per query). */
export async function searchIndex(args: { model: LoadedBiEncoder; queries: readonly Query[]; indexPath: string; queryMaxLength: number; depth: number }): Promise<Run> {
  try {
    const index = await DenseIndex.load(args.indexPath);
    return retrieveDense(args.model, index, args.queries, { queryMaxLength: args.queryMaxLength, k: args.depth });
  } finally {
    args.model.model.dispose();
  }
}
