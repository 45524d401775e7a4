import { checkScheduleKey } from "../negatives/negative-schedules.js";
import type { NegativeSchedule } from "../negatives/negative-schedules.js";
import { positivesOf } from "../negatives/positives-of.js";
import { sampleNegatives } from "../negatives/sample-negatives.js";
import type { Qrels } from "../types.js";
import { choosePositive } from "./choose-positive.js";
import type { PositivePolicy } from "./choose-positive.js";
import { queryOrder } from "./query-order.js";
import { alignTeacherScores } from "./teacher-scores.js";
import type { TeacherScores } from "./teacher-scores.js";
import type { TokenIdLookup } from "../tokenizer/index.js";

/** Options of {@link TrainingBatcher}. */
export interface TrainingBatcherOptions {
  /** Positives: docids with grade >= `relevanceLevel`. Every training query needs one. */
  qrels: Qrels;
  relevanceLevel?: number;
  /** qid -> hard-negative pool in rank order (e.g. `mineHardNegatives(...).negatives`). */
  negatives: ReadonlyMap<string, readonly string[]>;
  /** Training queries, in a fixed base order (shuffled per epoch). Default: the keys of `negatives`. */
  queries?: readonly string[];
  /** n: hard negatives per query (group size 1 + n). The I3 reference uses 15, Tevatron 7. */
  negativesPerQuery: number;
  /** B: queries per batch. */
  batchSize: number;
  seed: number;
  /** Negative sampling schedule. Default `"random"`. */
  schedule?: NegativeSchedule;
  /** Positive choice per epoch. Default `"rotate"`. */
  positive?: PositivePolicy;
  /** Corpus passage ids for padding short pools and replacing conflicts (see `sampleNegatives`). */
  corpusIds?: readonly string[];
  /** Token ids of a query by qid (no padding). */
  queryTokens: TokenIdLookup;
  /** Token ids of a passage by docid (no padding). */
  passageTokens: TokenIdLookup;
  /** Teacher scores to align with the candidates (`teacherScores` in each batch). */
  teacherScores?: TeacherScores;
  /** Value for a missing teacher score; default: throw naming query and passage. */
  missingTeacherScore?: number;
  /** Shuffle the query order every epoch (seeded). Default true. */
  shuffle?: boolean;
  /** Drop a last batch smaller than B. Default false. */
  dropLast?: boolean;
}

/** How a batch's negatives were obtained; sums over an epoch are in `TrainingBatcher.stats`. */
export interface BatchStats {
  /** Schedule picks replaced from the query's own pool (own positive, duplicate, or batch conflict). */
  replaced: number;
  /** Negatives drawn at random from the corpus (short pool, or no spare left). */
  padded: number;
  /** Batch conflicts kept because neither pool nor corpus offered an alternative. */
  unavoidable: number;
  /** Chosen positives that are also judged positives of another query in the batch (in-batch false negatives the sampler cannot remove). */
  sharedPositives: number;
}

/** One training batch: B groups of (query, 1 positive, n negatives), group-major. */
export interface TrainingBatch {
  epoch: number;
  /** 0-based index of the batch within the epoch. */
  index: number;
  /** 1 + n. */
  groupSize: number;
  /** Query ids, length B (smaller for a last partial batch). */
  qids: string[];
  /** Token ids of each query (unpadded), aligned with `qids`. */
  queryTokens: Int32Array[];
  /** B * (1 + n) docids: query i's positive at `i * groupSize`, then its n negatives. */
  passageIds: string[];
  /** Token ids of each passage (unpadded), aligned with `passageIds`. */
  passageTokens: Int32Array[];
  /** Teacher scores aligned with `passageIds`, when teacher scores were given. */
  teacherScores?: Float32Array;
  stats: BatchStats;
}

function emptyStats(): BatchStats {
  return { replaced: 0, padded: 0, unavoidable: 0, sharedPositives: 0 };
}

/**
 * Streams training batches for one epoch at a time, deterministic for (seed, epoch): the query
 * order is a seeded permutation per epoch, each query takes one positive (`positive` policy) and
 * n negatives (`schedule`, see `sampleNegatives`), and batches are built lazily, so 500k queries
 * cost one Int32Array of order. As Tevatron's `TrainDataset` + `QPCollator` (texttron/tevatron
 * `src/tevatron/data.py`) and the I3 reference's `DualEncoderTrainDataset._collate_fn`.
 *
 * In-batch negatives: every passage of the batch is scored against every query, so a passage that
 * is a judged positive of any query of the batch, or already a negative of an earlier query, is
 * avoided as another query's negative: the pick is replaced from the query's own pool, then from
 * the corpus; conflicts that remain are counted (`unavoidable`).
 */
export class TrainingBatcher {
  readonly queries: readonly string[];
  readonly groupSize: number;
  /** Totals of the batches yielded since the last call to `batches()`. */
  stats: BatchStats = emptyStats();
  private readonly options: TrainingBatcherOptions;
  private readonly relevanceLevel: number;

  /** Validates the options; throws listing training queries without positives or repeated. */
  constructor(options: TrainingBatcherOptions) {
    const { negativesPerQuery: n, batchSize } = options;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`negativesPerQuery must be an integer >= 0, got ${n}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    checkScheduleKey({ seed: options.seed, epoch: 0, qid: "" });
    this.options = options;
    this.relevanceLevel = options.relevanceLevel ?? 1;
    this.queries = options.queries ?? [...options.negatives.keys()];
    this.groupSize = 1 + n;
    const seen = new Set<string>();
    const noPositive: string[] = [];
    for (const qid of this.queries) {
      if (seen.has(qid)) throw new Error(`TrainingBatcher: query "${qid}" is listed twice`);
      seen.add(qid);
      if (positivesOf(options.qrels, qid, this.relevanceLevel).length === 0) noPositive.push(qid);
    }
    if (noPositive.length > 0) {
      const shown = noPositive.slice(0, 5).map((q) => `"${q}"`).join(", ");
      throw new Error(
        `TrainingBatcher: ${noPositive.length} training queries have no positive (grade >= ${this.relevanceLevel}): ` +
          `${shown}${noPositive.length > 5 ? ", ..." : ""}; drop them (mineHardNegatives lists them in queriesWithoutPositives)`,
      );
    }
  }

  /** Number of batches per epoch. */
  get numBatches(): number {
    const q = this.queries.length;
    const b = this.options.batchSize;
    return this.options.dropLast ? Math.floor(q / b) : Math.ceil(q / b);
  }

  /** The batches of `epoch` (a non-negative integer), lazily; resets `stats`. */
  *batches(epoch: number): Generator<TrainingBatch, void, undefined> {
    checkScheduleKey({ seed: this.options.seed, epoch, qid: "" });
    this.stats = emptyStats();
    const order = queryOrder(this.queries.length, this.options.seed, epoch, this.options.shuffle ?? true);
    const b = this.options.batchSize;
    for (let index = 0; index < this.numBatches; index++) {
      const qids: string[] = [];
      for (let i = index * b; i < Math.min(order.length, (index + 1) * b); i++) qids.push(this.queries[order[i] as number] as string);
      const batch = this.buildBatch(epoch, index, qids);
      for (const key of Object.keys(this.stats) as (keyof BatchStats)[]) this.stats[key] += batch.stats[key];
      yield batch;
    }
  }

  /** Builds one batch from its queries (exposed for tests and custom orders). */
  buildBatch(epoch: number, index: number, qids: readonly string[]): TrainingBatch {
    const o = this.options;
    const n = this.groupSize - 1;
    const stats = emptyStats();
    const positiveLists = qids.map((qid) => positivesOf(o.qrels, qid, this.relevanceLevel));
    const positiveSets = positiveLists.map((list) => new Set(list));
    const batchPositives = new Set<string>();
    for (const list of positiveLists) for (const pid of list) batchPositives.add(pid);
    const chosenPositives = qids.map((qid, i) =>
      choosePositive(positiveLists[i] as string[], o.positive ?? "rotate", { seed: o.seed, epoch, qid }),
    );
    chosenPositives.forEach((pid, i) => {
      positiveSets.forEach((set, j) => {
        if (j !== i && set.has(pid)) stats.sharedPositives++;
      });
    });

    const batchNegatives = new Set<string>();
    const avoid = (id: string) => batchPositives.has(id) || batchNegatives.has(id);
    const passageIds: string[] = [];
    qids.forEach((qid, i) => {
      const sampled = sampleNegatives(qid, o.negatives.get(qid) ?? [], n, {
        schedule: o.schedule ?? "random",
        seed: o.seed,
        epoch,
        positives: positiveSets[i] as Set<string>,
        avoid,
        corpusIds: o.corpusIds,
      });
      stats.replaced += sampled.replaced;
      stats.padded += sampled.padded;
      stats.unavoidable += sampled.unavoidable;
      for (const pid of sampled.ids) batchNegatives.add(pid);
      passageIds.push(chosenPositives[i] as string, ...sampled.ids);
    });

    const batch: TrainingBatch = {
      epoch,
      index,
      groupSize: this.groupSize,
      qids: [...qids],
      queryTokens: qids.map((qid) => o.queryTokens(qid)),
      passageIds,
      passageTokens: passageIds.map((pid) => o.passageTokens(pid)),
      stats,
    };
    if (o.teacherScores !== undefined) {
      const scores = new Float32Array(passageIds.length);
      qids.forEach((qid, i) => {
        const start = i * this.groupSize;
        alignTeacherScores(o.teacherScores as TeacherScores, qid, passageIds.slice(start, start + this.groupSize), scores, start, o.missingTeacherScore);
      });
      batch.teacherScores = scores;
    }
    return batch;
  }
}

/** Shorthand: the batches of `epoch` for `options` (see {@link TrainingBatcher}). */
export function trainingBatches(options: TrainingBatcherOptions, epoch: number): Generator<TrainingBatch, void, undefined> {
  return new TrainingBatcher(options).batches(epoch);
}
