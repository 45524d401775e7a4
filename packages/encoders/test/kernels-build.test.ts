/** The committed kernel binary matches a fresh AssemblyScript build of its source. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileBatchMatMul, kernelDir, renderWasmModule } from "../scripts/build-kernels.js";

describe("kernel build", () => {
  it("batchMatMul.wasm and batchMatMulWasm.ts are up to date with batchMatMul.as", async () => {
    const fresh = await compileBatchMatMul();
    expect(Buffer.from(readFileSync(join(kernelDir, "batchMatMul.wasm"))).equals(Buffer.from(fresh))).toBe(true);
    expect(readFileSync(join(kernelDir, "batchMatMulWasm.ts"), "utf8")).toBe(renderWasmModule(fresh));
  });
});
