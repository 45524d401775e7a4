/** Small text helpers shared by the sources. */
import type { Passage } from "@i3/data";

/** The text a source reads: `title. text` when titled (BEIR), else `text`. */
export function sourceText(passage: Passage): string {
  return passage.title ? `${passage.title}. ${passage.text}` : passage.text;
}

/**
 * Collapses runs of whitespace (tabs and newlines included) to one space and trims, so a text
 * fits on one `generated.tsv` line.
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/** Whitespace-separated words of `text` (punctuation kept attached), as spans are sampled from. */
export function whitespaceWords(text: string): string[] {
  const t = text.trim();
  return t === "" ? [] : t.split(/\s+/u);
}
