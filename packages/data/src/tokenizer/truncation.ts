/**
 * Truncation lengths, following HF tokenizers' `truncate_encodings` (utils/truncation.rs),
 * the "longest_first" strategy of fast (Rust-backed) transformers tokenizers, right side.
 */

/**
 * Lengths `[n1, n2]` to keep of two sequences of lengths `len1`, `len2` so that
 * `n1 + n2 <= budget` (the budget excludes special tokens). Nothing is cut when both fit;
 * otherwise the longer one is cut first, down to the shorter one's length; if still too long,
 * both get `budget / 2`, the originally longer one taking the odd token (the second on a tie).
 * That is the fast (Rust) tokenizers' rule; transformers' Python `truncate_sequences` always
 * gives the odd token to the first, so the two differ when the first is not the longer.
 */
export function longestFirstLengths(len1: number, len2: number, budget: number): [number, number] {
  if (budget <= 0) return [0, 0];
  if (len1 + len2 <= budget) return [len1, len2];
  const swap = len1 > len2;
  let n1 = swap ? len2 : len1;
  let n2: number;
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}
