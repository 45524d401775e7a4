/**
 * Model parameters <-> a safetensors tensor map under Hugging Face BERT names.
 *
 * Names: our `NamedParam` names are HF's (`embeddings.word_embeddings.weight`,
 * `encoder.layer.0.attention.self.query.weight`, ...). Matching on load is done on
 * normalised names, so checkpoints with the `bert.` prefix (BertForMaskedLM,
 * BertForPreTraining, BertForSequenceClassification) and old TF-converted LayerNorm names
 * (`LayerNorm.gamma` / `LayerNorm.beta`) load too.
 * Layout: Linear weights are [in, out] here and [out, in] in PyTorch checkpoints; they are
 * transposed both ways. Everything else is stored as is.
 * Unmatched names: a checkpoint tensor nobody uses is an error unless it matches an ignore
 * pattern (default: the NSP pooler, the MLM/NSP `cls.*` heads, and the `position_ids`
 * buffer, which a bare encoder does not use); a model parameter missing from the
 * checkpoint is always an error. Errors list every offending name.
 */
import { tf } from "../backend/tf.js";
import type { NamedParam } from "../model/params.js";
import { toFloat32, type Float32Entry, type RawTensor } from "./safetensors.js";

/** Checkpoint names ignored by default when no parameter claims them. */
export const DEFAULT_IGNORED: readonly RegExp[] = [/^pooler\./, /^cls\./, /^embeddings\.position_ids$/];

/** Thrown when a checkpoint does not match the model; lists every problem. */
export class CheckpointMismatchError extends Error {
  constructor(
    readonly missing: string[],
    readonly unexpected: string[],
    readonly badShapes: string[],
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing from checkpoint (${missing.length}): ${missing.join(", ")}`);
    if (unexpected.length > 0) parts.push(`unknown in checkpoint (${unexpected.length}): ${unexpected.join(", ")}`);
    if (badShapes.length > 0) parts.push(`shape mismatch (${badShapes.length}): ${badShapes.join("; ")}`);
    super(`checkpoint does not match the model: ${parts.join(" | ")}`);
    this.name = "CheckpointMismatchError";
  }
}

/** Canonical form of a parameter name: no `bert.` prefix, LayerNorm gamma/beta -> weight/bias. */
export function normalizeParamName(name: string): string {
  return name
    .replace(/^bert\./, "")
    .replace(/LayerNorm\.gamma$/, "LayerNorm.weight")
    .replace(/LayerNorm\.beta$/, "LayerNorm.bias");
}

/** Shape of a parameter as stored in a PyTorch checkpoint. */
function storedShape(p: NamedParam): number[] {
  return p.linearWeight ? [...p.variable.shape].reverse() : [...p.variable.shape];
}

/** What `assignWeights` did. */
export interface LoadReport {
  /** Checkpoint names loaded, in parameter order. */
  loaded: string[];
  /** Checkpoint names skipped by an ignore pattern. */
  ignored: string[];
}

/** Options of `assignWeights`. */
export interface AssignOptions {
  /** Patterns (on normalised names) of checkpoint tensors that may go unused (default DEFAULT_IGNORED). */
  ignore?: readonly RegExp[];
}

/**
 * Loads `tensors` into `params` (all or nothing: everything is validated before any variable
 * changes). F16/BF16/F64 tensors are converted to float32.
 */
export function assignWeights(params: readonly NamedParam[], tensors: ReadonlyMap<string, RawTensor>, opts: AssignOptions = {}): LoadReport {
  const ignore = opts.ignore ?? DEFAULT_IGNORED;
  const byNorm = new Map<string, string>();
  const duplicates: string[] = [];
  for (const name of tensors.keys()) {
    const norm = normalizeParamName(name);
    const prev = byNorm.get(norm);
    if (prev !== undefined) duplicates.push(`${prev} / ${name}`);
    byNorm.set(norm, name);
  }
  if (duplicates.length > 0) throw new Error(`checkpoint has names that collide after normalisation: ${duplicates.join(", ")}`);
  const missing: string[] = [];
  const badShapes: string[] = [];
  const plan: [NamedParam, string, RawTensor][] = [];
  const used = new Set<string>();
  for (const p of params) {
    const fileName = byNorm.get(normalizeParamName(p.name));
    if (fileName === undefined) {
      missing.push(p.name);
      continue;
    }
    used.add(fileName);
    const t = tensors.get(fileName)!;
    const want = storedShape(p);
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      badShapes.push(`${fileName}: checkpoint [${t.shape.join(", ")}], model expects [${want.join(", ")}]`);
      continue;
    }
    plan.push([p, fileName, t]);
  }
  const ignored: string[] = [];
  const unexpected: string[] = [];
  for (const name of tensors.keys()) {
    if (used.has(name)) continue;
    if (ignore.some((re) => re.test(normalizeParamName(name)))) ignored.push(name);
    else unexpected.push(name);
  }
  if (missing.length + unexpected.length + badShapes.length > 0) throw new CheckpointMismatchError(missing, unexpected, badShapes);
  const values = plan.map(([p, , t]) => [p, toFloat32(t), t.shape] as const);
  for (const [p, data, shape] of values) {
    tf.tidy(() => {
      const value = tf.tensor(data, [...shape], "float32");
      p.variable.assign(p.linearWeight ? tf.transpose(value) : value);
    });
  }
  return { loaded: plan.map(([, name]) => name), ignored };
}

/** Parameter values in checkpoint layout (Linear weights transposed to [out, in]), keyed by name. */
export function collectWeights(params: readonly NamedParam[]): Map<string, Float32Entry> {
  const out = new Map<string, Float32Entry>();
  for (const p of params) {
    const data = tf.tidy(() => (p.linearWeight ? tf.transpose(p.variable) : p.variable.clone()).dataSync() as Float32Array);
    out.set(p.name, { shape: storedShape(p), data: Float32Array.from(data) });
  }
  return out;
}
