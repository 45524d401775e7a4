/**
 * Learning-rate schedules as pure functions: scheduler step -> multiplier of each group's base
 * lr, the `lr_lambda` of PyTorch's `LambdaLR` as built by Hugging Face `transformers`
 * (`optimization.py`: `get_linear_schedule_with_warmup`, `get_constant_schedule`,
 * `get_constant_schedule_with_warmup`).
 *
 * The step is the number of optimizer steps already taken: the first update uses
 * `schedule(0)` (so with warm-up the very first update has lr 0, as in HF's Trainer, where
 * `scheduler.step()` follows `optimizer.step()`).
 */

/** Scheduler step (optimizer steps already taken, >= 0) -> lr multiplier. */
export type LrSchedule = (step: number) => number;

function checkSteps(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new Error(`${name} must be an integer >= 0 (got ${value})`);
}

function checkStep(step: number): void {
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`schedule step must be an integer >= 0 (got ${step})`);
}

/** Constant multiplier 1 (HF `get_constant_schedule`). */
export function constantSchedule(): LrSchedule {
  return (step) => {
    checkStep(step);
    return 1;
  };
}

/**
 * Linear warm-up from 0 to 1 over `warmupSteps`, then 1 (HF
 * `get_constant_schedule_with_warmup`): step / max(1, warmupSteps) while step < warmupSteps.
 */
export function constantScheduleWithWarmup(opts: { warmupSteps: number }): LrSchedule {
  checkSteps("warmupSteps", opts.warmupSteps);
  const { warmupSteps } = opts;
  return (step) => {
    checkStep(step);
    return step < warmupSteps ? step / Math.max(1, warmupSteps) : 1;
  };
}

/**
 * Linear warm-up from 0 to 1 over `warmupSteps`, then linear decay to 0 at `totalSteps`
 * (HF `get_linear_schedule_with_warmup`):
 * step < warmup: step / max(1, warmup); else max(0, (total - step) / max(1, total - warmup)).
 */
export function linearScheduleWithWarmup(opts: { warmupSteps: number; totalSteps: number }): LrSchedule {
  checkSteps("warmupSteps", opts.warmupSteps);
  checkSteps("totalSteps", opts.totalSteps);
  const { warmupSteps, totalSteps } = opts;
  if (warmupSteps > totalSteps) throw new Error(`warmupSteps (${warmupSteps}) exceeds totalSteps (${totalSteps})`);
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}

/** A schedule described as data (for configs), built by {@link makeSchedule}. */
export type ScheduleSpec =
  | { kind: "constant" }
  | { kind: "constant_with_warmup"; warmupSteps: number }
  | { kind: "linear"; warmupSteps: number; totalSteps: number };

/** Builds a schedule from its description. */
export function makeSchedule(spec: ScheduleSpec): LrSchedule {
  switch (spec.kind) {
    case "constant":
      return constantSchedule();
    case "constant_with_warmup":
      return constantScheduleWithWarmup(spec);
    case "linear":
      return linearScheduleWithWarmup(spec);
    default:
      throw new Error(`unknown schedule kind "${(spec as { kind: unknown }).kind}" (expected constant, constant_with_warmup or linear)`);
  }
}
