export { tf } from "./tf.js";
export { initBackend, currentBackend, parseDevice } from "./init.js";
export { describeBackend } from "./describe.js";
export { BackendUnavailableError } from "./errors.js";
export { AUTO_ORDER } from "./types.js";
export type { BackendInfo, ConcreteDevice, Device, InitBackendOptions } from "./types.js";
