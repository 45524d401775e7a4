/**
 * The benches' model-FLOP accounting for a BERT encoder (matrix products only, forward pass):
 * per token of a layer, Q/K/V/output projections 8h^2, feed-forward 4h·ff, attention scores and
 * their weighted sum 4·t·h for a sequence of t tokens.
 */
import type { EncoderConfig } from "@i3/encoders";

/** Forward FLOPs of one transformer layer over `t` tokens attending to `t` tokens. */
export function layerFlops(cfg: EncoderConfig, t: number): number {
  const h = cfg.hidden;
  return t * (8 * h * h + 4 * h * cfg.intermediate + 4 * t * h);
}

/** Forward FLOPs of one encoder pass (every layer) over `sequences` sequences of `length` tokens. */
export function encoderForwardFlops(cfg: EncoderConfig, sequences: number, length: number): number {
  return sequences * cfg.layers * layerFlops(cfg, length);
}
