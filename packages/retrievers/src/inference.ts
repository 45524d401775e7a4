/**
 * Inference with trained models through onnxruntime-node, TensorFlow.js as the fallback.
 *
 * A loaded model (dual-encoder, I3, a query tower alone, cross-encoder) is exported to ONNX in
 * memory (`@i3/encoders`' exporters: the same graphs `i3 export --onnx` writes, equal to the
 * tfjs forward pass to ~1e-6) and run by onnxruntime sessions with `threads` intra-op threads
 * (default: the cores, `os.availableParallelism()`) and full graph optimisation. The batches are
 * the ones the tfjs path runs (`paddedRowBatches`; pairs: `encodePairs` per `batchSize`
 * passages), so the two engines differ only in float summation order.
 *
 * `inference` picks the engine: `tfjs` (the model's own forward pass on the current backend),
 * `onnxruntime` (an error when onnxruntime-node does not load), or `auto` (the default):
 * onnxruntime when it loads, else tfjs with the reason logged; and tfjs when the TensorFlow.js
 * backend runs on the GPU (`device: "gpu"`, tfjs-node-gpu), since the onnxruntime-node build
 * installed here is the CPU one (`.npmrc` keeps its CUDA download off).
 */
import { encodePairs, type EncodedBatch, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import {
  BertEncoder,
  DualEncoder,
  EMBEDDING_OUTPUT,
  I3Retriever,
  LOGITS_OUTPUT,
  crossEncoderToOnnx,
  describeBackend,
  dualEncoderToOnnx,
  encoderTowerToOnnx,
  i3RetrieverToOnnx,
  tf,
  type BackendInfo,
  type CrossEncoder,
} from "@i3/encoders";
import { paddedRowBatches, toTensors } from "./token-batches.js";
import { defaultInferenceThreads, loadOnnxRuntime, OnnxGraphSession } from "./onnxruntime.js";
import { INFERENCE_SETTINGS, type InferenceSetting } from "./settings.js";

/** The engine that runs, as logs and stage outputs record it. */
export interface InferenceEngineInfo {
  readonly requested: InferenceSetting;
  readonly engine: "onnxruntime" | "tfjs";
  /** onnxruntime: the onnxruntime-node version and its intra-op threads. */
  readonly onnxruntime?: { readonly version: string; readonly threads: number };
  /** tfjs: the backend (`describeBackend`), or `tf.getBackend()` when none was given. */
  readonly tfjs?: string;
  /** `auto` on tfjs: why onnxruntime did not run. */
  readonly reason?: string;
}

/** One line: `inference=onnxruntime onnxruntime-node=1.30.0 threads=2 (requested auto)`, or the tfjs backend and the reason. */
export function describeInference(info: InferenceEngineInfo): string {
  const engine =
    info.engine === "onnxruntime" ? `inference=onnxruntime onnxruntime-node=${info.onnxruntime!.version} threads=${info.onnxruntime!.threads}` : `inference=tfjs (${info.tfjs})`;
  return `${engine} requested=${info.requested}${info.reason !== undefined ? ` reason=[${info.reason}]` : ""}`;
}

/** Options of {@link openDenseInference} and {@link openCrossEncoderInference}. */
export interface InferenceOptions {
  /** Default `auto`. */
  inference?: InferenceSetting;
  /** onnxruntime intra-op threads; default the cores (`os.availableParallelism()`). */
  threads?: number;
  /** The TensorFlow.js backend started for this model (`startBackend`): `auto` keeps a GPU backend, and tfjs is described by it. */
  backend?: BackendInfo;
  /** Told which engine runs, and why `auto` fell back to tfjs. */
  log?: (message: string) => void;
}

/** A forward pass of one model's graphs on padded batches, on one engine. */
interface BatchForward {
  run(graph: Graph, batch: EncodedBatch): Promise<Float32Array>;
  release(): Promise<void>;
}
type Graph = "queries" | "passages" | "pairs";

/** A model the dense stages encode with: a dual-encoder, an I3 retriever (passages: p*), or a query tower alone (LTRe). */
export type DenseInferenceModel = DualEncoder | I3Retriever | BertEncoder;

/** The engine `options` ask for (see the module comment); throws when `onnxruntime` is asked for and does not load. Package-internal (mice-inference.ts). */
export async function selectEngine(options: InferenceOptions): Promise<{ info: InferenceEngineInfo; ort?: Awaited<ReturnType<typeof loadOnnxRuntime>> & { ok: true } }> {
  const requested = options.inference ?? "auto";
  if (!INFERENCE_SETTINGS.includes(requested)) throw new Error(`unknown inference "${String(requested)}"; expected one of ${INFERENCE_SETTINGS.join(", ")}`);
  const tfjs = options.backend !== undefined ? describeBackend(options.backend) : `backend=${tf.getBackend()}`;
  if (requested === "tfjs") return { info: { requested, engine: "tfjs", tfjs } };
  if (requested === "auto" && options.backend?.device === "gpu") {
    return { info: { requested, engine: "tfjs", tfjs, reason: "the TensorFlow.js backend runs on the GPU; the installed onnxruntime-node is the CPU build" } };
  }
  const loaded = await loadOnnxRuntime();
  if (!loaded.ok) {
    if (requested === "onnxruntime") throw new Error(`inference "onnxruntime": onnxruntime-node could not be loaded: ${loaded.reason}`);
    return { info: { requested, engine: "tfjs", tfjs, reason: `onnxruntime-node could not be loaded: ${loaded.reason}` } };
  }
  const threads = options.threads ?? defaultInferenceThreads();
  return { info: { requested, engine: "onnxruntime", onnxruntime: { version: loaded.version, threads } }, ort: loaded };
}

/** The ONNX graphs of a dense model by side (shared towers: one graph for both). */
function denseGraphs(model: DenseInferenceModel): { queries: Uint8Array; passages?: Uint8Array } {
  if (model instanceof DualEncoder) {
    const { files } = dualEncoderToOnnx(model);
    return model.shared ? { queries: files["model"]!, passages: files["model"]! } : { queries: files["query"]!, passages: files["passage"]! };
  }
  if (model instanceof I3Retriever) {
    const { files } = i3RetrieverToOnnx(model);
    return { queries: files["query"]!, passages: files["passage"]! };
  }
  if (model instanceof BertEncoder) return { queries: encoderTowerToOnnx(model, "query-tower") };
  throw new TypeError("openDenseInference: expected a DualEncoder, an I3Retriever or a BertEncoder (query tower)");
}

/** onnxruntime sessions over `graphs` (one session per distinct graph). */
async function onnxForward(ort: Parameters<typeof OnnxGraphSession.create>[0], graphs: Partial<Record<Graph, Uint8Array>>, output: string, threads: number): Promise<BatchForward> {
  const sessions = new Map<Uint8Array, OnnxGraphSession>();
  const byGraph = new Map<Graph, OnnxGraphSession>();
  try {
    for (const [graph, bytes] of Object.entries(graphs) as [Graph, Uint8Array][]) {
      let session = sessions.get(bytes);
      if (session === undefined) sessions.set(bytes, (session = await OnnxGraphSession.create(ort, bytes, output, threads)));
      byGraph.set(graph, session);
    }
  } catch (error) {
    for (const s of sessions.values()) await s.release();
    throw error;
  }
  return {
    run: (graph, batch) => byGraph.get(graph)!.run(batch),
    release: async () => {
      for (const s of sessions.values()) await s.release();
    },
  };
}

/** The tfjs forward pass of `forward` on one batch, read back and freed. */
function tfjsRun(forward: () => tf.Tensor): Float32Array {
  const out = tf.tidy(forward);
  try {
    return out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
}

/** The dense model's tfjs forward (the model stays the caller's: release frees nothing). */
function tfjsDenseForward(model: DenseInferenceModel): BatchForward {
  return {
    async run(graph, batch) {
      return tfjsRun(() => {
        const inputs = toTensors(batch);
        if (model instanceof BertEncoder) return model.encode(inputs);
        return graph === "queries" ? model.encodeQueries(inputs) : model.encodePassages(inputs);
      });
    },
    release: async () => {},
  };
}

/** Checks the engine is open; the error names the call. */
function assertOpen(forward: BatchForward | undefined, what: string): BatchForward {
  if (forward === undefined) throw new Error(`${what}: this inference engine was disposed`);
  return forward;
}

/** Encodes token rows with a dense model on the engine {@link openDenseInference} selected. */
export class DenseInference {
  /** @internal Use {@link openDenseInference}. */
  constructor(
    /** The engine that runs. */
    readonly info: InferenceEngineInfo,
    /** Vector size. */
    readonly dim: number,
    private readonly padId: number,
    private readonly hasPassages: boolean,
    private forward: BatchForward | undefined,
  ) {}

  /**
   * Vectors [n, dim] (row-major) of token-id `rows` (cut to `maxLength`, [CLS]/[SEP] included) as
   * queries (E_q) or passages (E_p; I3: p*), in the batches `encodeTokenRows` runs.
   */
  async encode(rows: readonly Int32Array[], maxLength: number, side: "queries" | "passages", batchSize = 64): Promise<Float32Array> {
    const forward = assertOpen(this.forward, "DenseInference.encode");
    if (side === "passages" && !this.hasPassages) throw new Error("a query tower encodes no passages (LTRe searches a fixed index)");
    const out = new Float32Array(rows.length * this.dim);
    for (const { start, batch } of paddedRowBatches(rows, this.padId, maxLength, batchSize)) {
      const vectors = await forward.run(side, batch);
      if (vectors.length !== batch.batchSize * this.dim) throw new Error(`the ${this.info.engine} forward pass gave ${vectors.length} values for ${batch.batchSize} rows of ${this.dim}`);
      out.set(vectors, start * this.dim);
    }
    return out;
  }

  /** Frees the onnxruntime sessions (the tfjs model stays the caller's to dispose). Idempotent. */
  async dispose(): Promise<void> {
    const forward = this.forward;
    this.forward = undefined;
    await forward?.release();
  }
}

/**
 * Opens inference for a dense `model` (tokens padded with `tokenizer`'s pad id) on the engine
 * `options.inference` selects (module comment), logging which one runs and why.
 */
export async function openDenseInference(model: DenseInferenceModel, tokenizer: I3Tokenizer, options: InferenceOptions = {}): Promise<DenseInference> {
  const { info, ort } = await selectEngine(options);
  const dim = model instanceof BertEncoder ? model.config.hidden : model.passageEncoder.config.hidden;
  const hasPassages = !(model instanceof BertEncoder);
  const forward = ort !== undefined ? await onnxForward(ort.ort, denseGraphs(model), EMBEDDING_OUTPUT, info.onnxruntime!.threads) : tfjsDenseForward(model);
  options.log?.(describeInference(info));
  return new DenseInference(info, dim, tokenizer.special.pad, hasPassages, forward);
}

/** Options of {@link openCrossEncoderInference}: the inference options and how pairs are built. */
export interface CrossEncoderInferenceOptions extends InferenceOptions {
  /** Pair tokens at most (`encodePairs`: longest-first truncation). */
  maxLength: number;
  /** Pairs per forward pass. Default 32. */
  batchSize?: number;
}

/** Scores (query, passage) pairs with a cross-encoder on the engine {@link openCrossEncoderInference} selected. */
export class CrossEncoderInference {
  /** @internal Use {@link openCrossEncoderInference}. */
  constructor(
    /** The engine that runs. */
    readonly info: InferenceEngineInfo,
    private readonly tokenizer: I3Tokenizer,
    private readonly maxLength: number,
    private readonly batchSize: number,
    private forward: BatchForward | undefined,
  ) {}

  /**
   * s(q, p) for each of `passages` (`title text`), `batchSize` pairs per pass, encoded as
   * `@i3/distill`'s cross-encoder teacher encodes them ([CLS] q [SEP] p [SEP], `maxLength`).
   */
  async score(query: Query, passages: readonly Passage[]): Promise<number[]> {
    const forward = assertOpen(this.forward, "CrossEncoderInference.score");
    const scores: number[] = [];
    for (let start = 0; start < passages.length; start += this.batchSize) {
      const batch = passages.slice(start, start + this.batchSize);
      const enc = encodePairs(this.tokenizer, batch.map(() => query.text), batch, { maxLength: this.maxLength });
      const values = await forward.run("pairs", enc);
      if (values.length !== batch.length) throw new Error(`the ${this.info.engine} forward pass gave ${values.length} scores for ${batch.length} pairs`);
      for (const v of values) scores.push(v);
    }
    return scores;
  }

  /** Frees the onnxruntime session (the tfjs model stays the caller's to dispose). Idempotent. */
  async dispose(): Promise<void> {
    const forward = this.forward;
    this.forward = undefined;
    await forward?.release();
  }
}

/**
 * Opens inference for a cross-encoder `model` with its `tokenizer` on the engine
 * `options.inference` selects (module comment), logging which one runs and why.
 */
export async function openCrossEncoderInference(model: CrossEncoder, tokenizer: I3Tokenizer, options: CrossEncoderInferenceOptions): Promise<CrossEncoderInference> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`openCrossEncoderInference: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(options.maxLength) || options.maxLength < 1) throw new RangeError(`openCrossEncoderInference: maxLength must be a positive integer, got ${options.maxLength}`);
  const { info, ort } = await selectEngine(options);
  const forward: BatchForward =
    ort !== undefined
      ? await onnxForward(ort.ort, { pairs: crossEncoderToOnnx(model).files["model"]! }, LOGITS_OUTPUT, info.onnxruntime!.threads)
      : {
          run: async (_graph, batch) =>
            tfjsRun(() => {
              const shape: [number, number] = [batch.batchSize, batch.seqLength];
              return model.forward({ ...toTensors(batch), tokenTypeIds: tf.tensor2d(batch.tokenTypeIds, shape, "int32") });
            }),
          release: async () => {},
        };
  options.log?.(describeInference(info));
  return new CrossEncoderInference(info, tokenizer, options.maxLength, batchSize, forward);
}
