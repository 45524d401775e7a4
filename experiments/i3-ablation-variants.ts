/**
 * The I3 ablations (issue: the I3 retriever), one factor at a time from the base I3 config
 * (the system keyed `i3`): reconstruction loss off; the pseudo-query source (spans, learned
 * doc2query, the real training query, none = each passage's own warm-up crop then the real
 * query); the reconstructor's memory (all passage tokens instead of [CLS]); the interactor's
 * input (tokens) or no interactor; m; the reconstructor's depth; and two controls (both neural
 * systems at temperatures 0.05 and 0.25). Shared by the default-collection and SciFact sweeps.
 */
import type { SweepVariant } from "@i3/experiments";

/** Both neural systems at one contrastive temperature (a control, not an I3 switch). */
function temperature(value: number): Record<string, unknown> {
  return { "systems.dual-encoder.losses.contrastive.temperature": value, "systems.i3.losses.contrastive.temperature": value };
}

export const I3_ABLATIONS: readonly SweepVariant[] = [
  // Most telling first: a sweep cut short (and resumed with --resume) still has these.
  { name: "no-reconstruction", patch: { "systems.i3.losses.reconstruction": false } },
  { name: "interactor=off", patch: { "systems.i3.i3.interactor.enabled": false } },
  { name: "pq=crop-then-query", patch: { "systems.i3.pseudoQueries.kind": "none" } },
  { name: "pq=training-queries", patch: { "systems.i3.pseudoQueries.kind": "training-queries" } },
  { name: "memory=tokens", patch: { "systems.i3.i3.reconstructor.memory": "tokens" } },
  { name: "interactor=tokens", patch: { "systems.i3.i3.interactor.input": "tokens" } },
  { name: "pq=spans", patch: { "systems.i3.pseudoQueries.kind": "spans" } },
  { name: "slots=8", patch: { "systems.i3.i3.slots": 8 } },
  { name: "reconstructor=2", patch: { "systems.i3.i3.reconstructor.layers": 2 } },
  { name: "pq=doc2query", patch: { "systems.i3.pseudoQueries.kind": "doc2query" } },
  // Control: p* leaves a LayerNorm (norm ~ sqrt(H)) while the dual-encoder's mean-pooled vector
  // is shorter, so at temperature 1 the two train at different effective temperatures.
  { name: "temperature=0.05", patch: temperature(0.05) },
  // 1 / 4: the ratio of I3's p* norm (~11.3) to the dual-encoder's passage-vector norm (~2.8) here.
  { name: "temperature=0.25", patch: temperature(0.25) },
];
