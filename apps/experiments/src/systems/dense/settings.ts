/**
 * The settings every dense system adds to its package's training settings: where its hard
 * negatives come from (another system of the config, by key), how the corpus is indexed and how
 * deep it retrieves.
 */
import { z } from "zod";

/** `negatives.from`: the system whose train-split run the hard negatives are mined from. */
export const negativesFromSchema = z.string().min(1).default("bm25");

/** Corpus encoding: passages per batch. */
export const indexSettingsSchema = z.strictObject({ batchSize: z.number().int().positive().default(64) }).prefault({});

/** Retrieval: documents per query. */
export const retrieveSettingsSchema = z.strictObject({ depth: z.number().int().positive().default(1000) }).prefault({});
