/**
 * LAMB against a float64 reference of `torch_optimizer.Lamb` (the I3 reference's optimizer,
 * pytorch-optimizer 0.3.0: no bias correction, trust ratio min(||p||, 10) / ||r||, eps 1e-6
 * outside the square root, L2 decay inside the ratio), plus hand-computed steps.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf } from "@i3/encoders";
import { describe, expect, it } from "vitest";
import { AdamW, Lamb, loadCheckpoint, applyCheckpoint, saveCheckpoint, train } from "../src/index.js";
import type { ParamGroupSpec } from "../src/index.js";
import { expectClose, randoms, refLambStep, refSlot } from "./reference.js";
import { useBackend } from "./setup.js";

const backend = useBackend("js");

const values = (v: tf.Variable) => Array.from(v.dataSync());
const norm = (x: readonly number[]) => Math.sqrt(x.reduce((a, y) => a + y * y, 0));

describe("Lamb", () => {
  it("first step by hand: the update has length lr * min(||p||, 10) along r = m / (sqrt(v) + eps)", () => {
    // p = [3, 4] (||p|| = 5), g = [1, -2], lr 0.1: m = 0.1 g, v = 0.001 g^2, r ~ sqrt(10) * sign(g)
    // (eps 1e-6 makes |r_1| and |r_2| differ in the 5th digit), trust = 5 / ||r||, so
    // p1 = p - 0.1 * 5 * r / ||r|| ~ [3 - 0.5 / sqrt 2, 4 + 0.5 / sqrt 2] = [2.646447, 4.353553].
    const p = tf.variable(tf.tensor1d([3, 4]));
    const opt = new Lamb([{ name: "all", params: { p }, lr: 0.1 }]);
    const g = tf.tensor1d([1, -2]);
    opt.step({ p: g });
    expectClose(values(p), [3 - 0.5 / Math.SQRT2, 4 + 0.5 / Math.SQRT2], 2e-5, 0);
    const state = opt.getState();
    expect(state.steps).toEqual({ p: 1 });
    expectClose(state.m.p!, [0.1, -0.2], 1e-7, 1e-6);
    expectClose(state.v.p!, [0.001, 0.004], 1e-9, 1e-5);
    expect(opt.groups[0]).toMatchObject({ weightDecay: 0, eps: 1e-6, betas: [0.9, 0.999] });
    tf.dispose([p, g]);
    opt.dispose();
  });

  it("clips the weight norm at 10 and uses trust ratio 1 for a zero parameter", () => {
    const big = randoms(8, 3, 20); // ||p|| well above 10
    const p = tf.variable(tf.tensor1d(big));
    const z = tf.variable(tf.zeros([3]));
    const opt = new Lamb([{ name: "all", params: { p, z }, lr: 0.01 }]);
    const gp = tf.tensor1d(randoms(8, 4, 1e-3));
    const gz = tf.tensor1d([0.5, -0.25, 2]);
    opt.step({ p: gp, z: gz });
    expect(norm(big)).toBeGreaterThan(10);
    const moved = values(p).map((x, i) => x - big[i]!);
    expect(Math.abs(norm(moved) - 0.01 * 10)).toBeLessThan(1e-6); // lr * clamp, whatever the gradient's scale
    // zero weights: trust 1, so the step is lr * r with r = 0.1 g / sqrt(0.001 g^2) ~ sqrt(10) sign(g)
    // in the first step (no bias correction; exactly 0.1 g / (sqrt(0.001) |g| + 1e-6))
    expectClose(values(z), [0.5, -0.25, 2].map((g) => (-0.01 * 0.1 * g) / (Math.sqrt(0.001) * Math.abs(g) + 1e-6)), 1e-8, 1e-5);
    tf.dispose([p, z, gp, gz]);
    opt.dispose();
  });

  for (const debias of [false, true]) {
    it(`matches the float64 torch_optimizer reference over 8 steps (two groups, weight decay, schedule${debias ? ", debias" : ""})`, () => {
      const w0 = randoms(6, 1);
      const b0 = randoms(3, 2);
      const w = tf.variable(tf.tensor2d(w0, [2, 3]));
      const b = tf.variable(tf.tensor1d(b0));
      const groups: ParamGroupSpec[] = [
        { name: "backbone", params: { w }, lr: 2e-2, weightDecay: 0.05 },
        { name: "heads", params: { b }, lr: 1e-1, betas: [0.8, 0.99] as const, eps: 1e-8 },
      ];
      const opt = new Lamb(groups, { debias });
      const rw = refSlot(w0);
      const rb = refSlot(b0);
      for (let t = 0; t < 8; t++) {
        const gw = randoms(6, 100 + t, 3);
        const gb = randoms(3, 200 + t, 0.01);
        const mult = t < 4 ? 1 : 0.5;
        const tw = tf.tensor2d(gw, [2, 3]);
        const tb = tf.tensor1d(gb);
        opt.step({ w: tw, b: tb }, mult);
        tf.dispose([tw, tb]);
        refLambStep(rw, gw, 2e-2 * mult, { wd: 0.05, debias });
        refLambStep(rb, gb, 1e-1 * mult, { beta1: 0.8, beta2: 0.99, eps: 1e-8, debias });
        expectClose(values(w), rw.p, 1e-6, 1e-5);
        expectClose(values(b), rb.p, 1e-6, 1e-5);
      }
      const s = opt.getState();
      expectClose(s.m.w!, rw.m, 1e-7, 1e-5);
      expectClose(s.v.b!, rb.v, 1e-10, 1e-5);
      tf.dispose([w, b]);
      opt.dispose();
    });
  }

  it("skips a parameter without a gradient; frees its temporaries", () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const c = tf.variable(tf.tensor1d([3, 4]));
    const opt = new Lamb([{ name: "all", params: { a, c }, lr: 0.1 }]);
    const before = tf.memory().numTensors;
    const g = tf.tensor1d([1, 1]);
    opt.step({ a: g });
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(values(c)).toEqual([3, 4]);
    expect(opt.getState().steps).toEqual({ a: 1, c: 0 });
    tf.dispose([a, c]);
    opt.dispose();
  });

  it("checkpoints record the optimizer kind; a LAMB checkpoint does not load into AdamW", () => {
    const dir = mkdtempSync(join(tmpdir(), "i3-lamb-"));
    const p = tf.variable(tf.tensor1d([1, -1]));
    const lamb = new Lamb([{ name: "all", params: { p }, lr: 0.1 }]);
    const g = tf.tensor1d([0.3, 0.1]);
    lamb.step({ p: g });
    const path = saveCheckpoint(dir, { optimizer: lamb, position: { step: 1, epoch: 0, batchIndex: 1, examplesSeen: 1 }, seed: 1, backend: "cpu" });
    const ckpt = loadCheckpoint(path);
    expect(ckpt.manifest.optimizer.kind).toBe("lamb");
    const again = new Lamb([{ name: "all", params: { p }, lr: 0.1 }]);
    applyCheckpoint(ckpt, again, path);
    expect(again.getState()).toEqual(lamb.getState());
    const adamw = new AdamW([{ name: "all", params: { p }, lr: 0.1 }]);
    expect(() => applyCheckpoint(ckpt, adamw, path)).toThrow(/holds lamb moments, this run trains with adamw/);
    tf.dispose([p, g]);
    [lamb, again, adamw].forEach((o) => o.dispose());
  });

  it("train() runs LAMB with optimizer.kind \"lamb\" (same updates as stepping Lamb by hand)", async () => {
    const run = async (useTrain: boolean) => {
      const w = tf.variable(tf.tensor1d([0.5, -1.5, 2]));
      const x = [tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, 0.5, 2])];
      const loss = (i: number) => tf.square(tf.sum(tf.mul(w, x[i]!))) as tf.Scalar;
      if (useTrain) {
        await train<number>({ groups: [{ name: "all", params: { w }, lr: 0.05 }], optimizer: { kind: "lamb" }, lossFn: (i) => loss(i), batches: () => [0, 1], epochs: 2, seed: 1, backendInfo: backend.info(), progress: "off" });
      } else {
        const opt = new Lamb([{ name: "all", params: { w }, lr: 0.05 }]);
        for (let e = 0; e < 2; e++)
          for (const i of [0, 1]) {
            const { grads } = tf.variableGrads(() => loss(i), [w]);
            opt.step({ w: Object.values(grads)[0]! });
            tf.dispose(Object.values(grads));
          }
        opt.dispose();
      }
      const out = values(w);
      tf.dispose([w, ...x]);
      return out;
    };
    expect(await run(true)).toEqual(await run(false));
  });
});
