/** What every benchmark JSON records about where it ran, and how it is written. */
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "@i3/core";

/** CPU model, core count, 1/5/15-minute load averages and Node version, now. */
export function machineInfo(): { cpu: string; cores: number; loadavg: number[]; node: string } {
  return { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadavg: loadavg(), node: process.version };
}

/** Writes `bench/out/<name>.json` atomically (pretty-printed, trailing newline); returns its path. */
export async function writeBenchJson(name: string, data: Record<string, unknown>): Promise<string> {
  const out = join(dirname(fileURLToPath(import.meta.url)), "out", `${name}.json`);
  await writeFileAtomic(out, `${JSON.stringify(data, null, 2)}\n`);
  return out;
}
