/** Timing helpers shared by the benchmarks: wall and CPU seconds of a call, order statistics. */

/** Wall-clock and process CPU (user + system) seconds of one call. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** Runs `fn` once and returns its value with its wall and CPU seconds. */
export function timed<T>(fn: () => T): { value: T } & Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

/** `timed` for an async `fn` (CPU time counts this process, including work while awaiting). */
export async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T } & Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

/** The element at index floor(n / 2) of the sorted samples (the upper median for even n). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The q-quantile by the nearest-rank method: the ceil(q n)-th smallest sample. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
