// Run from the repository root:
//   node --conditions=@i3/source --import tsx packages/losses/examples/quickstart.ts
import { describeBackend, initBackend, tf } from "@i3/encoders";
import { contrastiveLoss, klDistillationLoss, maskedTokenCrossEntropy } from "@i3/losses";

const info = await initBackend({ device: "auto" });
console.log(describeBackend(info));

// 2 queries, each with its positive and 1 hard negative (group-major: q0+, q0-, q1+, q1-), 4-d vectors.
const queries = tf.variable(tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0]]));
const passages = tf.tensor2d([[0.9, 0.1, 0, 0], [0.5, 0, 0.5, 0], [0, 0.8, 0, 0.2], [0.1, 0.4, 0, 0]]);

const { value, grads } = tf.variableGrads(() => contrastiveLoss(queries, passages, { temperature: 0.2 }));
console.log("contrastive loss", value.dataSync()[0], "grad norm", tf.norm(grads[queries.name]!).dataSync()[0]);

// Distillation: each query's 4 candidate scores against a teacher's.
const student = tf.tensor2d([[2, 1, 0, -1], [0, 0, 1, 0]]);
const teacher = tf.tensor2d([[5, 1, 1, 0], [0, 1, 6, 0]]);
console.log("KL", klDistillationLoss(student, teacher).dataSync()[0]);

// Reconstruction: logits over a 5-token vocabulary for 3 slots; -100 = ignored slot.
const logits = tf.randomNormal([1, 3, 5], 0, 1, "float32", 42) as tf.Tensor3D;
const targets = tf.tensor2d([[4, 2, -100]], [1, 3], "int32");
console.log("masked CE", maskedTokenCrossEntropy(logits, targets).dataSync()[0]);
