/**
 * Our loader + forward against PyTorch: test/fixtures/tiny-bert was produced by
 * scripts/make_bert_fixture.py (a PyTorch BERT mirroring HF modeling_bert.py, eval mode).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { loadBertEncoder, loadCrossEncoder, readCheckpoint } from "../src/checkpoint/index.js";
import { Pooler } from "../src/model/heads.js";
import { ParamScope } from "../src/model/params.js";
import { assignWeights } from "../src/checkpoint/weights.js";

const DIR = fileURLToPath(new URL("./fixtures/tiny-bert", import.meta.url));
const CE_DIR = fileURLToPath(new URL("./fixtures/tiny-bert-ce", import.meta.url));

interface Expected {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  last_hidden_state: number[][][];
  cls: number[][];
  pooler_output: number[][];
  mean_pooled: number[][];
}
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8")) as Expected;


function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(["js", "wasm"] as const)("tiny BERT vs PyTorch fixture on the %s backend", (device) => {
  it("matches last hidden states at every non-pad position, CLS and mean pooling to 1e-5", async () => {
    await initBackend({ device });
    const { encoder, report } = await loadBertEncoder(DIR);
    expect(report.ignored.sort()).toEqual(["pooler.dense.bias", "pooler.dense.weight"]);
    const inputs = {
      inputIds: tf.tensor2d(expected.input_ids, undefined, "int32"),
      attentionMask: tf.tensor2d(expected.attention_mask, undefined, "int32"),
      tokenTypeIds: tf.tensor2d(expected.token_type_ids, undefined, "int32"),
    };
    const { hidden, pooled } = encoder.forward(inputs);
    const h = (await hidden.array()) as number[][][];
    let worst = 0;
    let compared = 0;
    expected.attention_mask.forEach((row, b) =>
      row.forEach((m, s) => {
        if (m === 1) {
          worst = Math.max(worst, maxAbsDiff(h[b]![s]!, expected.last_hidden_state[b]![s]!));
          compared++;
        }
      }),
    );
    expect(compared).toBe(10 + 7 + 4);
    expect(worst).toBeLessThan(1e-5);
    expect(maxAbsDiff(await pooled.data(), expected.cls.flat())).toBeLessThan(1e-5);
    const meanEncoder = (await loadBertEncoder(DIR, { configOverrides: { pooling: "mean" } })).encoder;
    const mean = meanEncoder.encode(inputs);
    expect(maxAbsDiff(await mean.data(), expected.mean_pooled.flat())).toBeLessThan(1e-5);
    // HF's pooler (dense + tanh on CLS), loaded from the same file.
    const scope = ParamScope.root(0);
    const pooler = new Pooler(scope.child("pooler"), 32, 0.02);
    const { weights } = await readCheckpoint(DIR);
    const only = new Map([...weights.tensors].filter(([n]) => n.startsWith("pooler.")));
    assignWeights(scope.params(), only);
    expect(maxAbsDiff(await pooler.apply(pooled).data(), expected.pooler_output.flat())).toBeLessThan(1e-5);
    tf.dispose([hidden, pooled, mean, ...Object.values(inputs)]);
    encoder.dispose();
    meanEncoder.dispose();
    scope.params().forEach((p) => p.variable.dispose());
  });

  it("loads an HF BertForSequenceClassification stored as F16 with bert. prefix and gamma/beta, and matches its logits", async () => {
    await initBackend({ device });
    const ce = await loadCrossEncoder(CE_DIR);
    expect(ce.pooler).toBeDefined();
    const e = JSON.parse(readFileSync(`${CE_DIR}/expected.json`, "utf8")) as Pick<Expected, "input_ids" | "attention_mask" | "token_type_ids"> & { logits: number[] };
    const inputs = {
      inputIds: tf.tensor2d(e.input_ids, undefined, "int32"),
      attentionMask: tf.tensor2d(e.attention_mask, undefined, "int32"),
      tokenTypeIds: tf.tensor2d(e.token_type_ids, undefined, "int32"),
    };
    const scores = ce.forward(inputs);
    expect(maxAbsDiff(await scores.data(), e.logits)).toBeLessThan(1e-5);
    tf.dispose([scores, ...Object.values(inputs)]);
    ce.dispose();
  });
});
