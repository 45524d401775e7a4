/**
 * Deterministic train/dev/test assignment by a seeded hash of the query id: the same id lands
 * in the same split on every machine and in every build, whatever else the collection holds.
 */
import { createHash } from "node:crypto";

/** Split fractions in order; they must sum to 1. */
export interface SplitRule {
  seed: string;
  splits: readonly { name: string; fraction: number }[];
}

/** The default collection's rule: 70/15/15 with a fixed seed string. */
export const DEFAULT_SPLIT_RULE: SplitRule = {
  seed: "i3-default-split-v1",
  splits: [
    { name: "train", fraction: 0.7 },
    { name: "dev", fraction: 0.15 },
    { name: "test", fraction: 0.15 },
  ],
};

/** A number in [0, 1) from the first 32 bits of sha256(`${seed}:${id}`). */
export function stableUnitHash(seed: string, id: string): number {
  const digest = createHash("sha256").update(`${seed}:${id}`, "utf8").digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The split of `id` under `rule`: the first split whose cumulative fraction exceeds the hash. */
export function assignSplit(id: string, rule: SplitRule = DEFAULT_SPLIT_RULE): string {
  const u = stableUnitHash(rule.seed, id);
  let cumulative = 0;
  for (const split of rule.splits) {
    cumulative += split.fraction;
    if (u < cumulative) return split.name;
  }
  return rule.splits[rule.splits.length - 1]!.name;
}
