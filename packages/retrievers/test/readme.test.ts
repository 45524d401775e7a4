import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const here = (p: string) => new URL(p, import.meta.url);

describe("README example", () => {
  it("is the repository's examples/train-dual-encoder.ts verbatim (apps/experiments/test/examples.test.ts runs it)", () => {
    const readme = readFileSync(here("../README.md"), "utf8");
    const example = readFileSync(here("../../../examples/train-dual-encoder.ts"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });
});
