/**
 * The dual-encoder system's settings: `@i3/retrievers`' training settings (one name per
 * setting, its defaults) plus the runner's: where the hard negatives come from, indexing and
 * retrieval depth.
 */
import { dualEncoderSettingsSchema } from "@i3/retrievers/settings";
import { z } from "zod";
import { checkTeacherGiven, distillationRunnerSettingsSchema } from "../dense/distillation-settings.js";
import { indexSettingsSchema, negativesFromSchema, retrieveSettingsSchema } from "../dense/settings.js";

/** The dual-encoder's settings in a config (`distillation` adds the teacher and the pool depth). */
export const dualEncoderSettings = dualEncoderSettingsSchema
  .safeExtend({
    kind: z.literal("dual-encoder"),
    negatives: dualEncoderSettingsSchema.shape.negatives.unwrap().safeExtend({ from: negativesFromSchema }).prefault({}),
    index: indexSettingsSchema,
    retrieve: retrieveSettingsSchema,
    distillation: distillationRunnerSettingsSchema.optional(),
  })
  .superRefine(checkTeacherGiven);

/** The resolved settings of a dual-encoder system. */
export type DualEncoderSystemSettings = z.output<typeof dualEncoderSettings>;
