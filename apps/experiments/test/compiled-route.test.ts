/**
 * The `i3` bin runs the compiled CLI only when every workspace package's `dist/index.js` is at
 * least as new as each file of its `src/` (bin/compiled.js); otherwise it runs the sources. An
 * installed copy (inside `node_modules`) always runs its `dist/`. Checked on throwaway layouts
 * with controlled modification times.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { currentCompiledCli, isInstalled } from "../bin/compiled.js";

const root = mkdtempSync(join(tmpdir(), "i3-compiled-route-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `path` (under the temp workspace) with modification time `seconds`. */
function put(path: string, seconds: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, "");
  utimesSync(full, seconds, seconds);
}

describe("currentCompiledCli", () => {
  const app = join(root, "apps", "experiments");

  it("gives dist/cli/main.js when every package's build is as new as its sources, undefined otherwise", () => {
    put("apps/experiments/src/cli/main.ts", 100);
    put("apps/experiments/dist/index.js", 200);
    put("apps/experiments/dist/cli/main.js", 200);
    put("packages/metrics/src/deep/evaluate.ts", 150);
    put("packages/metrics/dist/index.js", 200);
    mkdirSync(join(root, "packages", "no-sources"), { recursive: true }); // not a package with sources: ignored
    expect(currentCompiledCli(app)).toBe(join(app, "dist", "cli", "main.js"));

    put("packages/metrics/src/deep/evaluate.ts", 300); // edited after the build
    expect(currentCompiledCli(app)).toBeUndefined();
    put("packages/metrics/dist/index.js", 300); // rebuilt
    expect(currentCompiledCli(app)).toBe(join(app, "dist", "cli", "main.js"));

    put("packages/data/src/index.ts", 100); // a package never built
    expect(currentCompiledCli(app)).toBeUndefined();
    put("packages/data/dist/index.js", 300);
    expect(currentCompiledCli(app)).toBeDefined();
    rmSync(join(app, "dist", "cli", "main.js"));
    expect(currentCompiledCli(app)).toBeUndefined();
  });

  it("takes an installed copy's dist/cli/main.js (inside node_modules) without looking for workspace sources", () => {
    const installed = join(root, "user", "node_modules", "@i3", "experiments");
    expect(isInstalled(installed)).toBe(true);
    expect(isInstalled(app)).toBe(false);
    put("user/node_modules/@i3/experiments/src/cli/main.ts", 300); // shipped sources, newer than dist: irrelevant once installed
    expect(currentCompiledCli(installed)).toBeUndefined(); // packed without a build
    put("user/node_modules/@i3/experiments/dist/cli/main.js", 100);
    expect(currentCompiledCli(installed)).toBe(join(installed, "dist", "cli", "main.js"));
  });
});

const compiled = currentCompiledCli();
describe.skipIf(compiled === undefined)("the compiled CLI in the workspace", () => {
  it("loads a TypeScript config through tsx (plain Node cannot import .ts)", () => {
    const config = join(root, "typed.ts");
    // Type annotations: plain Node fails on this file; loaded, its export fails the schema instead.
    writeFileSync(config, "const name: string = 'typed';\nexport default { name, dataset: 42 as number };\n");
    const bin = join(import.meta.dirname, "..", "bin", "i3.js");
    const r = spawnSync(process.execPath, [bin, "run", "--dry-run", config], { encoding: "utf8", env: { ...process.env, I3_FROM_SOURCE: "" } });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain("Unknown file extension");
    expect(r.stderr).toContain(config);
    expect(r.stderr).toContain("config error at dataset: expected string, got number 42");
  }, 120_000);
});
if (compiled === undefined) console.warn("[compiled-route.test] compiled-CLI config test skipped: run `npx nx run-many -t build` first (.ci/run does)");
