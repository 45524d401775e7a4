/**
 * `defineSweep(base, { grid | variants })`: ablations of a base experiment. A grid
 * `{ "losses.contrastive.temperature": [0.05, 1], "optimizer.lr": [1e-4, 3e-5] }` expands to the
 * cartesian product; `variants: [{ name, patch }]` lists runs by hand (a patch is a nested partial
 * config or dotted paths). Each run is named `<base>--<short path>=<value>` (grid) or
 * `<base>--<variant name>`. Each grid value is validated on its own when the sweep is declared (a
 * mistyped path or a wrong type throws then, naming the grid key); each expanded run's config is
 * validated again: an invalid variant becomes a failed run of `runSweep`, which `i3 sweep` refuses
 * before running anything.
 */
import { stableHash } from "@i3/core";
import { parseExperiment } from "../config/define.js";
import { mergePatch, setPath } from "../config/patch.js";
import type { ExperimentConfig, ExperimentInput } from "../config/schema.js";

/** One hand-written variant. */
export interface SweepVariant {
  readonly name: string;
  /** Nested partial config (`{ losses: { contrastive: { temperature: 0.05 } } }`) and/or dotted paths. */
  readonly patch: Record<string, unknown>;
}

/** The sweep part of a definition. */
export interface SweepSpec {
  /** Sweep name (default: `<base name>-sweep`). */
  readonly name?: string;
  /** Dotted config path -> values. */
  readonly grid?: Record<string, readonly unknown[]>;
  readonly variants?: readonly SweepVariant[];
  /** Also run the base config itself (default false). */
  readonly includeBase?: boolean;
  /** Runs executed at once (default 1: this machine has 2 cores and stages are CPU-bound). */
  readonly concurrency?: number;
}

/** A declared sweep (the default export of a sweep config file). */
export interface SweepDefinition {
  readonly kind: "sweep";
  readonly name: string;
  readonly base: ExperimentConfig;
  readonly grid: Record<string, readonly unknown[]>;
  readonly variants: readonly SweepVariant[];
  readonly includeBase: boolean;
  readonly concurrency: number;
}

/** One expanded run: a valid config, or the config error of an invalid variant. */
export interface SweepRunSpec {
  readonly name: string;
  /** What the variant changes, for the results table. */
  readonly changes: Record<string, unknown>;
  readonly config?: ExperimentConfig;
  readonly error?: Error;
}

/** Declares a sweep over `base` (a resolved config from `defineExperiment`, or an input). */
export function defineSweep(base: ExperimentConfig | ExperimentInput, spec: SweepSpec): SweepDefinition {
  const resolved = parseExperiment(base);
  const grid = spec.grid ?? {};
  const variants = spec.variants ?? [];
  for (const [path, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) throw new Error(`sweep grid "${path}": expected a non-empty array of values`);
    checkGridPath(resolved, path, values);
  }
  if (Object.keys(grid).length === 0 && variants.length === 0 && !spec.includeBase) {
    throw new Error("sweep: give a grid, variants, or includeBase: true");
  }
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name)) throw new Error(`sweep: variant name "${v.name}" is used twice`);
    names.add(v.name);
  }
  // runs/<sweep>/ would otherwise hold the sweep's folders among the base run's own run folders.
  if (spec.name === resolved.name) {
    throw new Error(`sweep: name "${spec.name}" is the base experiment's name; give the sweep its own (default: "${resolved.name}-sweep")`);
  }
  const concurrency = spec.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`sweep: concurrency must be an integer >= 1, got ${concurrency}`);
  return {
    kind: "sweep",
    name: spec.name ?? `${resolved.name}-sweep`,
    base: resolved,
    grid,
    variants,
    includeBase: spec.includeBase ?? false,
    concurrency,
  };
}

/**
 * Validates each value of a grid path on its own against the base config, so a mistyped path
 * (`systems.bm25.k`) or a value of the wrong type fails when the sweep is declared, that is when
 * its file loads, naming the grid key, the value and the config field; not as a failed run per
 * grid point. A value valid only together with another path's value is written as `variants`.
 */
function checkGridPath(base: ExperimentConfig, path: string, values: readonly unknown[]): void {
  for (const value of values) {
    try {
      parseExperiment(setPath(base, path, value));
    } catch (error) {
      const shown = typeof value === "string" || (typeof value === "object" && value !== null) ? JSON.stringify(value) : String(value);
      throw new Error(`sweep grid "${path}", value ${shown}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** True for a value made by {@link defineSweep}. */
export function isSweepDefinition(value: unknown): value is SweepDefinition {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "sweep";
}

/** A value as it appears in a run name. */
function showInName(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string" && /^[A-Za-z0-9._+-]+$/.test(value)) return value;
  return stableHash(value).slice(0, 8);
}

/** Short names for grid paths: the last segment, or more segments when two paths would clash. */
function shortNames(paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of paths) {
    const parts = path.split(".");
    let n = 1;
    const clash = (k: number) => paths.some((p) => p !== path && p.split(".").slice(-k).join(".") === parts.slice(-k).join("."));
    while (n < parts.length && clash(n)) n++;
    out.set(path, parts.slice(-n).join("."));
  }
  return out;
}

/** Applies a variant patch: dotted keys set paths, other keys deep-merge. */
export function applyPatch(base: ExperimentConfig, patch: Record<string, unknown>): unknown {
  let out: unknown = base;
  for (const [key, value] of Object.entries(patch)) out = key.includes(".") ? setPath(out, key, value) : mergePatch(out, { [key]: value });
  return out;
}

function expandOne(base: ExperimentConfig, name: string, changes: Record<string, unknown>, patch: Record<string, unknown>): SweepRunSpec {
  try {
    const config = parseExperiment({ ...(applyPatch(base, patch) as object), name }, `sweep run ${name}`);
    return { name, changes, config };
  } catch (error) {
    return { name, changes, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Expands a sweep into its runs, in a stable order (base, grid points, variants). */
export function expandSweep(sweep: SweepDefinition): SweepRunSpec[] {
  const runs: SweepRunSpec[] = [];
  const base = sweep.base;
  if (sweep.includeBase) runs.push({ name: base.name, changes: {}, config: base });
  const paths = Object.keys(sweep.grid);
  if (paths.length > 0) {
    const short = shortNames(paths);
    let points: Record<string, unknown>[] = [{}];
    for (const path of paths) points = points.flatMap((p) => sweep.grid[path]!.map((v) => ({ ...p, [path]: v })));
    for (const point of points) {
      const name = [base.name, ...paths.map((p) => `${short.get(p)}=${showInName(point[p])}`)].join("--");
      runs.push(expandOne(base, name, point, point));
    }
  }
  for (const variant of sweep.variants) runs.push(expandOne(base, `${base.name}--${variant.name}`, variant.patch, variant.patch));
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.name)) throw new Error(`sweep ${sweep.name}: two runs are named "${run.name}"`);
    seen.add(run.name);
  }
  return runs;
}
