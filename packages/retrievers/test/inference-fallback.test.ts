/**
 * When onnxruntime-node fails to load (simulated: its import throws), `auto` logs the reason and
 * encodes on TensorFlow.js, giving `encodeTokenRows`' vectors; `onnxruntime` asked for explicitly
 * is an error that says why.
 */
import { describe, expect, it, vi } from "vitest";
import { trainWordPiece } from "@i3/data";
import { DualEncoder, CrossEncoder, encoderConfig, initBackend } from "@i3/encoders";

vi.doMock("onnxruntime-node", () => {
  throw new Error("simulated: libonnxruntime.so.1: cannot open shared object file");
});

describe("inference when onnxruntime-node does not load", () => {
  it("auto falls back to tfjs and logs why; onnxruntime is refused with the reason", async () => {
    const { encodeTokenRows, openCrossEncoderInference, openDenseInference } = await import("../src/index.js");
    await initBackend({ device: "wasm" });
    const tok = await trainWordPiece(["a passage about retrieval", "another passage about dense vectors", "what is retrieval"], { vocabSize: 200, minFrequency: 1 });
    const config = encoderConfig({ vocabSize: tok.vocabSize, hidden: 16, layers: 1, heads: 2, intermediate: 32, maxPositions: 32, pooling: "cls" });
    const de = new DualEncoder(config, { seed: 1 });
    const logged: string[] = [];
    const inference = await openDenseInference(de, tok, { log: (m) => logged.push(m) });
    expect(inference.info).toMatchObject({ requested: "auto", engine: "tfjs" });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^inference=tfjs \(backend=wasm\) requested=auto reason=\[onnxruntime-node could not be loaded: .*simulated: libonnxruntime\.so\.1/);
    const rows = ["a passage about retrieval", "what is retrieval"].map((t) => tok.encode(t, 16).ids);
    expect(await inference.encode(rows, 16, "passages")).toEqual(encodeTokenRows({ model: de, tokenizer: tok }, rows, 16, "passages"));
    await inference.dispose();
    await expect(openDenseInference(de, tok, { inference: "onnxruntime" })).rejects.toThrow(/inference "onnxruntime": onnxruntime-node could not be loaded: .*simulated/);
    const ce = new CrossEncoder(config, { seed: 1 });
    const cross = await openCrossEncoderInference(ce, tok, { maxLength: 16 });
    expect(cross.info.engine).toBe("tfjs");
    await cross.dispose();
    de.dispose();
    ce.dispose();
  });
});
