import { describe, it } from "vitest";
import { checkExactResume } from "./resume-case.js";
import { useBackend } from "./setup.js";

const backend = useBackend("js");

describe("exact resume on the js backend", () => {
  it("2N steps = N steps + resume + N steps (identical losses, bitwise-identical weights)", async () => {
    await checkExactResume(backend.info());
  });

  it("also when the first half ends exactly at an epoch end not yet detected (24 examples: 3 full steps per epoch)", async () => {
    await checkExactResume(backend.info(), { examples: 24, n: 3, position: { step: 3, epoch: 0, batchIndex: 6 } });
  });

  it("also when the first half ends with an epoch's partial last step (the position moves to the next epoch)", async () => {
    await checkExactResume(backend.info(), { examples: 26, n: 4, position: { step: 4, epoch: 1, batchIndex: 0 } });
  });
});
