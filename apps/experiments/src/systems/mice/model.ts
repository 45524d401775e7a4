/**
 * The MICE system's TensorFlow.js side (imported only when its stages run): MICE made from the
 * `from` cross-encoder's checkpoint (`Mice.fromCrossEncoder`) and distilled from that
 * checkpoint's cached scores (`@i3/retrievers` trainMice), the document-state store
 * (`buildMiceStateStore`) and re-ranking from it (`rerankWithMice`).
 */
import { join } from "node:path";
import { loadKdTrain } from "@i3/distill";
import { loadTokenizer, type Collection, type Passage, type Query, type Run } from "@i3/data";
import { describeBackend, loadCrossEncoder, loadMice, Mice, saveMice } from "@i3/encoders";
import { buildMiceStateStore, describeInference, openMiceInference, rerankCandidates, rerankWithMice, startBackend, trainMice, type MiceInference } from "@i3/retrievers";
import { TokenStateStore } from "@i3/search";
import type { RunSettings } from "../../config/run-settings.js";
import type { TrainedModelOutput } from "../../runner/stage.js";
import { recordRerankerTraining, rerankerStageTraining, rerankProgress } from "../dense/train-output.js";
import type { MiceStatesOutput } from "./outputs.js";
import type { MiceSystemSettings } from "./settings.js";

/**
 * Makes MICE from the cross-encoder checkpoint in `startCheckpoint` and distils it from the
 * scores in `kdTrain`; saves it (`saveMice` + tokenizer) into `outDir/checkpoint`. The training
 * state goes to `workDir/checkpoints` (a killed run continues from it).
 */
export async function trainMiceSystem(args: {
  settings: MiceSystemSettings;
  run: RunSettings;
  startCheckpoint: string;
  kdTrain: string;
  collection: Collection;
  queries: readonly Query[];
  outDir: string;
  workDir: string;
  log: (message: string) => void;
}): Promise<TrainedModelOutput> {
  const { settings, log } = args;
  const backend = await startBackend(args.run.device);
  log(describeBackend(backend));
  const records = [...(await loadKdTrain(args.kdTrain)).values()];
  const wanted = new Set(records.flatMap((r) => [...r.positives, ...r.negatives].map((d) => d.docId)));
  const passages = new Map<string, Passage>();
  for await (const p of args.collection.corpus()) if (wanted.has(p.id)) passages.set(p.id, p);
  const tokenizer = await loadTokenizer(args.startCheckpoint);
  const ce = await loadCrossEncoder(args.startCheckpoint);
  let model: Mice;
  try {
    model = Mice.fromCrossEncoder(ce, {
      split: settings.split,
      ...(settings.interactionLayers !== undefined ? { interactionLayers: settings.interactionLayers } : {}),
      ...(settings.seedLayers !== undefined ? { seedLayers: settings.seedLayers } : {}),
      copyHead: settings.copyHead,
      seed: args.run.seed,
    });
  } finally {
    ce.dispose();
  }
  const { split, interactionLayers, seedLayers } = model.config;
  log(`MICE l${split}+${interactionLayers} (interaction layers seeded from backbone layers ${seedLayers.join(", ")}) from ${ce.config.layers}x${ce.config.hidden} cross-encoder; ${records.length} teacher-scored training queries`);
  try {
    const started = Date.now();
    const { history } =
      settings.train.epochs > 0
        ? await trainMice({
            model,
            tokenizer,
            records,
            queries: new Map(args.queries.map((q) => [q.id, q.text])),
            passages,
            objective: settings.objective,
            queryMaxLength: settings.model.queryMaxLength,
            passageMaxLength: settings.model.passageMaxLength,
            ...rerankerStageTraining(settings, args.run.seed, args.workDir, log),
          })
        : { history: [] };
    return await recordRerankerTraining(args.outDir, (dir) => saveMice(dir, model), tokenizer, { history, backend, started });
  } finally {
    model.dispose();
  }
}

/** Builds the document-state store of the MICE checkpoint in `checkpointDir` into `outDir/store`; logs progress and bytes per passage. */
export async function buildStatesStage(args: {
  checkpointDir: string;
  collection: Collection;
  passageMaxLength: number;
  dtype: "float16" | "float32";
  batchSize: number;
  device: RunSettings["device"];
  outDir: string;
  log: (message: string) => void;
}): Promise<MiceStatesOutput> {
  const backend = describeBackend(await startBackend(args.device));
  args.log(backend);
  const model = await loadMice(args.checkpointDir, { configOverrides: { hiddenDropout: 0, attentionDropout: 0 } });
  try {
    const tokenizer = await loadTokenizer(args.checkpointDir);
    let total = 0;
    for await (const _ of args.collection.corpus()) total++;
    let next = 0;
    const manifest = await buildMiceStateStore(model, tokenizer, args.collection, {
      out: join(args.outDir, "store"),
      passageMaxLength: args.passageMaxLength,
      dtype: args.dtype,
      batchSize: args.batchSize,
      description: `MICE l${model.config.split} states of ${args.checkpointDir}`,
      backend,
      onProgress: (written) => {
        if (written >= next || written === total) {
          args.log(`states: ${written}/${total} passages`);
          next = written + Math.max(1, Math.ceil(total / 10));
        }
      },
    });
    args.log(`states: ${manifest.count} passages, ${manifest.tokens} tokens, layer ${manifest.layer} x ${manifest.hidden} ${manifest.dtype}: ${manifest.bytesPerPassage.toFixed(1)} bytes per passage`);
    return { store: "store", passages: manifest.count, tokens: manifest.tokens, dtype: manifest.dtype, bytesPerPassage: manifest.bytesPerPassage, backend };
  } finally {
    model.dispose();
  }
}

/** Re-ranks the top `depth` of `firstStage` for each query from the stored states; progress every tenth of the queries. */
export async function rerankStage(args: {
  checkpointDir: string;
  storeDir: string;
  queries: readonly Query[];
  firstStage: Run;
  depth: number;
  queryMaxLength: number;
  batchSize: number;
  device: RunSettings["device"];
  inference: RunSettings["inference"];
  log: (message: string) => void;
}): Promise<{ run: Run; inference: string }> {
  const backend = await startBackend(args.device);
  args.log(describeBackend(backend));
  const model = await loadMice(args.checkpointDir, { configOverrides: { hiddenDropout: 0, attentionDropout: 0 } });
  const store = await TokenStateStore.open(args.storeDir);
  let scorer: MiceInference | undefined;
  try {
    const tokenizer = await loadTokenizer(args.checkpointDir);
    // The engine `inference` selects (onnxruntime by default: MICE's query graph; tfjs on request or as the fallback).
    scorer = await openMiceInference(model, tokenizer, { inference: args.inference, backend, queryMaxLength: args.queryMaxLength, batchSize: args.batchSize, log: args.log });
    const candidates = rerankCandidates(args.queries, args.firstStage, args.depth);
    const run = await rerankWithMice(scorer, store, args.queries, candidates, { onProgress: rerankProgress(candidates.size, args.log) });
    return { run, inference: describeInference(scorer.info) };
  } finally {
    await scorer?.dispose();
    await store.close();
    model.dispose();
  }
}
