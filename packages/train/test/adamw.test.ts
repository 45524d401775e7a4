import { tf } from "@i3/encoders";
import { describe, expect, it } from "vitest";
import { AdamW, splitNoDecay, isNoDecayParam } from "../src/index.js";
import type { ParamGroupSpec } from "../src/index.js";
import { expectClose, randoms, refAdamWStep, refSlot } from "./reference.js";
import { useBackend } from "./setup.js";

useBackend("js");

const values = (v: tf.Variable) => Array.from(v.dataSync());

describe("AdamW", () => {
  it("first step matches a hand computation (decay first, then lr * g / (|g| + eps))", () => {
    // p = [1, -2], g = [2, 0.5], lr 0.1, wd 0.01:
    // decay: p * (1 - 0.001) = [0.999, -1.998]; m_hat = g, v_hat = g^2 -> step lr * g / (|g| + 1e-8) ~ 0.1 * sign(g)
    // p1 = [0.999 - 0.1, -1.998 - 0.1] = [0.899, -2.098]
    const p = tf.variable(tf.tensor1d([1, -2]));
    const opt = new AdamW([{ name: "all", params: { p }, lr: 0.1, weightDecay: 0.01 }]);
    const g = tf.tensor1d([2, 0.5]);
    opt.step({ p: g });
    expectClose(values(p), [0.899, -2.098], 1e-7, 0);
    // second step, same gradient: m = 0.19 * g, v = 0.001999 * g^2 -> m_hat = g, v_hat = g^2 again
    // p2 = p1 * 0.999 - 0.1 * sign(g) = [0.898101 - 0.1, -2.095902 - 0.1]
    opt.step({ p: g });
    expectClose(values(p), [0.798101, -2.195902], 1e-6, 0);
    const state = opt.getState();
    expect(state.steps).toEqual({ p: 2 });
    expectClose(state.m.p!, [0.19 * 2, 0.19 * 0.5], 1e-7, 1e-6);
    expectClose(state.v.p!, [0.001999 * 4, 0.001999 * 0.25], 1e-9, 1e-5);
    tf.dispose([p, g]);
    opt.dispose();
  });

  it("matches a float64 PyTorch AdamW reference over 8 steps with two groups and a schedule", () => {
    const w0 = randoms(6, 1);
    const b0 = randoms(3, 2);
    const w = tf.variable(tf.tensor2d(w0, [2, 3]));
    const b = tf.variable(tf.tensor1d(b0));
    const groups: ParamGroupSpec[] = [
      { name: "backbone", params: { w }, lr: 2e-2, weightDecay: 0.05 },
      { name: "heads", params: { b }, lr: 1e-1, weightDecay: 0, betas: [0.8, 0.99] as const, eps: 1e-6 },
    ];
    const opt = new AdamW(groups);
    const rw = refSlot(w0);
    const rb = refSlot(b0);
    for (let t = 0; t < 8; t++) {
      const gw = randoms(6, 100 + t, 3);
      const gb = randoms(3, 200 + t, 0.01);
      const mult = (t + 1) / 8;
      const tw = tf.tensor2d(gw, [2, 3]);
      const tb = tf.tensor1d(gb);
      opt.step({ w: tw, b: tb }, mult);
      tf.dispose([tw, tb]);
      refAdamWStep(rw, gw, 2e-2 * mult, 0.05);
      refAdamWStep(rb, gb, 1e-1 * mult, 0, 0.8, 0.99, 1e-6);
      expectClose(values(w), rw.p, 1e-6, 1e-5);
      expectClose(values(b), rb.p, 1e-6, 1e-5);
    }
    const s = opt.getState();
    expectClose(s.m.w!, rw.m, 1e-7, 1e-5);
    expectClose(s.v.w!, rw.v, 1e-9, 1e-5);
    expect(opt.lrs(0.5)).toEqual({ backbone: 1e-2, heads: 5e-2 });
    opt.dispose();
    tf.dispose([w, b]);
  });

  it("trains a linear regression like the float64 reference (gradients computed in each)", () => {
    // loss = mean over 4 rows of (x . w - y)^2, w in R^3; gradient 2/n X^T (Xw - y)
    const X = [randoms(3, 11), randoms(3, 12), randoms(3, 13), randoms(3, 14)];
    const y = randoms(4, 15, 2);
    const w0 = [0.5, -0.25, 0.125];
    const w = tf.variable(tf.tensor2d(w0, [3, 1]));
    const opt = new AdamW([{ name: "g", params: { w }, lr: 0.05, weightDecay: 0.1 }]);
    const ref = refSlot(w0);
    const xt = tf.tensor2d(X);
    const yt = tf.tensor2d(y, [4, 1]);
    for (let t = 0; t < 6; t++) {
      const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.matMul(xt, w), yt))) as tf.Scalar, [w]);
      opt.step({ w: grads[w.name]! });
      tf.dispose(Object.values(grads));
      const r = X.map((row, i) => row.reduce((a, x, j) => a + x * ref.p[j]!, 0) - y[i]!);
      const g = [0, 1, 2].map((j) => (2 / 4) * X.reduce((a, row, i) => a + row[j]! * r[i]!, 0));
      refAdamWStep(ref, g, 0.05, 0.1);
    }
    expectClose(values(w), ref.p, 1e-5, 1e-4);
    opt.dispose();
    tf.dispose([w, xt, yt]);
  });

  it("skips parameters without a gradient (no decay, no step count), like PyTorch's grad None", () => {
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const opt = new AdamW([{ name: "g", params: { a, b }, lr: 0.1, weightDecay: 0.5 }]);
    const g = tf.tensor1d([1]);
    opt.step({ a: g });
    expect(values(b)).toEqual([1]);
    expect(opt.getState().steps).toEqual({ a: 1, b: 0 });
    tf.dispose([a, b, g]);
    opt.dispose();
  });

  it("state round-trips through getState / setState", () => {
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    const q = tf.variable(tf.tensor1d([1, 2, 3]));
    const o1 = new AdamW([{ name: "g", params: { p }, lr: 0.01 }]);
    const o2 = new AdamW([{ name: "g", params: { p: q }, lr: 0.01 }]);
    const g = tf.tensor1d([0.3, -0.2, 0.1]);
    o1.step({ p: g });
    o1.step({ p: g });
    o2.setState(o1.getState());
    q.assign(p);
    o1.step({ p: g });
    o2.step({ p: g });
    expect(values(q)).toEqual(values(p));
    expect(() => o2.setState({ steps: { p: 1 }, m: {}, v: {} })).toThrow(/no m for parameter "p"/);
    tf.dispose([p, q, g]);
    o1.dispose();
    o2.dispose();
  });

  it("rejects bad groups and gradients with clear errors", () => {
    const p = tf.variable(tf.tensor1d([1, 2]));
    expect(() => new AdamW([])).toThrow(/at least one parameter group/);
    expect(() => new AdamW([{ name: "g", params: { p }, lr: -1 }])).toThrow(/lr must be a finite number >= 0/);
    expect(() => new AdamW([{ name: "g", params: { p }, lr: 1, betas: [1, 0.9] }])).toThrow(/betas/);
    expect(() => new AdamW([{ name: "g", params: {}, lr: 1 }])).toThrow(/has no parameters/);
    expect(() => new AdamW([{ name: "a", params: { p }, lr: 1 }, { name: "b", params: { x: p }, lr: 1 }])).toThrow(/also parameter "p"/);
    expect(() => new AdamW([{ name: "a", params: { p }, lr: 1 }, { name: "a", params: {}, lr: 1 }])).toThrow(/duplicate parameter group name "a"/);
    const frozen = tf.variable(tf.zeros([1]), false);
    expect(() => new AdamW([{ name: "g", params: { frozen }, lr: 1 }])).toThrow(/"frozen" is a non-trainable tf.Variable/);
    frozen.dispose();
    const opt = new AdamW([{ name: "g", params: { p }, lr: 1 }]);
    const bad = tf.tensor1d([1, 2, 3]);
    expect(() => opt.step({ p: bad })).toThrow(/shape \[3\], parameter has \[2\]/);
    expect(() => opt.step({ q: bad })).toThrow(/unknown parameter "q"/);
    opt.dispose();
    expect(() => opt.step({})).toThrow(/after dispose/);
    tf.dispose([p, bad]);
  });

  it("splits no-decay parameters (biases, LayerNorm) into their own group", () => {
    expect(isNoDecayParam("encoder.layer.0.attention.output.LayerNorm.weight")).toBe(true);
    expect(isNoDecayParam("encoder.layer.0.attention.self.query.bias")).toBe(true);
    expect(isNoDecayParam("encoder.layer.0.attention.self.query.weight")).toBe(false);
    const w = tf.variable(tf.zeros([2]));
    const bias = tf.variable(tf.zeros([2]));
    const groups = splitNoDecay({ name: "backbone", params: { "x.weight": w, "x.bias": bias }, lr: 2e-5, weightDecay: 0.01 });
    expect(groups.map((g) => [g.name, g.weightDecay, g.lr])).toEqual([
      ["backbone", 0.01, 2e-5],
      ["backbone.no_decay", 0, 2e-5],
    ]);
    tf.dispose([w, bias]);
  });
});
