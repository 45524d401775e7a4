/** The README's example is the file examples/quickstart.ts, verbatim, and it runs. */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const exampleDirs = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("i3-core-example-")));

describe("README example", () => {
  it("is examples/quickstart.ts verbatim", () => {
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    const example = readFileSync(resolve(root, "examples/quickstart.ts"), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
  });

  it("runs and prints what the README shows", async () => {
    const before = exampleDirs();
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(`${args.map(String).join(" ")}\n`));
    try {
      const { same } = await import("../examples/quickstart.js");
      expect(same).toBe(true);
    } finally {
      log.mockRestore();
      for (const d of exampleDirs()) if (!before.has(d)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
    }
    const readme = readFileSync(resolve(root, "README.md"), "utf8");
    expect(readme).toContain("prints\n\n```\n" + out.join("") + "```");
  });
});
