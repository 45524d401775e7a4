/**
 * The cross-encoder system's TensorFlow.js side (imported only when its stages run): training
 * with `@i3/retrievers` trainCrossEncoder (LCE over 1 positive + n hard negatives; Gao et al.
 * 2021) and re-ranking a first-stage run with the trained checkpoint through `@i3/retrievers`'
 * cross-encoder inference (batched monoBERT scoring, Nogueira & Cho 2019, on onnxruntime-node or
 * TensorFlow.js as the run's `inference` says).
 */
import { loadTokenizer, passageText, rankDocuments, type Collection, type Passage, type Qrels, type Query, type Run } from "@i3/data";
import { CrossEncoder, describeBackend, loadCrossEncoder, saveCrossEncoder } from "@i3/encoders";
import {
  describeInference,
  loadStartTowers,
  openCrossEncoderInference,
  rerankCandidates,
  startBackend,
  startEncoderConfig,
  startTokenizer,
  trainCrossEncoder,
  type CrossEncoderTrainingGroup,
} from "@i3/retrievers";
import type { RunSettings } from "../../config/run-settings.js";
import type { TrainedModelOutput } from "../../runner/stage.js";
import { recordRerankerTraining, rerankerStageTraining, rerankProgress } from "../dense/train-output.js";
import type { CrossEncoderSystemSettings } from "./settings.js";

async function readPassages(collection: Collection, wanted?: ReadonlySet<string>): Promise<Map<string, Passage>> {
  const passages = new Map<string, Passage>();
  for await (const p of collection.corpus()) if (wanted === undefined || wanted.has(p.id)) passages.set(p.id, p);
  return passages;
}

/**
 * The training groups: each training query with a judged positive (grade >= 1) and negatives in
 * the top `depth` of `firstStage` (positives removed), in query order.
 */
export function trainingGroups(queries: readonly Query[], qrels: Qrels, firstStage: Run, depth: number): CrossEncoderTrainingGroup[] {
  const groups: CrossEncoderTrainingGroup[] = [];
  for (const query of queries) {
    const judged = qrels.get(query.id);
    const positives = [...(judged ?? new Map<string, number>())].filter(([, grade]) => grade >= 1).map(([id]) => id);
    const ranking = firstStage.get(query.id);
    if (positives.length === 0 || ranking === undefined) continue;
    const isPositive = new Set(positives);
    const negatives = rankDocuments(ranking).slice(0, depth).map(([id]) => id).filter((id) => !isPositive.has(id));
    if (negatives.length > 0) groups.push({ query, positives, negatives });
  }
  return groups;
}

/**
 * Trains the cross-encoder and saves it (HF BertForSequenceClassification layout + tokenizer)
 * into `outDir/checkpoint`. The training state goes to `workDir/checkpoints` every
 * `train.checkpointEverySteps` steps (default 100); a call that finds it there continues from it,
 * ending with the model an uninterrupted run gives.
 */
export async function trainCrossEncoderSystem(args: {
  settings: CrossEncoderSystemSettings;
  run: RunSettings;
  collection: Collection;
  queries: readonly Query[];
  qrels: Qrels;
  firstStage: Run;
  outDir: string;
  /** The train stage's work folder (`StageContext.workDir`): outlives a killed process. */
  workDir: string;
  log: (message: string) => void;
}): Promise<TrainedModelOutput> {
  const { settings, log } = args;
  const backend = await startBackend(args.run.device);
  log(describeBackend(backend));
  const passages = await readPassages(args.collection);
  const start = { tokenizer: settings.tokenizer, model: { ...settings.model, pooling: "cls" as const, sharedTowers: true, queryMaxLength: settings.model.maxLength, passageMaxLength: settings.model.maxLength } };
  const tokenizer = await startTokenizer(start, () => [...passages.values()].map(passageText), log);
  const config = await startEncoderConfig(start, tokenizer);
  if (settings.model.maxLength > config.maxPositions) throw new Error(`model.maxLength ${settings.model.maxLength} exceeds the encoder's ${config.maxPositions} positions`);
  const groups = trainingGroups(args.queries, args.qrels, args.firstStage, settings.negatives.depth);
  log(`${groups.length} training queries with a positive and hard negatives (of ${args.queries.length}); ${config.layers}x${config.hidden} cross-encoder`);
  const encoder = settings.model.init !== undefined ? (await loadStartTowers(settings.model.init, config, true)).query : undefined;
  const model = new CrossEncoder(config, { seed: args.run.seed, ...(encoder !== undefined ? { encoder } : {}) });
  try {
    const started = Date.now();
    const { history } =
      settings.train.epochs > 0
        ? await trainCrossEncoder({ model, tokenizer, groups, passages, maxLength: settings.model.maxLength, ...rerankerStageTraining(settings, args.run.seed, args.workDir, log) })
        : { history: [] };
    return await recordRerankerTraining(args.outDir, (dir) => saveCrossEncoder(dir, model), tokenizer, { history, backend, started });
  } finally {
    model.dispose();
  }
}

/**
 * Re-ranks the top `depth` of `firstStage` for each of `queries` with the checkpoint in
 * `checkpointDir` (`batchSize` pairs per forward pass, on the engine `inference` selects:
 * `openCrossEncoderInference`, the pairs `@i3/distill`'s cross-encoder teacher builds); the run
 * holds those documents only, by the cross-encoder's score. Logs the engine and progress every
 * tenth of the queries.
 */
export async function rerankWithCrossEncoder(args: {
  checkpointDir: string;
  device: RunSettings["device"];
  inference: RunSettings["inference"];
  collection: Collection;
  queries: readonly Query[];
  firstStage: Run;
  depth: number;
  maxLength: number;
  batchSize: number;
  log: (message: string) => void;
}): Promise<{ run: Run; backend: string; inference: string }> {
  const backendInfo = await startBackend(args.device);
  const candidates = rerankCandidates(args.queries, args.firstStage, args.depth);
  const passages = await readPassages(args.collection, new Set([...candidates.values()].flat()));
  // Loaded as the cross-encoder teacher loads it (eval mode, dropout off).
  const model = await loadCrossEncoder(args.checkpointDir, { configOverrides: { hiddenDropout: 0, attentionDropout: 0 } });
  const run: Run = new Map();
  const progress = rerankProgress(candidates.size, args.log);
  let done = 0;
  try {
    const tokenizer = await loadTokenizer(args.checkpointDir);
    const engine = await openCrossEncoderInference(model, tokenizer, { inference: args.inference, backend: backendInfo, maxLength: args.maxLength, batchSize: args.batchSize, log: args.log });
    try {
      for (const q of args.queries) {
        const ids = candidates.get(q.id);
        if (ids === undefined || ids.length === 0) continue;
        const scores = await engine.score(q, ids.map((id) => passages.get(id)!));
        run.set(q.id, new Map(ids.map((id, i) => [id, scores[i]!])));
        progress(++done);
      }
      return { run, backend: describeBackend(backendInfo), inference: describeInference(engine.info) };
    } finally {
      await engine.dispose();
    }
  } finally {
    model.dispose();
  }
}
