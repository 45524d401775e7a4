/**
 * The notebooks run in a real Jupyter kernel (Deno's, the root devDependency `deno`), executed
 * headlessly by `jupyter nbconvert --to notebook` with an executing preprocessor (nbconvert's,
 * keeping late outputs: ../draining_execute.py) into a temp folder with a kernelspec of its own
 * (../kernel.ts). Each executed notebook must have no error output, an HTML table and
 * an SVG chart among its outputs, and the numbers it prints must be real ones. The notebooks
 * import the built packages (dist/), so they need a current build: `.ci/run` builds before the
 * tests. In CI a missing tool or a stale build fails; elsewhere these tests skip with the reason.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { datasetFolder } from "@i3/data";
import { currentCompiledCli } from "../../apps/experiments/bin/compiled.js";
import { denoExecutable, denoKernelEnv, nbconvertVersion, repoRoot } from "../kernel.js";

const notebooksDir = join(repoRoot, "notebooks");
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
const deno = denoExecutable();
const nbconvert = nbconvertVersion();
// Every package built from its current sources (the experiments app's rule for running its compiled CLI).
const built = currentCompiledCli(join(repoRoot, "apps", "experiments")) !== undefined;
const missing = [
  ...(deno === undefined ? ["deno (npm ci installs it: root devDependency)"] : []),
  ...(nbconvert === undefined ? ["jupyter nbconvert (Debian: apt-get install jupyter-nbconvert python3-ipykernel)"] : []),
  ...(built ? [] : ["a current build of the packages (npx nx run-many -t build)"]),
];
const inCi = process.env["CI"] === "true";
if (missing.length > 0 && !inCi) console.warn(`[notebooks.test] skipped, missing: ${missing.join("; ")}`);

const work = mkdtempSync(join(tmpdir(), "i3-notebooks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

/**
 * `--execute` with ./draining_execute.py's preprocessor in place of nbconvert's: it also keeps the
 * outputs Deno's kernel sends after reporting a cell idle, which plain `--execute` drops at random.
 */
const DRAINING_EXECUTE = ["--NotebookExporter.preprocessors=[\"draining_execute.DrainingExecutePreprocessor\"]", "--DrainingExecutePreprocessor.enabled=True"];

/** Executes `name` in Deno's kernel into the temp folder and returns its cells, outputs included. */
function execute(name: string): Cell[] {
  const env = denoKernelEnv(join(work, "jupyter"), deno!);
  const out = join(work, "out");
  const r = spawnSync(
    "jupyter",
    ["nbconvert", "--to", "notebook", ...DRAINING_EXECUTE, "--DrainingExecutePreprocessor.timeout=1500", "--output-dir", out, join(notebooksDir, name)],
    { cwd: notebooksDir, env: { ...env, PYTHONPATH: notebooksDir }, encoding: "utf8" },
  );
  expect(r.status, `${name}: nbconvert failed\n${r.stderr}`).toBe(0);
  return (JSON.parse(readFileSync(join(out, name), "utf8")) as { cells: Cell[] }).cells;
}

describe.skipIf(missing.length > 0 && !inCi)("notebooks executed in Deno's Jupyter kernel", () => {
  it("the environment has deno, nbconvert and a current build", () => {
    expect(missing).toEqual([]);
    expect(notebooks).toEqual(["01-evaluate-and-compare.ipynb", "02-bm25-and-dual-encoder-scifact.ipynb", "03-inspect-i3.ipynb"]);
  });

  it.each(notebooks)("%s runs without errors and shows an HTML table and an SVG chart", (name) => {
    const cells = execute(name);
    const outputs = cells.flatMap((c) => c.outputs ?? []);
    // Every Deno.jupyter.display call shows its output.
    for (const cell of cells.filter((c) => c.cell_type === "code")) {
      const calls = joined(cell.source).split("Deno.jupyter.display(").length - 1;
      const shown = (cell.outputs ?? []).filter((o) => o.output_type === "display_data").length;
      expect(shown, joined(cell.source)).toBe(calls);
    }
    const errors = outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"));
    expect(errors.map((o) => `${o.ename ?? o.name}: ${o.evalue ?? joined(o.text)}`)).toEqual([]);
    const html = outputs.map((o) => joined(o.data?.["text/html"])).filter((h) => /<table[\s>]/.test(h));
    const svg = outputs.map((o) => joined(o.data?.["image/svg+xml"])).filter((s) => /^<svg[\s\S]*<\/svg>\s*$/.test(s.trim()));
    expect(html.length, `${name}: HTML tables`).toBeGreaterThan(0);
    expect(svg.length, `${name}: SVG charts`).toBeGreaterThan(0);
    // Charts with marks drawn (a chart of NaN values renders axes only), tables with numbers.
    expect(svg.some((s) => /<path[^>]*d="M[-\d.]+,[-\d.]+/.test(s))).toBe(true);
    expect(html.join("")).toMatch(/\d\.\d{3}/);
    const printed = outputs.map((o) => joined(o.text)).join("");
    expect(printed).not.toMatch(/NaN/);
    if (name.startsWith("02-")) {
      // SciFact when the datasets path has it (CI: ../shared/datasets), else the announced fallback.
      const scifact = datasetFolder("beir/scifact") !== undefined;
      expect(printed).toMatch(scifact ? /^beir\/scifact: 300 test queries$/m : /uses the embedded default collection instead/);
    }
  });
});
