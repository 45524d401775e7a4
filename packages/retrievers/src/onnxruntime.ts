/**
 * onnxruntime-node for inference: the runtime loaded once per process (its failure kept as a
 * reason, so callers can fall back), a session from in-memory ONNX bytes (threads = cores, full
 * graph optimisation) and one forward pass of a padded token batch.
 */
import { availableParallelism } from "node:os";
import type { EncodedBatch } from "@i3/data";
import type * as Ort from "onnxruntime-node";

/** The loaded runtime, or why it did not load. */
export type OnnxRuntimeLoad = { readonly ok: true; readonly ort: typeof Ort; readonly version: string } | { readonly ok: false; readonly reason: string };

let loading: Promise<OnnxRuntimeLoad> | undefined;

/** The first line of an error's message and of each of its causes, joined by `: `. */
function firstLines(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error; e !== undefined && lines.length < 4; e = e instanceof Error ? e.cause : undefined) {
    lines.push((e instanceof Error ? e.message : String(e)).split("\n")[0]!);
  }
  return lines.join(": ");
}

/** Imports onnxruntime-node once per process; a failure is returned (the first line of the error and its causes), not thrown. */
export function loadOnnxRuntime(): Promise<OnnxRuntimeLoad> {
  loading ??= (async (): Promise<OnnxRuntimeLoad> => {
    try {
      const ort = await import("onnxruntime-node");
      if (typeof ort.InferenceSession?.create !== "function") return { ok: false, reason: "onnxruntime-node has no InferenceSession" };
      return { ok: true, ort, version: ort.env.versions?.common ?? "unknown" };
    } catch (error) {
      return { ok: false, reason: firstLines(error) };
    }
  })();
  return loading;
}

/** Threads onnxruntime computes with by default: the cores this process may use (`os.availableParallelism()`). */
export function defaultInferenceThreads(): number {
  return availableParallelism();
}

/** A float32 graph input: values (row-major) and dims. */
export interface FloatFeed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** An onnxruntime session over one graph, run on padded token batches (and float32 inputs). */
export class OnnxGraphSession {
  private constructor(
    private readonly ort: typeof Ort,
    private session: Ort.InferenceSession | undefined,
    private readonly output: string,
  ) {}

  /**
   * A session over the ONNX model `bytes` (an `@i3/encoders` export) computing `output`, with
   * `threads` intra-op threads, one inter-op thread, sequential execution and every graph
   * optimisation onnxruntime has (`graphOptimizationLevel: "all"`).
   */
  static async create(ort: typeof Ort, bytes: Uint8Array, output: string, threads: number): Promise<OnnxGraphSession> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`onnxruntime threads must be a positive integer, got ${threads}`);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
    if (!session.outputNames.includes(output)) {
      await session.release();
      throw new Error(`the ONNX graph has no output "${output}" (outputs: ${session.outputNames.join(", ")})`);
    }
    return new OnnxGraphSession(ort, session, output);
  }

  /**
   * The graph's output for `batch` (`input_ids`, `attention_mask`, `token_type_ids` as int64, those
   * the graph takes) and the float32 inputs `floats` by name (e.g. MICE's stored document states), row-major.
   */
  async run(batch: EncodedBatch, floats: Readonly<Record<string, FloatFeed>> = {}): Promise<Float32Array> {
    const session = this.session;
    if (session === undefined) throw new Error("this onnxruntime session was released");
    const dims = [batch.batchSize, batch.seqLength];
    const int64 = (a: Int32Array) => new this.ort.Tensor("int64", BigInt64Array.from(a, (x) => BigInt(x)), dims);
    const all: Record<string, Int32Array> = { input_ids: batch.inputIds, attention_mask: batch.attentionMask, token_type_ids: batch.tokenTypeIds };
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of session.inputNames) {
      const float = floats[name];
      if (float !== undefined) {
        feeds[name] = new this.ort.Tensor("float32", float.data, float.dims);
        continue;
      }
      const values = all[name];
      if (values === undefined) throw new Error(`the ONNX graph takes an input "${name}" that a token batch does not have`);
      feeds[name] = int64(values);
    }
    const results = await session.run(feeds);
    const out = results[this.output]!;
    const data = Float32Array.from(out.data as Float32Array);
    for (const t of Object.values(results)) t.dispose();
    return data;
  }

  /** Frees the session (idempotent); `run` throws afterwards. */
  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}
