/**
 * Float64 reference implementations, written directly from each loss's formula with plain
 * loops (no shared code with src/). Arrays are row-major.
 */

export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** DPR / Tevatron contrastive loss; q [B*d], p [B*g*d]. */
export function contrastiveRef(
  q: number[],
  p: number[],
  b: number,
  d: number,
  opts: { temperature?: number; inBatchNegatives?: boolean } = {},
): number {
  const g = p.length / d / b;
  const tau = opts.temperature ?? 1;
  let total = 0;
  for (let i = 0; i < b; i++) {
    const cols = opts.inBatchNegatives === false ? range(i * g, i * g + g) : range(0, b * g);
    const logits = cols.map((j) => dot(q, i * d, p, j * d, d) / tau);
    const target = dot(q, i * d, p, i * g * d, d) / tau;
    total += logSumExp(logits) - target;
  }
  return total / b;
}

/** Contrastive loss from a score matrix [B, B*g]. */
export function contrastiveScoresRef(
  s: number[],
  b: number,
  opts: { temperature?: number; inBatchNegatives?: boolean } = {},
): number {
  const p = s.length / b;
  const g = p / b;
  const tau = opts.temperature ?? 1;
  let total = 0;
  for (let i = 0; i < b; i++) {
    const cols = opts.inBatchNegatives === false ? range(i * g, i * g + g) : range(0, p);
    total += logSumExp(cols.map((j) => (s[i * p + j] as number) / tau)) - (s[i * p + i * g] as number) / tau;
  }
  return total / b;
}

/** mean softplus(neg - pos); neg has k entries per pos. */
export function pairwiseRef(pos: number[], neg: number[]): number {
  const k = neg.length / pos.length;
  let total = 0;
  for (let i = 0; i < neg.length; i++) total += softplus((neg[i] as number) - (pos[Math.floor(i / k)] as number));
  return total / neg.length;
}

/** mean ((sp - sn) - (tp - tn))^2; negatives have k entries per positive. */
export function marginMseRef(sp: number[], sn: number[], tp: number[], tn: number[]): number {
  const k = sn.length / sp.length;
  let total = 0;
  for (let i = 0; i < sn.length; i++) {
    const r = Math.floor(i / k);
    const diff = ((sp[r] as number) - (sn[i] as number)) - ((tp[r] as number) - (tn[i] as number));
    total += diff * diff;
  }
  return total / sn.length;
}

/** (1/B) sum KL(softmax(t/Tt) || softmax(s/Ts)), optional mask, optional * T^2. */
export function klRef(
  s: number[],
  t: number[],
  b: number,
  opts: { ts?: number; tt?: number; t2?: number; mask?: number[] } = {},
): number {
  const l = s.length / b;
  let total = 0;
  for (let i = 0; i < b; i++) {
    const idx = range(0, l).filter((j) => opts.mask === undefined || opts.mask[i * l + j] === 1);
    const ls = idx.map((j) => (s[i * l + j] as number) / (opts.ts ?? 1));
    const lt = idx.map((j) => (t[i * l + j] as number) / (opts.tt ?? 1));
    const zs = logSumExp(ls);
    const zt = logSumExp(lt);
    idx.forEach((_, k) => {
      const logPt = (lt[k] as number) - zt;
      const logPs = (ls[k] as number) - zs;
      total += Math.exp(logPt) * (logPt - logPs);
    });
  }
  return (total / b) * (opts.t2 ?? 1);
}

/** Mean NLL over non-ignored tokens; logits [N*V], targets [N]. */
export function maskedCeRef(logits: number[], targets: number[], v: number, ignore: number[] = [-100]): number {
  let total = 0;
  let count = 0;
  targets.forEach((y, n) => {
    if (ignore.includes(y)) return;
    const row = logits.slice(n * v, n * v + v);
    total += logSumExp(row) - (row[y] as number);
    count++;
  });
  return count === 0 ? 0 : total / count;
}

/** LTRe/ADORE: per query mean over (rel i, non-rel j) of |rr_i - rr_j| softplus(s_j - s_i); mean over queries with pairs. */
export function ltreRef(
  s: number[],
  y: number[],
  b: number,
  cut: number,
  opts: { mask?: number[]; ranks?: number[] } = {},
): number {
  const l = s.length / b;
  let total = 0;
  let queries = 0;
  for (let q = 0; q < b; q++) {
    const rr = (i: number) => {
      const r = opts.ranks === undefined ? i + 1 : (opts.ranks[q * l + i] as number);
      return r >= 1 && r <= cut ? 1 / r : 0;
    };
    const ok = (i: number) => opts.mask === undefined || opts.mask[q * l + i] === 1;
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < l; i++) {
      for (let j = 0; j < l; j++) {
        if (!ok(i) || !ok(j) || y[q * l + i] !== 1 || y[q * l + j] !== 0) continue;
        sum += Math.abs(rr(i) - rr(j)) * softplus((s[q * l + j] as number) - (s[q * l + i] as number));
        pairs++;
      }
    }
    if (pairs > 0) {
      total += sum / pairs;
      queries++;
    }
  }
  return queries === 0 ? 0 : total / queries;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

function dot(x: number[], xo: number, y: number[], yo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (x[xo + k] as number) * (y[yo + k] as number);
  return s;
}
