/**
 * The runner's distillation settings of the dense systems (no TensorFlow.js): `@i3/retrievers`'
 * `distillation` (n negatives per list) plus the teacher (`@i3/distill` TeacherSpec, or a
 * cross-encoder system of the config) and the pool depth the teacher scores, and the teacher as
 * the teacher-scores stage's key (files by content, never by path). DESIGN.md sec. 2,
 * "Distillation"; `@i3/distill` README.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { sha256File } from "@i3/core";
import { distillationSettingsSchema } from "@i3/retrievers/settings";
import { z } from "zod";

const positiveInt = z.number().int().positive();

/**
 * The teacher: `bm25` (lexical teacher, SPAR's Lambda, Chen et al. 2022; k1/b default 0.9/0.4),
 * `scores` (a `qid docid score` file; `missing` = the score of an absent pair, else an error),
 * `onnx-cross-encoder` (a transformers.js export folder, local files only), `cross-encoder`
 * (`path`: a checkpoint folder saved by `@i3/encoders` saveCrossEncoder with its tokenizer, or
 * `system`: the trained model of a `cross-encoder` system of this config). `@i3/distill` loadTeacher.
 */
export const teacherSettingsSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("bm25"), k1: z.number().nonnegative().optional(), b: z.number().min(0).max(1).optional() }),
  z.strictObject({ kind: z.literal("scores"), path: z.string().min(1), missing: z.number().optional() }),
  z.strictObject({
    kind: z.literal("onnx-cross-encoder"),
    modelDir: z.string().min(1),
    dtype: z.enum(["fp32", "fp16", "q8"]).optional(),
    maxLength: positiveInt.optional(),
    batchSize: positiveInt.optional(),
    label: z.number().int().nonnegative().optional(),
  }),
  z
    .strictObject({
      kind: z.literal("cross-encoder"),
      path: z.string().min(1).optional(),
      system: z.string().min(1).optional(),
      maxLength: positiveInt.optional(),
      batchSize: positiveInt.optional(),
    })
    .refine((t) => (t.path === undefined) !== (t.system === undefined), {
      path: ["system"],
      message: 'teacher kind "cross-encoder" needs exactly one of path (a checkpoint folder) or system (a cross-encoder system of this config)',
    }),
]);

/** The teacher setting. */
export type TeacherSettings = z.output<typeof teacherSettingsSchema>;

/**
 * `distillation` in a dense system's config: `teacher`, `negatives` (n per list; default 7, the
 * reference 127) and `depth` (the negatives the teacher scores per training query: the top
 * `depth` of the `negatives.from` system's train-split run, positives removed; default 100).
 */
export const distillationRunnerSettingsSchema = distillationSettingsSchema.safeExtend({
  teacher: teacherSettingsSchema,
  depth: positiveInt.default(100),
});

/** The resolved `distillation` setting. */
export type DistillationRunnerSettings = z.output<typeof distillationRunnerSettingsSchema>;

/** A distillation loss needs a teacher: `distillation` is required once `losses.klDistillation` or `losses.marginMse` is set. */
export function checkTeacherGiven(settings: { losses: { klDistillation?: unknown; marginMse?: unknown }; distillation?: unknown }, ctx: z.RefinementCtx): void {
  const field = settings.losses.klDistillation !== undefined ? "klDistillation" : settings.losses.marginMse !== undefined ? "marginMse" : undefined;
  if (field !== undefined && settings.distillation === undefined) {
    ctx.addIssue({ code: "custom", path: ["distillation"], message: `losses.${field} needs distillation.teacher (whose scores it distils, e.g. distillation: { teacher: { kind: "bm25" } })` });
  }
}

const exists = (p: string) => stat(p).then(() => true, () => false);

async function fileHashes(dir: string, names: readonly string[], required: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = join(dir, name);
    if (await exists(path)) out[name] = await sha256File(path);
    else if (required.includes(name)) throw new Error(`distillation.teacher: ${path} does not exist`);
  }
  return out;
}

const ONNX_FILES = { fp32: "onnx/model.onnx", fp16: "onnx/model_fp16.onnx", q8: "onnx/model_quantized.onnx" } as const;

/**
 * The teacher as the teacher-scores stage keys it: settings that change scores, files by sha256
 * (`batchSize` and paths left out). A `system` teacher keys as its kind only: the stage needs that
 * system's train stage, whose hash is in the stage's hash.
 */
export async function teacherKey(teacher: TeacherSettings): Promise<unknown> {
  switch (teacher.kind) {
    case "bm25":
      return { kind: "bm25", k1: teacher.k1 ?? 0.9, b: teacher.b ?? 0.4 };
    case "scores":
      return { kind: "scores", file: await sha256File(teacher.path), missing: teacher.missing };
    case "onnx-cross-encoder": {
      const dtype = teacher.dtype ?? "fp32";
      const files = await fileHashes(teacher.modelDir, ["config.json", "tokenizer.json", "tokenizer_config.json", ONNX_FILES[dtype]], ["config.json", ONNX_FILES[dtype]]);
      // truncation: stages cached before the teacher cut long pairs longest-first (docs/bugs-and-fixes.md) are not reused.
      return { kind: teacher.kind, files, dtype, maxLength: teacher.maxLength ?? 512, label: teacher.label ?? 0, truncation: "longest-first" };
    }
    case "cross-encoder": {
      const files =
        teacher.path !== undefined
          ? await fileHashes(teacher.path, ["config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json"], ["config.json", "model.safetensors"])
          : "trained-system";
      return { kind: teacher.kind, files, maxLength: teacher.maxLength };
    }
  }
}

/** The system a `cross-encoder` teacher names (`distillation.teacher.system`), as a config reference: a `cross-encoder` re-ranker. */
export function teacherReferences(settings: { distillation?: DistillationRunnerSettings | undefined }) {
  const teacher = settings.distillation?.teacher;
  if (teacher?.kind !== "cross-encoder" || teacher.system === undefined) return [];
  return [{ field: "distillation.teacher.system", system: teacher.system, roles: ["re-ranker"] as const, kinds: ["cross-encoder"] }];
}
