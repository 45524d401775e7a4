/** The TensorFlow.js backend the trainers and the checkpoint loaders run on. */
import { initBackend, installFastKernels, type BackendInfo, type Device } from "@i3/encoders";

/**
 * Selects `device`'s backend (`@i3/encoders`' `initBackend`; default `auto`) and installs the
 * fast wasm kernels (a no-op on other backends).
 */
export async function startBackend(device?: Device): Promise<BackendInfo> {
  const backend = await initBackend({ device });
  installFastKernels({ log: () => {} });
  return backend;
}
