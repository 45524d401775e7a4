/**
 * loadOrtBinding: loads the installed onnxruntime-node's native session class (graphs run through
 * it in @i3/search's onnx search kernel tests and @i3/encoders' onnx GEMM kernel tests), and a
 * missing package or a binding of another layout is an error naming it.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadOrtBinding } from "../src/index.js";

describe("loadOrtBinding", () => {
  it("loads onnxruntime-node's Tensor, native session class and version through the caller's require", () => {
    const require = createRequire(import.meta.url);
    const { Tensor, InferenceSession, version } = loadOrtBinding(require);
    expect(version).toBe((require("onnxruntime-node/package.json") as { version: string }).version);
    const session = new InferenceSession();
    expect(typeof session.loadModel).toBe("function");
    expect(typeof session.run).toBe("function");
    const t = new Tensor("float32", Float32Array.from([1, 2]), [2]);
    expect([Array.from(t.data as Float32Array), t.dims]).toEqual([[1, 2], [2]]);
  });

  it("names the package that is not installed, and a binding without the synchronous session", () => {
    expect(() => loadOrtBinding(createRequire(import.meta.url), "no-such-onnxruntime")).toThrow(/no-such-onnxruntime/);
    const fake = (modules: Record<string, unknown>) => (id: string) => modules[id];
    const layout = fake({ ort: { Tensor: class {} }, "ort/package.json": { version: "9.9.9" }, "ort/dist/binding.js": { binding: {} } });
    expect(() => loadOrtBinding(layout, "ort")).toThrow("ort 9.9.9: dist/binding.js has no synchronous InferenceSession (binding layout changed)");
    const noTensor = fake({ ort: {}, "ort/package.json": { version: "9.9.9" }, "ort/dist/binding.js": {} });
    expect(() => loadOrtBinding(noTensor, "ort")).toThrow("ort 9.9.9 exports no Tensor constructor");
  });
});
