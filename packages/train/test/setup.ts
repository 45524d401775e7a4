/** Test files run on the pure-JS cpu backend (bit-exact float32) unless they say otherwise. */
import { initBackend } from "@i3/encoders";
import type { BackendInfo } from "@i3/encoders";
import { beforeAll } from "vitest";

/** Selects a backend before the file's tests; `info()` returns what was selected. */
export function useBackend(device: "js" | "wasm" = "js"): { info(): BackendInfo } {
  let selected: BackendInfo | undefined;
  beforeAll(async () => {
    selected = await initBackend({ device });
  });
  return {
    info() {
      if (selected === undefined) throw new Error("backend not initialised yet");
      return selected;
    },
  };
}
