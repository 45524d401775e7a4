/**
 * The model side of the dense stages, imported only when an index or retrieve stage runs:
 * `@i3/retrievers`' `buildDenseIndex` and `retrieveDense` around a loaded checkpoint, encoding on
 * the engine the run's `inference` selects (`openDenseInference`: onnxruntime-node, or
 * TensorFlow.js), which they log and record (retrieval also the exact-search kernel); the
 * checkpoint and the engine are freed when done.
 */
import { join } from "node:path";
import type { Collection, Query, Run } from "@i3/data";
import { buildDenseIndex, buildShardedDenseIndex, describeInference, openDenseInference, retrieveDense, type DenseInference, type InferenceSetting } from "@i3/retrievers";
import { DenseIndex, ShardedDenseIndex, type SearchKernelReport } from "@i3/search";
import type { DenseIndexOutput } from "../system.js";
import type { LoadedBiEncoder } from "./model-code.js";

/** Runs `use` with an inference engine opened on the loaded checkpoint; frees both after. */
async function withInference<T>(loaded: LoadedBiEncoder, inference: InferenceSetting, log: (message: string) => void, use: (engine: DenseInference) => Promise<T>): Promise<T> {
  try {
    const engine = await openDenseInference(loaded.model, loaded.tokenizer, { inference, backend: loaded.backendInfo, log });
    try {
      return await use(engine);
    } finally {
      await engine.dispose();
    }
  } finally {
    loaded.model.dispose();
  }
}

/**
 * Encodes every passage of `collection` (`batchSize` at a time) into the index folder `index/`
 * under `outDir`: one array, or with `shardSize` an `@i3/search` sharded folder of that many rows
 * per shard.
 */
export async function encodeIndex(args: {
  model: LoadedBiEncoder;
  inference: InferenceSetting;
  collection: Collection;
  passageMaxLength: number;
  batchSize: number;
  shardSize?: number;
  description: string;
  outDir: string;
  log: (message: string) => void;
}): Promise<DenseIndexOutput> {
  const { backend } = args.model;
  return withInference(args.model, args.inference, args.log, async (engine) => {
    const inference = describeInference(engine.info);
    const options = {
      out: join(args.outDir, "index"),
      passageMaxLength: args.passageMaxLength,
      batchSize: args.batchSize,
      description: args.description,
      backend: engine.info.engine === "onnxruntime" ? inference : backend,
      inference: engine,
    };
    if (args.shardSize === undefined) {
      await buildDenseIndex(args.model, args.collection, options);
      return { index: "index", backend, inference };
    }
    if (args.shardSize % args.batchSize !== 0) {
      args.log(`index.shardSize ${args.shardSize} is not a multiple of index.batchSize ${args.batchSize}: batches stop at shard borders, so vectors may differ from the single-array index's in float rounding`);
    }
    const manifest = await buildShardedDenseIndex(args.model, args.collection, { ...options, shardSize: args.shardSize });
    args.log(`sharded index: ${manifest.count} passages in ${manifest.shards.length} shards of at most ${manifest.shardSize}`);
    return { index: "index", backend, inference, sharded: true };
  });
}

/** The run of `queries` against the index at `indexPath` (exact inner product, `depth` per query), the engine that encoded them and the kernel that searched. */
export async function searchIndex(args: {
  model: LoadedBiEncoder;
  inference: InferenceSetting;
  queries: readonly Query[];
  indexPath: string;
  /** The index is a sharded folder, searched within `maxMemoryBytes` (default `@i3/search`'s 512 MiB). */
  sharded?: { readonly maxMemoryBytes?: number };
  queryMaxLength: number;
  depth: number;
  log: (message: string) => void;
}): Promise<{ run: Run; inference: string; searchKernel?: string }> {
  return withInference(args.model, args.inference, args.log, async (engine) => {
    const index = args.sharded ? await ShardedDenseIndex.open(args.indexPath) : await DenseIndex.load(args.indexPath);
    let searchKernel: string | undefined;
    const run = await retrieveDense(args.model, index, args.queries, {
      queryMaxLength: args.queryMaxLength,
      k: args.depth,
      inference: engine,
      onSearch: (kernel) => (searchKernel = logSearchKernel(kernel, args.log)),
      ...(args.sharded?.maxMemoryBytes !== undefined ? { maxMemoryBytes: args.sharded.maxMemoryBytes } : {}),
    });
    return { run, inference: describeInference(engine.info), ...(searchKernel !== undefined ? { searchKernel } : {}) };
  });
}

/** Logs the exact-search kernel that ran (`search: onnxruntime-node 1.x (Gemm + TopK, 2 threads)`) and returns its description, as stages record it. */
export function logSearchKernel(kernel: SearchKernelReport, log: (message: string) => void): string {
  log(`search: ${kernel.description}`);
  return kernel.description;
}
