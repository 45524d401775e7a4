/**
 * The I3 ablations (issue: the I3 retriever), one factor at a time from the base I3 config:
 * reconstruction loss off; the pseudo-query source (spans, learned doc2query, the real training
 * query, none = each passage's own warm-up crop then the real query); the reconstructor's memory
 * (all passage tokens instead of [CLS]); the interactor's input (tokens) or no interactor; m;
 * the reconstructor's depth; and two controls (both systems at temperatures 0.05 and 0.25). Shared by the
 * default-collection and SciFact sweeps.
 */
import type { SweepVariant } from "@i3/experiments";

export const I3_ABLATIONS: readonly SweepVariant[] = [
  // Most telling first: a sweep cut short (and resumed with --resume) still has these.
  { name: "no-reconstruction", patch: { losses: { reconstruction: undefined } } },
  { name: "interactor=off", patch: { "i3.interactor": "off" } },
  { name: "pq=crop-then-query", patch: { "pseudoQueries.kind": "none" } },
  { name: "pq=training-queries", patch: { "pseudoQueries.kind": "training-queries" } },
  { name: "memory=tokens", patch: { "i3.memory": "tokens" } },
  { name: "interactor=tokens", patch: { "i3.interactor": "tokens" } },
  { name: "pq=spans", patch: { "pseudoQueries.kind": "spans" } },
  { name: "slots=8", patch: { "i3.slots": 8 } },
  { name: "reconstructor=2", patch: { "i3.reconstructorLayers": 2 } },
  { name: "pq=doc2query", patch: { "pseudoQueries.kind": "doc2query" } },
  // Control, not an I3 switch: both neural systems at a sharper contrastive temperature. p* leaves
  // a LayerNorm (norm ~ sqrt(H)) while the dual-encoder's mean-pooled vector is shorter, so at
  // temperature 1 the two train at different effective temperatures.
  { name: "temperature=0.05", patch: { "losses.contrastive.temperature": 0.05 } },
  // 1 / 4: the ratio of I3's p* norm (~11.3) to the dual-encoder's passage-vector norm (~2.8) here.
  { name: "temperature=0.25", patch: { "losses.contrastive.temperature": 0.25 } },
];
