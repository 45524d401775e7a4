import { describe, it } from "vitest";
import { checkExactResume } from "./resume-case.js";
import { useBackend } from "./setup.js";

const backend = useBackend("wasm");

describe("exact resume on the wasm backend", () => {
  it("2N steps = N steps + resume + N steps (identical losses, bitwise-identical weights)", async () => {
    await checkExactResume(backend.info());
  });
});
