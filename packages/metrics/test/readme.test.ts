/** The README's example is the file examples/quickstart.ts, verbatim, and it runs and prints what the README shows. */
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
});
