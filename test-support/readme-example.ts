/**
 * The README check the packages' tests share: a package README's example is a file of the
 * repository, verbatim (so the example that runs in the test is the one a reader copies), and
 * what the README says it prints is what it printed.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** Expects the first ```ts block of the README at `readme` to be the text of `example`, verbatim. */
export function expectReadmeShowsExample(readme: URL, example: URL): void {
  const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, "utf8"))?.[1];
  expect(block).toBe(readFileSync(example, "utf8"));
}

/** Expects the README at `readme` to show `printed` as the output block after the word "prints". */
export function expectReadmeShowsOutput(readme: URL, printed: string): void {
  expect(readFileSync(readme, "utf8")).toContain("prints\n\n```\n" + printed + "```");
}
