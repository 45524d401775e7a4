/**
 * Run folders: `<runsDir>/<experiment>/<run-id>/`, run-id = `YYYYMMDD-HHMMSS-<config hash 8>`
 * (a `-2`, `-3`... suffix when taken: a run never overwrites another). `run.json` records the
 * status (`running`, `failed`, `complete`) so `--resume` can find an unfinished run.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";

/** What `run.json` holds. */
export interface RunStatus {
  experiment: string;
  runId: string;
  configHash: string;
  status: "running" | "failed" | "complete";
  startedAt: string;
  updatedAt: string;
  error?: string;
}

/** A readable UTC timestamp `YYYYMMDD-HHMMSS`. */
export function timestampId(date = new Date()): string {
  const iso = date.toISOString(); // 2026-11-22T03:45:12.345Z
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
}

/** Creates a fresh run folder (never an existing one); returns its id and path. */
export async function createRunDir(experimentDir: string, configHash: string, date = new Date()): Promise<{ runId: string; dir: string }> {
  await mkdir(experimentDir, { recursive: true });
  const base = `${timestampId(date)}-${configHash.slice(0, 8)}`;
  for (let n = 1; n < 1000; n++) {
    const runId = n === 1 ? base : `${base}-${n}`;
    const dir = join(experimentDir, runId);
    try {
      await mkdir(dir);
      return { runId, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`cannot create a run folder under ${experimentDir}: ${base}-2..999 are all taken`);
}

/** Reads `run.json` of a run folder, or undefined when absent. */
export async function readRunStatus(dir: string): Promise<RunStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunStatus;
  } catch {
    return undefined;
  }
}

/** Writes `run.json` atomically. */
export async function writeRunStatus(dir: string, status: RunStatus): Promise<void> {
  await writeFileAtomic(join(dir, "run.json"), `${JSON.stringify(status, null, 2)}\n`);
}

/** The latest unfinished run of `experimentDir` with this config hash, if any. */
export async function findResumableRun(experimentDir: string, configHash: string): Promise<{ runId: string; dir: string } | undefined> {
  let names: string[];
  try {
    names = await readdir(experimentDir);
  } catch {
    return undefined;
  }
  for (const name of names.sort().reverse()) {
    const dir = join(experimentDir, name);
    const status = await readRunStatus(dir);
    if (status && status.configHash === configHash && status.status !== "complete") return { runId: status.runId, dir };
  }
  return undefined;
}
