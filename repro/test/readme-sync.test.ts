/**
 * The README's "Reproduced numbers" table and repro/rows.ts say the same: per row, the same
 * commands, the same printed numbers in the same order, the same measures. A change to either
 * alone fails here.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReadmeTable, printedNumbers, readmeMismatches, splitTableLine } from "../readme-table.js";
import { REPRO_ROWS, rowListProblems } from "../rows.js";

const readmePath = resolve(import.meta.dirname, "../../README.md");
const readme = readFileSync(readmePath, "utf8");

describe("repro/rows.ts and the README table", () => {
  it("the row list is well-formed", () => {
    expect(rowListProblems(REPRO_ROWS)).toEqual([]);
    expect(REPRO_ROWS.some((r) => r.fast)).toBe(true);
  });

  it("every README row has exactly the list's commands, numbers and measures, in order", () => {
    const table = parseReadmeTable(readme);
    expect(table.length).toBeGreaterThan(0);
    expect(readmeMismatches(table, REPRO_ROWS)).toEqual([]);
  });

  it("a changed number or command in the README is reported with its line", () => {
    const edited = readme
      .replace("| .2724 / .4311 | (ours) |", "| .2725 / .4311 | (ours) |")
      .replace("runs/bm25-cranfield.trec -m nDCG@10 -m R@100`", "runs/bm25-cranfield.trec -m nDCG@10`");
    expect(edited).not.toBe(readme);
    const problems = readmeMismatches(parseReadmeTable(edited), REPRO_ROWS);
    const line = (id: string) => parseReadmeTable(readme)[REPRO_ROWS.findIndex((r) => r.id === id)]!.line;
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^README\\.md:${line("bm25-cranfield")} \\(repro row bm25-cranfield\\): command cell`)),
      expect.stringMatching(new RegExp(`^README\\.md:${line("bm25-default")} \\(repro row bm25-default\\): "ours" cell prints \\.2725 \\.4311, the list has \\.2724 \\.4311$`)),
    ]);
  });

  it("a README row missing from the list is reported", () => {
    const problems = readmeMismatches(parseReadmeTable(readme), REPRO_ROWS.slice(0, -1));
    expect(problems[0]).toMatch(/the table has \d+ rows, repro\/rows\.ts lists \d+/);
  });
});

describe("README table parsing", () => {
  it("splits cells outside code spans only", () => {
    expect(splitTableLine("| a | `x | y` | b \\| c |")).toEqual(["a", "`x | y`", "b | c"]);
  });

  it("finds printed numbers in order, not digits of other words", () => {
    expect(printedNumbers("**.6789 / .9253** (BM25 in the same run: 0.2724 / .4311, 1x128, 2026-12-04)")).toEqual([".6789", ".9253", "0.2724", ".4311"]);
  });

  it("reads a synthetic table and names the line of a bad one", () => {
    const md = ["# T", "", "## Reproduced numbers", "", "| system | measure | ours | command |", "|---|---|---:|---|", "| s | nDCG@10 / R@100 | .5 / .25 | `a && b` then `c` |", "", "## Next"].join("\n");
    const [row] = parseReadmeTable(md);
    expect(row).toMatchObject({ line: 7, commands: ["a && b", "c"], numbers: [".5", ".25"], measures: ["nDCG@10", "R@100"] });
    expect(() => parseReadmeTable(md.replace("| command |", "| cmd |"), "X.md")).toThrow('X.md:5: the table has no "command" column');
    expect(() => parseReadmeTable("# T\n", "X.md")).toThrow('X.md: no "## Reproduced numbers" section');
  });
});
