import { describe, expect, it } from "vitest";
import { constantSchedule, constantScheduleWithWarmup, linearScheduleWithWarmup, makeSchedule } from "../src/index.js";

describe("schedules (HF transformers lr_lambda)", () => {
  it("linear warm-up then linear decay to 0", () => {
    const s = linearScheduleWithWarmup({ warmupSteps: 4, totalSteps: 12 });
    // warm-up: step / 4; decay: (12 - step) / 8
    expect([0, 1, 2, 3].map(s)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(s(4)).toBe(1);
    expect(s(5)).toBe(7 / 8);
    expect(s(8)).toBe(0.5);
    expect(s(11)).toBe(1 / 8);
    expect(s(12)).toBe(0);
    expect(s(20)).toBe(0); // clamped at 0 past the end
  });

  it("linear without warm-up starts at 1; warm-up = total ends at 1 then 0", () => {
    const s = linearScheduleWithWarmup({ warmupSteps: 0, totalSteps: 4 });
    expect([0, 1, 2, 3, 4].map(s)).toEqual([1, 0.75, 0.5, 0.25, 0]);
    const w = linearScheduleWithWarmup({ warmupSteps: 2, totalSteps: 2 });
    expect([0, 1, 2, 3].map(w)).toEqual([0, 0.5, 0, 0]); // max(1, total - warmup) = 1 -> (2 - 2) / 1
  });

  it("constant and constant with warm-up", () => {
    expect([0, 1, 1000].map(constantSchedule())).toEqual([1, 1, 1]);
    const s = constantScheduleWithWarmup({ warmupSteps: 2 });
    expect([0, 1, 2, 3, 100].map(s)).toEqual([0, 0.5, 1, 1, 1]);
    expect(constantScheduleWithWarmup({ warmupSteps: 0 })(0)).toBe(1);
  });

  it("builds from a spec and rejects bad input", () => {
    expect(makeSchedule({ kind: "linear", warmupSteps: 1, totalSteps: 3 })(2)).toBe(0.5);
    expect(makeSchedule({ kind: "constant" })(5)).toBe(1);
    expect(() => makeSchedule({ kind: "cosine" } as never)).toThrow(/unknown schedule kind "cosine"/);
    expect(() => linearScheduleWithWarmup({ warmupSteps: 5, totalSteps: 3 })).toThrow(/exceeds totalSteps/);
    expect(() => linearScheduleWithWarmup({ warmupSteps: 1.5, totalSteps: 3 })).toThrow(/warmupSteps must be an integer/);
    expect(() => constantSchedule()(-1)).toThrow(/step must be an integer >= 0/);
  });
});
