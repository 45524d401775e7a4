/**
 * The single TensorFlow.js import point of the toolkit.
 *
 * Every package imports `tf` from here (or, for packages that must not depend on
 * `@i3/encoders`, from `@tensorflow/tfjs-core` itself, which npm hoists to the same
 * module): kernels, backends and the engine live in one tfjs-core instance, so a tensor
 * made in one package is a tensor in every other.
 *
 * Gradients: tfjs-core's Node bundle registers no gradient functions (`tf.grad` of
 * `tf.mean` fails with "gradient function not found for Mean"); they are registered, in
 * tfjs' global gradient registry, by the `@tensorflow/tfjs` umbrella package, imported
 * here for that side effect (it is also what `@tensorflow/tfjs-node` loads). Cost: ~0.7 s
 * of import time, once per process.
 */
import "@tensorflow/tfjs";

export * as tf from "@tensorflow/tfjs-core";
