/**
 * The pseudo-queries stage's work (an I3 system's `pseudoQueries`): one pseudo-query per passage
 * from an `@i3/pseudoquery` source, I3's reconstruction targets. RAKE, spans and training
 * queries need no model; `doc2query` first trains the project's encoder-decoder on the train
 * split's (passage, relevant query) pairs (a WordPiece vocabulary on the corpus, or the
 * configured Hugging Face tokenizer with `tokenizer.kind: "hf"`; always from scratch at the model
 * size of `model.preset`, even with `model.init`; `doc2queryEpochs` epochs), then decodes
 * every passage greedily; `onnx` runs a pre-trained ONNX seq2seq export locally (`pseudoQueries.onnx`).
 */
import { join } from "node:path";
import { passageText, saveTokenizer, type Collection } from "@i3/data";
import { describeBackend } from "@i3/encoders";
import {
  Doc2QueryModel,
  doc2QuerySource,
  generatePseudoQueries,
  onnxSeq2SeqSource,
  rakeSource,
  spanSource,
  trainDoc2Query,
  trainingPairs,
  trainingQuerySource,
  type PseudoQuerySource,
} from "@i3/pseudoquery";
import { presetEncoderConfig, startBackend, startTokenizer } from "@i3/retrievers";
import type { RunSettings } from "../../config/run-settings.js";
import type { Doc2QuerySettings } from "./settings.js";

/** Inputs of {@link generatePseudoQueriesFor}. */
export interface PseudoQueryInputs {
  readonly settings: Doc2QuerySettings;
  readonly run: RunSettings;
  readonly collection: Collection;
  /** The train split's name (training queries and doc2query pairs). */
  readonly trainSplit: string;
  /** Folder for the doc2query model's training log. */
  readonly workDir: string;
  log(message: string): void;
}

/** Trains the doc2query model the settings describe and returns it as a source. */
async function doc2querySource(inputs: PseudoQueryInputs): Promise<PseudoQuerySource> {
  const { settings, run, collection, log } = inputs;
  const backend = await startBackend(run.device);
  log(`doc2query: ${describeBackend(backend)}`);
  const corpusTexts = async () => {
    const texts: string[] = [];
    for await (const p of collection.corpus()) texts.push(passageText(p));
    return texts;
  };
  const tokenizer = await startTokenizer(settings, corpusTexts, (m) => log(`doc2query: ${m}`));
  await saveTokenizer(tokenizer, join(inputs.workDir, "doc2query-tokenizer"));
  const encoder = presetEncoderConfig({ preset: settings.model.preset, pooling: "cls" }, tokenizer.vocabSize);
  const model = new Doc2QueryModel({ encoder }, { seed: run.seed });
  const pairs = await trainingPairs(collection, inputs.trainSplit);
  const epochs = settings.pseudoQueries.doc2queryEpochs;
  const { queryMaxLength, passageMaxLength } = settings.model;
  log(`doc2query: training ${encoder.layers}x${encoder.hidden} on ${pairs.length} (passage, query) pairs of "${inputs.trainSplit}", ${epochs} epochs`);
  const result = await trainDoc2Query({
    model,
    tokenizer,
    pairs,
    seed: run.seed,
    epochs,
    batchSize: 16,
    lr: 1e-3,
    warmupSteps: Math.ceil((pairs.length / 16) * epochs * 0.1),
    maxPassageLength: passageMaxLength,
    maxQueryLength: queryMaxLength,
    logFile: join(inputs.workDir, "doc2query-training.jsonl"),
  });
  log(`doc2query: ${result.history.length} steps, final loss ${result.history.at(-1)?.loss.toFixed(4) ?? "n/a"}`);
  return doc2QuerySource({ model, tokenizer, maxLength: queryMaxLength, maxPassageLength: passageMaxLength });
}

/** The source `pseudoQueries.kind` names (`none` has none). */
async function sourceFor(inputs: PseudoQueryInputs): Promise<PseudoQuerySource> {
  const kind = inputs.settings.pseudoQueries.kind;
  switch (kind) {
    case "rake":
      return rakeSource();
    case "spans":
      return spanSource();
    case "training-queries":
      return trainingQuerySource(inputs.collection, { split: inputs.trainSplit });
    case "doc2query":
      return doc2querySource(inputs);
    case "onnx": {
      const { model, ...options } = inputs.settings.pseudoQueries.onnx!;
      return onnxSeq2SeqSource({ modelDir: model, ...definedOnly(options) });
    }
    case "none":
      throw new Error('generatePseudoQueriesFor: pseudoQueries.kind "none" has no source');
  }
}

/** `obj` without its `undefined` fields. */
function definedOnly<T extends object>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** pid -> pseudo-query for the passages the configured source covers, with progress lines. */
export async function generatePseudoQueriesFor(inputs: PseudoQueryInputs): Promise<Map<string, string>> {
  const source = await sourceFor(inputs);
  let out: Map<string, string>;
  try {
    out = await generatePseudoQueries(inputs.collection, source, {
      seed: inputs.run.seed,
      onProgress: (p) => inputs.log(`pseudo-queries (${p.source}): ${p.phase} ${p.done}`),
    });
  } finally {
    await (source as { dispose?: () => Promise<void> }).dispose?.();
  }
  if (out.size === 0) throw new Error(`pseudo-queries: source "${source.name}" produced no text for any passage of ${inputs.collection.name}`);
  return out;
}
