/** Test helpers: a small slice of the embedded default collection, temp folders, model weights. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Collection, Qrels, Run } from "@i3/data";

/**
 * The first `n` passages of a collection, with the queries and judgments that remain on them
 * (keeps training short: the crop warm-up has one query per passage).
 */
export function firstPassages(base: Collection, n: number): Collection {
  const kept = (async () => {
    const ids = new Set<string>();
    for await (const p of base.corpus()) {
      if (ids.size === n) break;
      ids.add(p.id);
    }
    return ids;
  })();
  const qrels = async (split: string): Promise<Qrels> => {
    const ids = await kept;
    const out: Qrels = new Map();
    for (const [qid, judged] of await base.qrels(split)) {
      const left = new Map([...judged].filter(([pid]) => ids.has(pid)));
      if (left.size > 0) out.set(qid, left);
    }
    return out;
  };
  return {
    name: `${base.name}-first${n}`,
    dir: base.dir,
    splits: base.splits,
    fingerprint: async () => `${await base.fingerprint()}:first${n}`,
    async *corpus() {
      const ids = await kept;
      for await (const p of base.corpus()) if (ids.has(p.id)) yield p;
    },
    queries: async (split) => {
      const judged = await qrels(split);
      return (await base.queries(split)).filter((q) => judged.has(q.id));
    },
    qrels,
  };
}

/** A temp folder for the test file, removed after it. Call at the top level of the file. */
export function tempRoot(prefix = "i3-retrievers-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** name -> values of a model's parameters. */
export function weights(model: { namedParameters(): { name: string; variable: { dataSync(): unknown } }[] }): Map<string, number[]> {
  return new Map(model.namedParameters().map((p) => [p.name, Array.from(p.variable.dataSync() as Float32Array)]));
}

/** A run as plain nested arrays (for equality). */
export function plainRun(run: Run): [string, [string, number][]][] {
  return [...run].map(([qid, ranking]) => [qid, [...ranking]]);
}
