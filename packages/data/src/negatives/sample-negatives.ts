import { SeededRandom } from "@i3/core";
import { scheduleOrder } from "./negative-schedules.js";
import type { NegativeSchedule } from "./negative-schedules.js";

/** Options of {@link sampleNegatives}. */
export interface SampleNegativesOptions {
  schedule: NegativeSchedule;
  seed: number;
  /** Non-negative integer epoch. */
  epoch: number;
  /** The query's own positives: never returned as negatives (also when they sit in the pool). */
  positives?: ReadonlySet<string>;
  /**
   * Soft exclusion (e.g. passages already in the same batch): avoided while the pool or the
   * corpus offers another candidate; kept and counted as `unavoidable` otherwise.
   */
  avoid?: (id: string) => boolean;
  /**
   * All passage ids of the corpus, for padding: when the pool has fewer than n usable negatives,
   * the rest are drawn uniformly from here (seeded by (seed, epoch, qid)), excluding positives,
   * ids already drawn and avoided ids. The I3 reference pads the same way with
   * `random.randint(0, 8841822)`, unseeded and without excluding positives.
   */
  corpusIds?: readonly string[];
}

/** The negatives drawn for one query and how they were obtained. */
export interface SampledNegatives {
  /** Exactly n distinct ids. Schedule picks keep their slots; replacements take the slot they fill. */
  ids: string[];
  /** Picks replaced by spare pool candidates (own positive, duplicate or avoided). */
  replaced: number;
  /** Ids drawn from `corpusIds` (short pool or no spare left). */
  padded: number;
  /** Avoided ids kept because neither pool nor corpus offered an alternative. */
  unavoidable: number;
}

/**
 * Draws n negatives for query `qid` from its pool (hard negatives in rank order) with the given
 * schedule (see {@link NegativeSchedule}), then repairs the draw: a pick that is one of the
 * query's positives, a duplicate, or avoided is replaced by the next spare of the schedule's
 * order; what the pool cannot supply is padded from `corpusIds`. Throws (naming the query) when n
 * distinct non-positive negatives cannot be found.
 */
export function sampleNegatives(
  qid: string,
  pool: readonly string[],
  n: number,
  options: SampleNegativesOptions,
): SampledNegatives {
  const positives = options.positives ?? new Set<string>();
  const avoid = options.avoid ?? (() => false);
  const key = { seed: options.seed, epoch: options.epoch, qid };
  const order = scheduleOrder(pool.length, n, options.schedule, key);

  const ids: (string | undefined)[] = [];
  const chosen = new Set<string>();
  const softHoles = new Map<number, string>(); // slot -> avoided pick, kept if nothing else is found
  const hardHoles: number[] = []; // slots that must be filled: positives, duplicates, short pool
  let picks = 0;
  let step = order.next();
  for (; picks < n && !step.done; picks++, step = order.next()) {
    const id = pool[step.value] as string;
    if (positives.has(id) || chosen.has(id)) {
      hardHoles.push(ids.length);
      ids.push(undefined);
    } else if (avoid(id)) {
      softHoles.set(ids.length, id);
      ids.push(undefined);
    } else {
      chosen.add(id);
      ids.push(id);
    }
  }
  while (ids.length < n) {
    hardHoles.push(ids.length);
    ids.push(undefined);
  }
  // Hard holes first: if alternatives run out, only avoidable conflicts remain.
  const holes = [...hardHoles, ...softHoles.keys()];

  const result: SampledNegatives = { ids: [], replaced: 0, padded: 0, unavoidable: 0 };
  let next = 0; // next hole to fill
  for (; next < holes.length && !step.done; step = order.next()) {
    const id = pool[step.value] as string;
    if (positives.has(id) || chosen.has(id) || avoid(id)) continue;
    const slot = holes[next++] as number;
    if (slot < picks) result.replaced++;
    chosen.add(id);
    ids[slot] = id;
  }

  if (next < holes.length && options.corpusIds !== undefined && options.corpusIds.length > 0) {
    const corpus = options.corpusIds;
    const usable = (id: string) => !positives.has(id) && !chosen.has(id) && !avoid(id);
    const random = SeededRandom.from(options.seed, options.epoch, qid, "pad");
    let attempts = 64 * (holes.length - next) + 1024;
    while (next < holes.length && attempts-- > 0) {
      const id = corpus[random.int(corpus.length)] as string;
      if (!usable(id)) continue;
      chosen.add(id);
      ids[holes[next++] as number] = id;
      result.padded++;
    }
    // Rejection failed (tiny or nearly exhausted corpus): a deterministic scan from a random start.
    const start = random.int(corpus.length);
    for (let i = 0; i < corpus.length && next < holes.length; i++) {
      const id = corpus[(start + i) % corpus.length] as string;
      if (!usable(id)) continue;
      chosen.add(id);
      ids[holes[next++] as number] = id;
      result.padded++;
    }
  }

  for (; next < holes.length; next++) {
    const slot = holes[next] as number;
    const kept = softHoles.get(slot);
    if (kept === undefined || chosen.has(kept)) {
      const usable = n - (holes.length - next);
      throw new Error(
        `query "${qid}": only ${usable} of ${n} negatives available (pool of ${pool.length} minus positives and ` +
          `duplicates${options.corpusIds === undefined ? "; pass corpusIds to pad from the corpus" : ", corpus exhausted"})`,
      );
    }
    chosen.add(kept);
    ids[slot] = kept;
    result.unavoidable++;
  }
  result.ids = ids as string[];
  return result;
}
