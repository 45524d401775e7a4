/** The README's examples are the files examples/quickstart.ts and compare-runs.ts, verbatim, and they run and print what the README shows. */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { expectReadmeShowsExample, expectReadmeShowsOutput } from "../../../test-support/readme-example.js";

const here = (p: string) => new URL(p, import.meta.url);

describe("README example", () => {
  it("is examples/quickstart.ts verbatim", () => {
    expectReadmeShowsExample(here("../README.md"), here("../examples/quickstart.ts"));
  });

  it("runs and prints what the README shows", async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    const log = vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(`${String(s)}\n`));
    try {
      const { summary } = await import("../examples/quickstart.js");
      expect(summary).toBe("nDCG@10 0.5904 -> 0.9532, paired t p = 0.035");
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
    expectReadmeShowsOutput(here("../README.md"), out.join(""));
  });

  it("shows examples/compare-runs.ts verbatim with what it prints", async () => {
    // The second ```ts block of the README (expectReadmeShowsExample checks the first).
    expect(readFileSync(here("../README.md"), "utf8")).toContain("```ts\n" + readFileSync(here("../examples/compare-runs.ts"), "utf8") + "```");
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(`${String(s)}\n`));
    try {
      const { table } = await import("../examples/compare-runs.js");
      expect(table.numRows()).toBe(8);
    } finally {
      log.mockRestore();
    }
    expectReadmeShowsOutput(here("../README.md"), out.join(""));
  });
});
