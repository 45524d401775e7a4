export { loadOrtBinding, type NativeOrtSession, type OrtBinding } from "./binding.js";
