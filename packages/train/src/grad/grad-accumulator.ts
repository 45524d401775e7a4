/**
 * Gradient accumulation over micro-batches, mean semantics: after N micro-batches with
 * gradients g_1..g_N, {@link GradAccumulator.mean} returns (g_1 + ... + g_N) / N. For a loss
 * that is a mean over examples and N equal-sized micro-batches this is the gradient of the
 * full batch's mean loss, the convention of Hugging Face's Trainer (loss / accumulation steps,
 * gradients summed by `backward()`). A parameter absent from a micro-batch's gradients counts
 * as a zero gradient for that micro-batch.
 */
import { tf } from "@i3/encoders";
import type { NamedGrads } from "../optim/adamw.js";

/** Sums named gradients across micro-batches; owns its running sums. */
export class GradAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private n = 0;

  /** Micro-batches added since the last reset. */
  get count(): number {
    return this.n;
  }

  /** Adds one micro-batch's gradients and takes ownership of them (they are disposed here). */
  add(grads: NamedGrads): void {
    for (const [name, g] of Object.entries(grads)) {
      const old = this.sums.get(name);
      if (old === undefined) {
        this.sums.set(name, g);
        continue;
      }
      if (!tf.util.arraysEqual(old.shape, g.shape)) throw new Error(`gradient of "${name}" changed shape: [${old.shape.join(", ")}] then [${g.shape.join(", ")}]`);
      this.sums.set(name, tf.add(old, g));
      tf.dispose([old, g]);
    }
    this.n++;
  }

  /** The mean gradients (sum / count), owned by the caller; resets the accumulator. */
  takeMean(): Record<string, tf.Tensor> {
    if (this.n === 0) throw new Error("GradAccumulator: no gradients added");
    const n = this.n;
    const out: Record<string, tf.Tensor> = {};
    for (const [name, sum] of this.sums) {
      out[name] = n === 1 ? sum : tf.div(sum, n);
      if (n !== 1) sum.dispose();
    }
    this.sums = new Map();
    this.n = 0;
    return out;
  }

  /** Frees the running sums. */
  dispose(): void {
    tf.dispose([...this.sums.values()]);
    this.sums = new Map();
    this.n = 0;
  }
}
