/**
 * MICE's stored document states: every passage's layer-l token states (real tokens only) in an
 * `@i3/search` token-state store, built once per (bottom-layer weights, l, passage length) and
 * read back as a `DocumentStates` batch for the candidates a re-ranker scores. Documents are
 * encoded alone as `[CLS] title text [SEP]`, segment 0 (xpmir/mice tokenises each text alone).
 */
import { padBatch, passageText, type Collection, type I3Tokenizer } from "@i3/data";
import { batchDocumentStates, tf, unbatchDocumentStates, type DocumentStates, type Mice } from "@i3/encoders";
import { buildTokenStateStore, type DenseDtype, type TokenStateManifest, type TokenStateStore } from "@i3/search";
import { toTensors } from "./token-batches.js";
import { parametersDigest } from "./training-checkpoints.js";

/** Options of {@link buildMiceStateStore}. */
export interface BuildMiceStateStoreOptions {
  /** The store folder (replaced atomically). */
  out: string;
  /** Passage tokens, [CLS] and [SEP] included. */
  passageMaxLength: number;
  /** Stored element type (default "float16"). */
  dtype?: DenseDtype;
  /** Passages per batch (default 32). */
  batchSize?: number;
  /** Copied to the manifest: what made the states (e.g. the checkpoint folder). */
  description: string;
  /** Copied to the manifest: the backend that ran (`describeBackend`). */
  backend: string;
  /** Called after each batch with the number of passages stored so far. */
  onProgress?: (written: number) => void;
}

/**
 * The fingerprint of what the states depend on: sha256 over the embeddings' and bottom layers'
 * weights (two MICE models with the same first l layers share a store) and the passage length.
 */
export function miceStatesFingerprint(model: Mice, passageMaxLength: number): string {
  return `${parametersDigest(model.bottom.namedParameters())}:l${model.config.split}:len${passageMaxLength}`;
}

/** Encodes the corpus with `model.encodeDocuments` (eval mode) into a token-state store; returns its manifest. */
export async function buildMiceStateStore(model: Mice, tokenizer: I3Tokenizer, collection: Collection, options: BuildMiceStateStoreOptions): Promise<TokenStateManifest> {
  const maxLength = options.passageMaxLength;
  return buildTokenStateStore(
    collection.corpus(),
    async (batch) => {
      const rows = batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids);
      const encoded = padBatch(
        rows.map((ids) => ({ ids, typeIds: new Int32Array(ids.length) })),
        tokenizer.special.pad,
        { maxLength },
      );
      let states: Float32Array[] = [];
      tf.tidy(() => {
        states = unbatchDocumentStates(model.encodeDocuments(toTensors(encoded)));
      });
      return states;
    },
    {
      out: options.out,
      hidden: model.encoder.hidden,
      layer: model.config.split,
      encoder: { description: options.description, fingerprint: miceStatesFingerprint(model, maxLength) },
      backend: options.backend,
      ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    },
  );
}

/** The stored states of `ids` as one padded batch for `Mice.score` (dispose it after use). */
export async function readDocumentStates(store: TokenStateStore, ids: readonly string[]): Promise<DocumentStates> {
  return batchDocumentStates(await store.read(ids), store.manifest.hidden);
}
