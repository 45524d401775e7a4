/** `i3 data build <dataset>`: builds a collection into the datasets folder and prints its folder. */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { defaultDatasetsDir, ensureDefaultCollection, readDefaultStats } from "@i3/data";
import { checkFolderOption } from "./options.js";

/** Flags of `i3 data build`. */
export interface DataBuildOptions {
  datasetsDir?: string;
  force?: boolean;
}

/** Builds `dataset` (only `default` is buildable; others are placed or downloaded). */
export async function dataBuildCommand(dataset: string, options: DataBuildOptions): Promise<void> {
  if (dataset !== "default") {
    throw new Error(`only "default" is built locally; "${dataset}" is placed or downloaded (see i3 bm25 --dataset ${dataset})`);
  }
  await checkFolderOption("--datasets-dir", options.datasetsDir);
  const datasetsDir = options.datasetsDir ?? defaultDatasetsDir();
  if (options.force) await rm(join(datasetsDir, "default"), { recursive: true, force: true });
  const started = Date.now();
  const dir = await ensureDefaultCollection(datasetsDir);
  const stats = await readDefaultStats(dir);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary = stats
    ? `: ${stats.passages.total} passages, ${Object.entries(stats.splits).map(([s, v]) => `${s} ${v.queries} queries`).join(", ")}`
    : "";
  process.stderr.write(`default collection ready in ${seconds}s${summary}\n`);
  process.stdout.write(`${dir}\n`);
}
