/** `i3 report <dir>`: re-renders report.md and report.html of a run or sweep folder. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { writeRunReport } from "../report/run-report.js";
import { writeSweepReport } from "../report/sweep-report.js";

/** Writes the reports of `dir` (a run folder with metrics.json, or a sweep folder with sweep.json). */
export async function reportCommand(dir: string): Promise<void> {
  const isSweep = await stat(join(dir, "sweep.json")).then(
    () => true,
    () => false,
  );
  const paths = isSweep ? await writeSweepReport(dir) : await writeRunReport(dir);
  process.stdout.write(`${paths.markdown}\n${paths.html}\n`);
}
