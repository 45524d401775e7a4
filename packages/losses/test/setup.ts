/** Every losses test file runs on the pure-JS cpu backend (exact float32 determinism) unless it says otherwise. */
import { initBackend } from "@i3/encoders";
import { beforeAll } from "vitest";

export function useBackend(device: "js" | "wasm" = "js"): void {
  beforeAll(async () => {
    await initBackend({ device });
  });
}
