/**
 * GELU (Hendrycks & Gimpel 2016), the exact erf form BERT uses (HF `hidden_act: "gelu"`,
 * `torch.nn.functional.gelu` default): gelu(x) = x/2 * (1 + erf(x / sqrt(2))).
 *
 * tfjs has an `Erf` kernel (with gradient) on the cpu, wasm and node backends. The cpu
 * backend evaluates erf with Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), so gelu is within
 * ~1.5e-7 |x| of exact there; this is below float32 resolution of BERT activations.
 */
import { tf } from "../../backend/tf.js";

/** Exact GELU, elementwise. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}
