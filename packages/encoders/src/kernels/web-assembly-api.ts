/**
 * Minimal typings of the WebAssembly JS API (the toolkit compiles without the DOM lib, and
 * @types/node does not declare it), and the global object itself.
 */

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

/** The parts of the global `WebAssembly` namespace used here. */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The global `WebAssembly` object. */
export const webAssembly: WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
