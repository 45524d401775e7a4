/**
 * The TensorFlow.js side of the dense stages, imported only when an index or retrieve stage runs:
 * encode the corpus into an `@i3/search` dense index, and search it with a split's queries.
 */
import { join } from "node:path";
import { passageText, type Collection, type Query, type Run } from "@i3/data";
import { DenseIndex, encodeCorpus } from "@i3/search";
import { encodeAll, retrieveWithDualEncoder } from "../dualEncoder.js";
import type { DenseIndexOutput } from "../system.js";
import type { LoadedBiEncoder } from "./model-code.js";

/** Encodes every passage of `collection` (`batchSize` at a time) into the index folder `index/` under `outDir`; frees the model. */
export async function encodeIndex(args: {
  model: LoadedBiEncoder;
  collection: Collection;
  passageMaxLength: number;
  batchSize: number;
  description: string;
  outDir: string;
}): Promise<DenseIndexOutput> {
  const { model, tokenizer, backend } = args.model;
  const maxLength = args.passageMaxLength;
  try {
    await encodeCorpus(
      args.collection.corpus(),
      async (batch) => encodeAll(model, tokenizer, batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids), maxLength, "passages"),
      {
        out: join(args.outDir, "index"),
        dim: model.passageEncoder.config.hidden,
        batchSize: args.batchSize,
        encoder: { description: args.description, fingerprint: await args.collection.fingerprint() },
        backend,
      },
    );
  } finally {
    model.dispose();
  }
  return { index: "index", backend };
}

/** The run of `queries` against the index at `indexPath` (exact inner product, `depth` per query); frees the model. */
export async function searchIndex(args: { model: LoadedBiEncoder; queries: readonly Query[]; indexPath: string; queryMaxLength: number; depth: number }): Promise<Run> {
  const { model, tokenizer } = args.model;
  try {
    const index = await DenseIndex.load(args.indexPath);
    return retrieveWithDualEncoder(model, tokenizer, index, args.queries, args.queryMaxLength, args.depth);
  } finally {
    model.dispose();
  }
}
