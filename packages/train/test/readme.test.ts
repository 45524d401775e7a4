import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const here = (p: string) => new URL(p, import.meta.url);
const exampleDirs = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("i3-train-example-")));

describe("README example", () => {
  it("is examples/quickstart.ts verbatim, and runs", async () => {
    const readme = readFileSync(here("../README.md"), "utf8");
    const example = readFileSync(here("../examples/quickstart.ts"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
    const before = exampleDirs();
    try {
      await import("../examples/quickstart.js"); // throws if the example does
    } finally {
      for (const d of exampleDirs()) if (!before.has(d)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
    }
  });
});
