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
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(`${args.map(String).join(" ")}\n`));
    try {
      const { same } = await import("../examples/quickstart.js");
      expect(same).toBe(true);
    } finally {
      log.mockRestore();
    }
    expectReadmeShowsOutput(here("../README.md"), out.join(""));
  });
});
