import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { tempDir, writeOutOfDomainCollection, writeTinyCollection } from "./runner-fixtures.js";

afterEach(() => vi.restoreAllMocks());

// A config outside the workspace cannot import "@i3/experiments" by name; use the source path.
const defineModule = fileURLToPath(new URL("../src/sweep/define.ts", import.meta.url));

function captureStdout(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return out;
}

describe("i3 run / i3 sweep / i3 report", () => {
  it("runs a config file given with --config, sweeps, and re-renders reports", async () => {
    const collection = await writeTinyCollection();
    const dir = await tempDir("i3-cli-");
    const runsDir = join(dir, "runs");
    const datasetsDir = join(dir, "datasets");
    const experiment = join(dir, "tiny.ts");
    await writeFile(experiment, `export default { name: "cli", dataset: ${JSON.stringify(`local:${collection}`)}, evaluation: { measures: ["nDCG@10", "AP"] } };\n`);
    const out = captureStdout();
    await buildProgram().parseAsync(["node", "i3", "run", "--config", experiment, "--runs-dir", runsDir, "--datasets-dir", datasetsDir]);
    const [runId] = await readdir(join(runsDir, "cli"));
    expect(out.join("")).toContain(join(runsDir, "cli", runId!));
    expect(out.join("")).toMatch(/\|bm25 \(baseline\)\|\s*0\.\d{4}\|/);

    await expect(buildProgram().parseAsync(["node", "i3", "sweep", experiment, "--runs-dir", runsDir])).rejects.toThrow(
      `${experiment}: declares a single experiment; use i3 run ${experiment}`,
    );

    const sweepFile = join(dir, "sweep.ts");
    await writeFile(
      sweepFile,
      `import { defineSweep } from ${JSON.stringify(defineModule)};\nimport base from "./tiny.ts";\nexport default defineSweep(base, { includeBase: true, grid: { "systems.bm25.k1": [1.5] } });\n`,
    );
    out.length = 0;
    await buildProgram().parseAsync(["node", "i3", "sweep", sweepFile, "--runs-dir", runsDir, "--datasets-dir", datasetsDir]);
    const [sweepId] = await readdir(join(runsDir, "cli-sweep"));
    const text = out.join("");
    expect(text).toContain(join(runsDir, "cli-sweep", sweepId!));
    expect(text).toContain("|cli|bm25 (baseline)|");
    expect(text).toMatch(/\|cli--k1=1\.5\|bm25( \(same-as-baseline\))?\|/);

    out.length = 0;
    await buildProgram().parseAsync(["node", "i3", "report", join(runsDir, "cli-sweep", sweepId!)]);
    expect(out.join("")).toContain(join(runsDir, "cli-sweep", sweepId!, "report.html"));

    // With an out-of-domain dataset, a table per evaluated split, each under its heading.
    const other = `local:${await writeOutOfDomainCollection()}`;
    const zeroShotFile = join(dir, "zero-shot-sweep.ts");
    await writeFile(
      zeroShotFile,
      `import { defineSweep } from ${JSON.stringify(defineModule)};\nimport base from "./tiny.ts";\nexport default defineSweep({ ...base, name: "cli-zs", outOfDomain: [${JSON.stringify(other)}] }, { grid: { "systems.bm25.k1": [1.5] } });\n`,
    );
    out.length = 0;
    await buildProgram().parseAsync(["node", "i3", "sweep", zeroShotFile, "--runs-dir", runsDir, "--datasets-dir", datasetsDir]);
    const tables = out.join("");
    expect(tables.indexOf("test split\n\n|run|system|")).toBeGreaterThan(0);
    expect(tables.indexOf(`out of domain: ${other}, test\n\n|run|system|`)).toBeGreaterThan(tables.indexOf("test split"));
  });
});
