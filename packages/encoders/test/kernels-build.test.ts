/**
 * The committed kernel binary matches a fresh AssemblyScript build of its source, and owns
 * nothing in the memory it shares with the tfjs wasm backend.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileBatchMatMul, kernelDir, renderWasmModule } from "../scripts/build-kernels.js";

/** Section ids present in a wasm binary (1 type, 2 import, 6 global, 11 data, 12 data count...). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++]!;
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    ids.push(id);
    p += size;
  }
  return ids;
}

describe("kernel build", () => {
  it("batchMatMul.wasm and batch-mat-mul-wasm.ts are up to date with batchMatMul.as", async () => {
    const fresh = await compileBatchMatMul();
    expect(Buffer.from(readFileSync(join(kernelDir, "batchMatMul.wasm"))).equals(Buffer.from(fresh))).toBe(true);
    expect(readFileSync(join(kernelDir, "batch-mat-mul-wasm.ts"), "utf8")).toBe(renderWasmModule(fresh));
  });

  it("imports only env.memory and has no globals or data segments (safe to share the backend's memory)", () => {
    const bytes = new Uint8Array(readFileSync(join(kernelDir, "batchMatMul.wasm")));
    const wasm = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] } } }).WebAssembly;
    const mod = new wasm.Module(bytes);
    expect(wasm.Module.imports(mod)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    const ids = sectionIds(bytes);
    expect(ids).toContain(10); // the code section: the parse walked the whole binary
    expect(ids).not.toContain(6);
    expect(ids).not.toContain(11);
  });
});
