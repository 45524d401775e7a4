/**
 * Reading the numbers a row's commands produced: `i3 eval`'s aggregate lines on stdout
 * (trec_eval layout, `MEASURE<TAB>all<TAB>VALUE`), or a run folder's metrics.json
 * (`splits.<split>.systems.<system>.aggregate.<measure>`, the mean over seeds when the run has
 * several, and `....seeds.sd.<measure>`, their standard deviation).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** The aggregate (`all`) values of `i3 eval` output, by measure name. Throws when a measure is printed twice. */
export function parseEvalOutput(stdout: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of stdout.split(/\r?\n/)) {
    const fields = line.split("\t");
    if (fields.length !== 3 || fields[1] !== "all") continue;
    const measure = fields[0]!.trim();
    const value = Number(fields[2]);
    if (measure === "runid" || fields[2]!.trim() === "" || !Number.isFinite(value)) continue;
    if (values.has(measure)) throw new Error(`the commands printed ${measure} twice (one i3 eval per row, please)`);
    values.set(measure, value);
  }
  return values;
}

/** The part of metrics.json the comparison reads. */
interface MetricsFile {
  splits?: Record<string, { systems?: Record<string, { aggregate?: Record<string, number>; seeds?: { sd?: Record<string, number> } }> }>;
}

/** A system's values in a run: the aggregate (mean over seeds) and, with several seeds, the standard deviation, by measure. */
export interface SystemValues {
  readonly mean: Map<string, number>;
  readonly sd: Map<string, number>;
}

/** Reads `<runDir>/metrics.json` and returns each system's values on one split; errors name the file and the missing key. */
export async function readRunMetrics(runDir: string, split: string): Promise<Map<string, SystemValues>> {
  const file = join(runDir, "metrics.json");
  const metrics = JSON.parse(await readFile(file, "utf8")) as MetricsFile;
  const systems = metrics.splits?.[split]?.systems;
  if (!systems) throw new Error(`${file}: no split "${split}" (has: ${Object.keys(metrics.splits ?? {}).join(", ") || "none"})`);
  const out = new Map<string, SystemValues>();
  for (const [system, m] of Object.entries(systems)) out.set(system, { mean: new Map(Object.entries(m.aggregate ?? {})), sd: new Map(Object.entries(m.seeds?.sd ?? {})) });
  return out;
}
