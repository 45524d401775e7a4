import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const here = (p: string) => new URL(p, import.meta.url);

describe("README example", () => {
  it("is examples/quickstart.ts verbatim, and runs", async () => {
    const readme = readFileSync(here("../README.md"), "utf8");
    const example = readFileSync(here("../examples/quickstart.ts"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
    await import("../examples/quickstart.js"); // throws if the example does
  });
});
