/**
 * Backend selection in one place: `initBackend({ device })` maps a device to a tfjs
 * backend, makes it current, and says what it did.
 *
 * | device | backend        | package                           |
 * |--------|----------------|-----------------------------------|
 * | gpu    | "tensorflow"   | @tensorflow/tfjs-node-gpu (CUDA)  |
 * | cpu    | "tensorflow"   | @tensorflow/tfjs-node             |
 * | wasm   | "wasm"         | @tensorflow/tfjs-backend-wasm     |
 * | wasm+onnxruntime | "wasm" | the same, matMuls on onnxruntime-node (opt-in) |
 * | js     | "cpu"          | @tensorflow/tfjs-backend-cpu      |
 *
 * `auto` tries gpu, cpu, wasm, js in that order and records why each better one was skipped.
 */
import { tf } from "./tf.js";
import { BackendUnavailableError, firstLine } from "./errors.js";
import { loadDevice } from "./loaders.js";
import { AUTO_ORDER } from "./types.js";
import { installMatMulRoute, removeMatMulRoute } from "./mat-mul-route.js";
import type { BackendInfo, Device, InitBackendOptions } from "./types.js";

const DEVICES: readonly Device[] = ["auto", ...AUTO_ORDER, "wasm+onnxruntime"];

/** Successful initialisations, per requested device: asking again returns the same info. */
const done = new Map<Device, BackendInfo>();
/** Initialisations run one at a time (each ends with a `tf.setBackend`). */
let queue: Promise<unknown> = Promise.resolve();
let current: BackendInfo | undefined;

async function select(device: Device, opts: InitBackendOptions): Promise<BackendInfo> {
  const cached = done.get(device);
  if (cached !== undefined) {
    if (tf.getBackend() !== cached.backend && !(await tf.setBackend(cached.backend))) {
      throw new Error(`backend "${cached.backend}" (device "${cached.device}") could not be re-selected`);
    }
    syncMatMulRoute(cached);
    current = cached;
    return cached;
  }
  const candidates = device === "auto" ? AUTO_ORDER : [device];
  const fallbackReasons: string[] = [];
  for (const candidate of candidates) {
    try {
      const loaded = await loadDevice(candidate, opts);
      await tf.ready();
      const info: BackendInfo = {
        requested: device,
        backend: tf.getBackend(),
        device: loaded.device,
        tfjsVersion: tf.version_core,
        binding: loaded.binding,
        threads: loaded.threads,
        fallbackReasons: [...fallbackReasons, ...loaded.notes],
      };
      if (loaded.simd !== undefined) info.simd = loaded.simd;
      syncMatMulRoute(info);
      done.set(device, info);
      current = info;
      return info;
    } catch (err) {
      if (device !== "auto") throw err;
      const reason = err instanceof BackendUnavailableError ? err.reason : firstLine(err);
      fallbackReasons.push(`${candidate}: ${reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${fallbackReasons.join("; ")}`);
}

/**
 * The onnxruntime matMul route is on exactly while the selected device is `wasm+onnxruntime`
 * (re-selecting a cached `wasm+onnxruntime` re-installs it; any other device removes it).
 */
function syncMatMulRoute(info: BackendInfo): void {
  if (info.device !== "wasm+onnxruntime") {
    removeMatMulRoute();
    return;
  }
  const status = installMatMulRoute();
  if (!status.installed) throw new Error(`device "wasm+onnxruntime" could not be re-selected: ${status.reason ?? "route not installed"}`);
}

/**
 * Selects and initialises the backend for `device` (default `"auto"`) and makes it current.
 * Idempotent: the same request returns the same {@link BackendInfo} (re-selecting its backend
 * if another one was made current meanwhile). An explicit device that cannot load throws a
 * {@link BackendUnavailableError} whose message says why and what to install.
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const device = opts.device ?? "auto";
  if (!DEVICES.includes(device)) {
    return Promise.reject(new Error(`unknown device "${String(device)}"; expected one of ${DEVICES.join(", ")}`));
  }
  const run = queue.then(() => select(device, opts));
  queue = run.catch(() => undefined);
  return run;
}

/** The {@link BackendInfo} of the last successful {@link initBackend}, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** Parses a device name (CLI flag, environment variable); throws on anything else. */
export function parseDevice(value: string): Device {
  const v = value.trim().toLowerCase();
  if ((DEVICES as readonly string[]).includes(v)) return v as Device;
  throw new Error(`unknown device "${value}"; expected one of ${DEVICES.join(", ")}`);
}
