/** The README's example is the file examples/quickstart.ts, verbatim, and it runs. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

describe("README example", () => {
  it("is examples/quickstart.ts verbatim", () => {
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    const example = readFileSync(resolve(root, "examples/quickstart.ts"), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
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
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    expect(readme).toContain("prints\n\n```\n" + out.join("") + "```");
  });

  it("shows examples/compare-runs.ts verbatim with what it prints", async () => {
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    const example = readFileSync(resolve(root, "examples/compare-runs.ts"), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(`${String(s)}\n`));
    try {
      const { table } = await import("../examples/compare-runs.js");
      expect(table.numRows()).toBe(8);
    } finally {
      log.mockRestore();
    }
    expect(readme).toContain("prints\n\n```\n" + out.join("") + "```");
  });
});
