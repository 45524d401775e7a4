/**
 * A teacher named by plain data, as a run config writes it (`teacher: { kind: "bm25" }`), and
 * the one function that loads any of them. The runner's `teacher` setting is this type.
 */
import type { Collection } from "@i3/data";
import { bm25TeacherForCollection } from "./bm25-teacher.js";
import { loadCrossEncoderTeacher } from "./cross-encoder-teacher.js";
import { onnxCrossEncoderTeacher } from "./onnx-cross-encoder-teacher.js";
import { scoreFileTeacher } from "./score-file-teacher.js";
import type { Teacher } from "./teacher.js";

/** Which teacher, with its settings (defaults as in each factory). */
export type TeacherSpec =
  | { kind: "bm25"; k1?: number; b?: number }
  | { kind: "scores"; path: string; missing?: number }
  | { kind: "onnx-cross-encoder"; modelDir: string; dtype?: "fp32" | "fp16" | "q8"; maxLength?: number; batchSize?: number; label?: number }
  | { kind: "cross-encoder"; path: string; maxLength?: number; batchSize?: number };

/** Options of {@link loadTeacher}. */
export interface LoadTeacherOptions {
  /** The collection the teacher scores: BM25 indexes its corpus; a score file's ids are checked against its ids when `checkIds` is given. */
  collection: Collection;
  /** Folder of a persisted BM25 index (`@i3/search` indexForCollection). */
  bm25IndexDir?: string;
  /** Known query and doc ids for a score file's validation. */
  checkIds?: { queryIds?: { has(id: string): boolean }; docIds?: { has(id: string): boolean } };
}

/** Loads the teacher `spec` names (see {@link TeacherSpec}); an unknown kind is an error. */
export async function loadTeacher(spec: TeacherSpec, opts: LoadTeacherOptions): Promise<Teacher> {
  switch (spec.kind) {
    case "bm25":
      return bm25TeacherForCollection(opts.collection, {
        ...(spec.k1 !== undefined ? { k1: spec.k1 } : {}),
        ...(spec.b !== undefined ? { b: spec.b } : {}),
        ...(opts.bm25IndexDir !== undefined ? { indexDir: opts.bm25IndexDir } : {}),
      });
    case "scores":
      return scoreFileTeacher(spec.path, { ...opts.checkIds, ...(spec.missing !== undefined ? { missing: spec.missing } : {}) });
    case "onnx-cross-encoder": {
      const { kind: _kind, ...rest } = spec;
      return onnxCrossEncoderTeacher(rest);
    }
    case "cross-encoder": {
      const { kind: _kind, path, ...rest } = spec;
      return loadCrossEncoderTeacher(path, rest);
    }
    default:
      throw new Error(`loadTeacher: unknown teacher kind ${JSON.stringify((spec as { kind?: unknown }).kind)} (expected bm25, scores, onnx-cross-encoder, cross-encoder)`);
  }
}
