/** Regression: safetensors parsed from a Node Buffer (a view into a shared pool) must decode exactly. */
import { describe, expect, it } from "vitest";
import { parseSafetensors, serializeSafetensors, toFloat32 } from "../src/checkpoint/index.js";

describe("safetensors from a Node Buffer", () => {
  it("decodes F32 tensors exactly when the bytes are a Buffer view", () => {
    const values = new Float32Array([1.5, -2.25, 3.125, 1e-7]);
    const bytes = serializeSafetensors({ w: { shape: [2, 2], data: values } });
    // Buffer.from(...) of a small array lives in Node's shared pool at a non-zero offset.
    const pooled = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(bytes)]).subarray(3);
    const parsed = parseSafetensors(pooled);
    expect([...toFloat32(parsed.tensors.get("w")!)]).toEqual([...values]);
  });
});
