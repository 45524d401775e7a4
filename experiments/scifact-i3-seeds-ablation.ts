/**
 * The I3 ablations the findings of experiments/README.md rest on, on BEIR SciFact over three
 * seeds (experiments/scifact-i3-seeds.ts: scifact-i3.ts with `seeds: [1, 2, 3]`): the base I3, I3 without the
 * reconstruction loss, without the interactor, with the paper's token-level interactor, and
 * both neural systems at contrastive temperature 0.25; each as mean ± sd over seeds, tested
 * against the dual-encoder and, for the variants, against the same system of the base run
 * (paired tests on per-query values averaged over seeds).
 *
 *   npx i3 sweep experiments/scifact-i3-seeds-ablation.ts
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablation-variants.js";
import seeded from "./scifact-i3-seeds.js";

const TELLING = ["no-reconstruction", "interactor=off", "interactor=tokens", "temperature=0.25"];
const telling = I3_ABLATIONS.filter((v) => TELLING.includes(v.name));

export default defineSweep(seeded, { name: "scifact-i3-seeds-ablation", includeBase: true, variants: telling });
