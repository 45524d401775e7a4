/**
 * The LTRe system's settings: `@i3/retrievers`' LTRe settings (one name per setting, its
 * defaults: `ltre.depth`, `ltre.appendRelevant`, `index.precision` and `index.pq`, `optimizer`,
 * `train`) plus the runner's: `from`, the dense system (dual-encoder or I3) whose trained
 * checkpoint it starts from and whose index it trains against and searches, and the retrieval
 * depth.
 */
import { ltreSettingsSchema } from "@i3/retrievers/settings";
import { z } from "zod";
import { retrieveSettingsSchema } from "../dense/settings.js";

/** The kinds of system LTRe can start from: a query tower and a dense index of one vector per passage. */
export const LTRE_FROM_KINDS = ["dual-encoder", "i3"] as const;

/** LTRe's settings in a config. */
export const ltreSystemSettings = ltreSettingsSchema.safeExtend({
  kind: z.literal("ltre"),
  /** The dense system (a key of `systems`) whose checkpoint and index LTRe reads; same seed per replicate. */
  from: z.string().min(1).default("dual-encoder"),
  retrieve: retrieveSettingsSchema,
});

/** The resolved settings of an LTRe system. */
export type LtreSystemSettings = z.output<typeof ltreSystemSettings>;

/** The settings `trainLtre` takes: the system's without the runner's fields. */
export function ltreTrainingSettings(settings: LtreSystemSettings) {
  const { kind: _kind, from: _from, retrieve: _retrieve, ...training } = settings;
  return training;
}
