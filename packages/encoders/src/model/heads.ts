/**
 * Small heads on top of an encoder.
 * - `ScoreHead`: s = h w + b, h [B, H] -> s [B] (HF `BertForSequenceClassification.classifier`
 *   with num_labels = 1; names `classifier.weight` [1, H] in PyTorch, `classifier.bias` [1]).
 * - `Pooler`: HF `BertPooler`, p = tanh(h[:, 0] W + b) (names `pooler.dense.*`); optional,
 *   for checkpoints trained with it (BERT's NSP pooler, HF sequence classifiers).
 */
import { tf } from "../backend/tf.js";
import { Linear } from "./layers/linear.js";
import type { ParamScope } from "./params.js";

/** Linear scorer H -> 1. */
export class ScoreHead {
  readonly linear: Linear;

  /** Creates `weight` [H, 1] (truncnormal std) and `bias` [1] under `scope` (normally `classifier`). */
  constructor(scope: ParamScope, hidden: number, std: number) {
    this.linear = new Linear(scope, hidden, 1, std);
  }

  /** h [B, H] -> scores [B]. */
  apply(h: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.linear.apply(h), [-1]) as tf.Tensor1D;
  }
}

/** HF BertPooler: tanh(dense(h_cls)). */
export class Pooler {
  readonly dense: Linear;

  /** Creates `dense.weight` [H, H] and `dense.bias` under `scope` (normally `pooler`). */
  constructor(scope: ParamScope, hidden: number, std: number) {
    this.dense = new Linear(scope.child("dense"), hidden, hidden, std);
  }

  /** cls [B, H] -> [B, H]. */
  apply(cls: tf.Tensor2D): tf.Tensor2D {
    return tf.tanh(this.dense.apply(cls)) as tf.Tensor2D;
  }
}
