/**
 * Forward-pass context: training vs eval, and seeded dropout.
 *
 * Dropout is deterministic given (seed, step): the i-th dropout call of a forward pass uses
 * the seed `seedFromName(seed, "step:i")`, so the same (seed, step) reproduces the same masks and a new
 * step draws new ones. In eval mode (the default) dropout is the identity.
 */
import { seedFromName } from "@i3/core";
import { tf } from "../backend/tf.js";

/** Options of a model forward pass. */
export interface ForwardOptions {
  /** Training mode: dropout on. Default false (eval). */
  training?: boolean;
  /** Dropout seed (default 0). */
  seed?: number;
  /** Training step, mixed into dropout seeds so each step draws fresh masks (default 0). */
  step?: number;
}

/** Per-forward-pass state handed to every layer. */
export class RunContext {
  readonly training: boolean;
  private readonly seed: number;
  private readonly step: number;
  private calls = 0;

  constructor(opts: ForwardOptions = {}) {
    this.training = opts.training ?? false;
    this.seed = opts.seed ?? 0;
    this.step = opts.step ?? 0;
  }

  /** A context from options, or the given context itself. */
  static of(opts: ForwardOptions | RunContext | undefined): RunContext {
    return opts instanceof RunContext ? opts : new RunContext(opts);
  }

  /**
   * Inverted dropout: in training, zeroes each element with probability `rate` and scales the
   * rest by 1 / (1 - rate); in eval (or rate 0) returns `x` unchanged.
   */
  dropout<T extends tf.Tensor>(x: T, rate: number): T {
    if (!this.training || rate === 0) return x;
    const seed = seedFromName(this.seed, `${this.step}:${this.calls++}`);
    return tf.dropout(x, rate, undefined, seed) as T;
  }
}
