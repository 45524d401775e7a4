/**
 * `npm run repro` for real on one fast row: the BM25 row of the embedded default collection
 * (built offline at first use; seconds). Its commands run from the repository root as the README
 * prints them, the outputs go to a temporary folder that is removed, and the numbers match.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");

function repro(...args: string[]) {
  return spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", join(repo, "repro", "main.ts"), ...args], {
    cwd: repo,
    encoding: "utf8",
  });
}

describe("npm run repro", () => {
  it("re-runs the BM25 default-collection row: OK, exit 0, nothing left in runs/", () => {
    const leftover = join(repo, "runs", "bm25-default.trec");
    const existedBefore = existsSync(leftover);
    const r = repro("--only", "bm25-default");
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^ {6}nDCG@10 +OK \.2724$/m);
    expect(r.stdout).toMatch(/^ {6}R@100 +OK \.4311$/m);
    expect(r.stdout).toMatch(/^OK {4}bm25-default$/m);
    expect(r.stdout).toMatch(/^repro: 1 OK, 0 FAIL, 0 SKIP of 1 row$/m);
    const runsDir = /outputs in (\S+) \(removed at the end/.exec(r.stdout)?.[1];
    expect(runsDir).toBeDefined();
    expect(existsSync(runsDir!)).toBe(false);
    if (!existedBefore) expect(existsSync(leftover)).toBe(false);
  }, 180_000);

  it("exits 2 on a usage error", () => {
    const r = repro("--only", "no-such-row");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^repro: unknown row no-such-row; rows: /);
  }, 60_000);
});
