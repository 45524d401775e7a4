import { evaluate, Xoshiro128 } from "@i3/metrics";
const rng = new Xoshiro128(1);
const run = new Map<string, Map<string, number>>(), qrels = new Map<string, Map<string, number>>();
const Q = Number(process.argv[2] ?? 7000);
const shuffled = process.argv[3] === "shuffle";
for (let q = 0; q < Q; q++) {
  const m = new Map<string, number>(); let s = 40;
  const ids: [string, number][] = [];
  for (let r = 0; r < 1000; r++) { ids.push([String((q * 7919 + r * 104729) % 8841823), Math.round(s * 1e4) / 1e4]); if (rng.nextFloat() < 0.9) s -= rng.nextFloat() * 0.01; }
  if (shuffled) ids.sort(() => rng.nextFloat() - 0.5);
  for (const [d, s2] of ids) m.set(d, s2);
  run.set(String(q), m);
  const j = new Map<string, number>();
  for (let k = 0; k < 4; k++) j.set(ids[Math.floor(rng.nextFloat() * 1000)]![0], rng.nextUint32() % 4);
  qrels.set(String(q), j);
}
const M = ["AP", "AP@100", "nDCG@10", "nDCG", "RR@10", "P@10", "R@100", "R@1000", "Bpref", "Judged@10"];
for (let i = 0; i < 3; i++) {
  const t = performance.now(); const c0 = process.cpuUsage();
  const ev = evaluate(qrels, run, M);
  console.log(((performance.now() - t) / 1000).toFixed(3), "s wall", (process.cpuUsage(c0).user/1e6).toFixed(3), "s cpu", ev.aggregate.get("AP")!.toFixed(6), ev.aggregate.get("nDCG")!.toFixed(6));
}
