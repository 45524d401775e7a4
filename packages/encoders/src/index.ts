/**
 * @i3/encoders: transformer encoders on TensorFlow.js.
 * Backend selection and the shared `tf` import point live in `./backend/`.
 */
export * from "./backend/index.js";
