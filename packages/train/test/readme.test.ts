/** The README's example is examples/quickstart.ts, verbatim, and it runs. */
import { describe, it } from "vitest";
import { expectReadmeShowsExample } from "../../../test-support/readme-example.js";

const here = (p: string) => new URL(p, import.meta.url);

describe("README example", () => {
  it("is examples/quickstart.ts verbatim, and runs", async () => {
    expectReadmeShowsExample(here("../README.md"), here("../examples/quickstart.ts"));
    await import("../examples/quickstart.js"); // throws if the example does
  });
});
