/**
 * The datasets registry: one name -> one `Collection`.
 * - `default`: the embedded mail collection, built at first use into `<datasetsDir>/default`;
 * - `beir/<name>`: a BEIR dataset (e.g. `beir/scifact`, `beir/cqadupstack/android`);
 * - `msmarco-passage`: MS MARCO passage ranking (official files or BEIR layout);
 * - `local:<dir>`: any BEIR-layout folder.
 * `beir/*` and `msmarco-passage` are looked up in `<datasetsDir>` (option `datasetsDir`, env
 * `I3_DATASETS_DIR`, see paths.ts), then in the folders of env `I3_DATASETS_PATH`, nowhere else;
 * when absent they are downloaded (md5-checked) into `<datasetsDir>`, and when that fails the
 * error says which files to place where and names both variables and `local:<dir>`.
 */
import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Collection } from "../types.js";
import { BeirCollection } from "./beir-collection.js";
import { ensureDefaultCollection } from "./default/ensure-default.js";
import { BEIR_ZIP_MD5, DownloadError, beirDownload, downloadBeirDataset, downloadMsMarcoPassage, downloadsAllowed } from "./downloads.js";
import { msmarcoCorpusHelp, openMsMarcoPassage } from "./msmarco-collection.js";
import { announceCacheWrite } from "@i3/core";
import { DATASETS_DIR_HINT, DATASETS_DIR_SETTINGS, DATASETS_PATH_ENV, defaultDatasetsDir, extraDatasetRoots } from "./paths.js";

/** Options of `resolveDataset`. */
export interface ResolveDatasetOptions {
  /** Writable datasets folder (default: `defaultDatasetsDir()`). */
  datasetsDir?: string;
  /** Allow downloads of missing datasets (default true; env `I3_OFFLINE=1` also forbids them). */
  download?: boolean;
  /** Folder from which the workspace root is searched, and `local:<dir>` resolved (default: `process.cwd()`). */
  cwd?: string;
}

/** A parsed registry name. */
export type DatasetName =
  | { kind: "default" }
  | { kind: "msmarco-passage" }
  | { kind: "beir"; name: string }
  | { kind: "local"; dir: string };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses a registry name; throws on anything else, listing the accepted forms. */
export function parseDatasetName(name: string): DatasetName {
  if (name === "default") return { kind: "default" };
  if (name === "msmarco-passage") return { kind: "msmarco-passage" };
  if (name.startsWith("local:") && name.length > "local:".length) return { kind: "local", dir: name.slice("local:".length) };
  if (name.startsWith("beir/")) {
    const rest = name.slice("beir/".length);
    if (rest !== "" && rest.split("/").every((s) => SEGMENT.test(s))) return { kind: "beir", name: rest };
  }
  throw new Error(
    `unknown dataset ${JSON.stringify(name)}: use "default", "msmarco-passage", "beir/<name>" ` +
      `(e.g. beir/scifact; downloadable: ${Object.keys(BEIR_ZIP_MD5).join(", ")}) or "local:<dir>" (a BEIR-layout folder)`,
  );
}

/**
 * The folders searched for `beir/<name>` or `msmarco-passage`, in order: the first is the
 * writable `<datasetsDir>/beir/<name>` (resp. `<datasetsDir>/msmarco-passage`), where downloads go.
 * Then, for each folder R of env `I3_DATASETS_PATH`: `R/beir/<name>` and `R/<name>` (resp.
 * `R/msmarco-passage`). `default` and `local:<dir>` have no candidates.
 */
export function datasetCandidates(parsed: DatasetName, options: ResolveDatasetOptions = {}): string[] {
  const datasetsDir = path.resolve(options.datasetsDir ?? defaultDatasetsDir(options.cwd));
  const roots = extraDatasetRoots();
  if (parsed.kind === "beir") {
    const out = [path.join(datasetsDir, "beir", parsed.name)];
    for (const r of roots) out.push(path.join(r, "beir", parsed.name), path.join(r, parsed.name));
    return [...new Set(out)];
  }
  if (parsed.kind === "msmarco-passage") {
    return [...new Set([path.join(datasetsDir, "msmarco-passage"), ...roots.map((r) => path.join(r, "msmarco-passage"))])];
  }
  return [];
}

/**
 * The folder `resolveDataset` would open for `beir/<name>` or `msmarco-passage` (the first
 * candidate that exists), or undefined; nothing is opened, checked or downloaded. Tests and
 * scripts that need a real collection use it to find it (or skip, naming `I3_DATASETS_PATH`).
 */
export function datasetFolder(name: string, options: ResolveDatasetOptions = {}): string | undefined {
  return datasetCandidates(parseDatasetName(name), options).find((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
}

/** Where the registry looks, and the other ways to name a collection: appended to every "not found" error. */
export function datasetLookupHelp(datasetsDir: string): string {
  const roots = extraDatasetRoots();
  return (
    `The datasets folder is ${datasetsDir} (chosen by ${DATASETS_DIR_SETTINGS}); ` +
    `env ${DATASETS_PATH_ENV} adds read-only folders to search (${roots.length === 0 ? "unset" : `now ${roots.join(path.delimiter)}`}); ` +
    `a BEIR-layout folder anywhere else can be named as local:<dir>.`
  );
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves a registry name to a checked `Collection` (see the module comment for the names). */
export async function resolveDataset(name: string, options: ResolveDatasetOptions = {}): Promise<Collection> {
  const parsed = parseDatasetName(name);
  if (parsed.kind === "default") {
    const dir = await ensureDefaultCollection(options.datasetsDir ?? defaultDatasetsDir(options.cwd));
    return BeirCollection.open(dir, "default");
  }
  if (parsed.kind === "local") return BeirCollection.open(path.resolve(options.cwd ?? process.cwd(), parsed.dir), name);

  const datasetsDir = path.resolve(options.datasetsDir ?? defaultDatasetsDir(options.cwd));
  const candidates = datasetCandidates(parsed, { ...options, datasetsDir });
  const writable = candidates[0]!;
  const open = (dir: string): Promise<Collection> =>
    parsed.kind === "beir" ? BeirCollection.open(dir, name) : openMsMarcoPassage(dir, writable, name);

  let problem: string | undefined;
  for (const dir of candidates) {
    if (!(await isDir(dir))) continue;
    try {
      return await open(dir);
    } catch (err) {
      if (dir === writable) throw err; // the user's own folder is incomplete: never download over it
      problem = (err as Error).message;
      break;
    }
  }

  const beirSpec = parsed.kind === "beir" ? beirDownload(parsed.name.split("/")[0]!) : undefined;
  const placement =
    parsed.kind === "beir"
      ? `place the unzipped BEIR folder at ${writable} (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)` +
        (beirSpec ? `, downloadable from ${beirSpec.url}.` : ".")
      : msmarcoCorpusHelp(writable, writable);
  const where = problem ?? `${name} was not found in: ${candidates.join(", ")}.`;
  const lookup = datasetLookupHelp(datasetsDir);

  if (options.download === false) throw new Error(`${where} Downloads are off; ${placement} ${lookup}`);
  try {
    if (downloadsAllowed() && (parsed.kind !== "beir" || beirSpec !== undefined)) announceCacheWrite("datasets", datasetsDir, DATASETS_DIR_HINT);
    if (parsed.kind === "beir") {
      const [top, ...sub] = parsed.name.split("/");
      if (beirSpec === undefined) throw new DownloadError(`no public download for beir/${top}`);
      await downloadBeirDataset(top!, sub.length === 0 ? writable : path.join(datasetsDir, "beir", top!));
    } else {
      await downloadMsMarcoPassage(writable);
    }
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    const help = problem?.includes(writable) ? "" : ` To use it offline, ${placement}`;
    throw new Error(`${where} Download failed: ${err.message}.${help} ${lookup}`);
  }
  return open(writable);
}
