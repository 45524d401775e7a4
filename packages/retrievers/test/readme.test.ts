/** The README's example is the repository's examples/train-dual-encoder.ts, verbatim. */
import { describe, it } from "vitest";
import { expectReadmeShowsExample } from "../../../test-support/readme-example.js";

const here = (p: string) => new URL(p, import.meta.url);

describe("README example", () => {
  it("is the repository's examples/train-dual-encoder.ts verbatim (apps/experiments/test/examples.test.ts runs it)", () => {
    expectReadmeShowsExample(here("../README.md"), here("../../../examples/train-dual-encoder.ts"));
  });
});
