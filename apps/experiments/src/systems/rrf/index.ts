/**
 * System `rrf`: reciprocal rank fusion of other systems' runs (Cormack, Clarke & Büttcher,
 * SIGIR 2009; `@i3/metrics`' `rrf`): score(q, d) = sum over the fused runs of 1 / (k + rank),
 * ranks 1-based in trec_eval order, each run cut at `depth`. The usual hybrid of a lexical and a
 * dense retriever (`fuse: ["bm25", "de"]`); it trains nothing and reads only run files.
 */
import { join } from "node:path";
import { loadTrecRun, writeTrecRun } from "@i3/data";
import { rrf } from "@i3/metrics";
import { z } from "zod";
import type { SplitKey } from "../../config/run-settings.js";
import { defineStage, type RunFileOutput } from "../../runner/stage.js";
import { defineSystem, type EvaluationTarget } from "../system.js";

/** RRF settings: the systems fused (by key, at least two), k, and how deep each run counts. */
export const rrfSettings = z.strictObject({
  kind: z.literal("rrf"),
  fuse: z.array(z.string().min(1)).min(2, "fuse at least two systems"),
  /** The constant k (the paper's 60). */
  k: z.number().nonnegative().default(60),
  /** Documents of each fused run that count (default 1000), and of the fused run written. */
  depth: z.number().int().positive().default(1000),
});

/** The RRF fusion system. */
export const rrfSystem = defineSystem({
  kind: "rrf",
  role: "fusion",
  description: "reciprocal rank fusion (k = 60) of other systems' runs",
  settings: rrfSettings,
  references: (settings) => settings.fuse.map((system, i) => ({ field: `fuse.${i}`, system, roles: ["first-stage", "re-ranker", "fusion"] as const })),
  plan({ key: system, settings, runOf }) {
    const { fuse, k, depth } = settings;
    return {
      run: (split: SplitKey, target: EvaluationTarget) => {
        const inputs = Object.fromEntries(fuse.map((name) => [name, runOf(name, split, target)]));
        return defineStage({
          ref: { stage: "fuse", system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
          version: 1,
          needs: inputs,
          key: () => ({ kind: "rrf", fuse, k, depth }),
          async run(ctx): Promise<RunFileOutput> {
            const runs = await Promise.all(fuse.map((name) => loadTrecRun(join(ctx.inputs[name]!.dir, ctx.inputs[name]!.output.run))));
            const fused = rrf(runs, { k, depth });
            // Keep the top `depth` of the fused ranking (score descending, ties by doc id descending, as trec_eval).
            const cut = new Map([...fused].map(([qid, docs]) => [qid, new Map([...docs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)).slice(0, depth))]));
            await writeTrecRun(join(ctx.dir, "run.trec"), cut, { tag: `rrf-k${k}` });
            ctx.log(`fused ${fuse.join(" + ")}: ${cut.size} queries`);
            return { run: "run.trec", queries: cut.size };
          },
        });
      },
    };
  },
});
