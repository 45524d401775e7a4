import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonlLog, createProgress, readJsonl } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "i3-train-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeStream(isTTY = false): { stream: NodeJS.WriteStream; text(): string } {
  let out = "";
  const stream = { isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe("JsonlLog", () => {
  it("starts a fresh log, appends lines, and on resume keeps only complete lines up to the step", () => {
    const path = join(dir, "sub", "run.jsonl");
    const log = new JsonlLog(path);
    for (let step = 1; step <= 4; step++) log.write({ event: "step", step, loss: 1 / step });
    writeFileSync(path, `${readFileSync(path, "utf8")}{"event":"step","st`); // a crash mid-line
    expect(() => readJsonl(path)).toThrow(/run.jsonl:5: not JSON/);
    const resumed = new JsonlLog(path, { keepThroughStep: 2 });
    resumed.write({ event: "resume", step: 2 });
    expect(readJsonl(path).map((r) => [r.event, r.step])).toEqual([["step", 1], ["step", 2], ["resume", 2]]);
    new JsonlLog(path);
    expect(readFileSync(path, "utf8")).toBe("");
    expect(readdirSync(join(dir, "sub"))).toEqual(["run.jsonl"]); // no temp files left
  });
});

describe("progress", () => {
  const state = (step: number) => ({ step, epoch: 0, loss: 0.5, lr: 1e-3, stepsPerSec: 2, examplesPerSec: 64 });

  it("prints throttled plain lines when not on a TTY (the first update, then the last on stop)", () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress("auto", 10, { stream, intervalMs: 3_600_000 });
    for (let s = 1; s <= 10; s++) p.update(state(s));
    p.stop();
    expect(text()).toBe("step 1/10 epoch 0 loss 0.5000 lr 1.00e-3 2.00 steps/s 64.0 ex/s\nstep 10/10 epoch 0 loss 0.5000 lr 1.00e-3 2.00 steps/s 64.0 ex/s\n");
  });

  it("is silent when off", () => {
    const { stream, text } = fakeStream(true);
    const p = createProgress("off", undefined, { stream });
    p.update(state(1));
    p.stop();
    expect(text()).toBe("");
  });
});
