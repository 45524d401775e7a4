/** In-memory token lookups, e.g. for queries, with the same contract as a token cache's `get`. */
import type { I3Tokenizer } from "./i3-tokenizer.js";
import type { TokenIdLookup } from "./token-cache.js";

/**
 * Tokenises every `{ id, text }` once (`[CLS] text [SEP]`, at most `maxLength` tokens) and
 * returns a {@link TokenIdLookup} that hands out copies; unknown ids throw. Duplicate ids are an
 * error. Use it for queries; use a token cache for large corpora.
 */
export function buildTokenLookup(
  tokenizer: I3Tokenizer,
  items: Iterable<{ id: string; text: string }>,
  maxLength: number,
): TokenIdLookup {
  const rows = new Map<string, Int32Array>();
  for (const { id, text } of items) {
    if (rows.has(id)) throw new Error(`buildTokenLookup: id ${JSON.stringify(id)} appears twice`);
    rows.set(id, tokenizer.encode(text, maxLength).ids);
  }
  return (id: string) => {
    const row = rows.get(id);
    if (!row) throw new Error(`buildTokenLookup: id ${JSON.stringify(id)} is unknown`);
    return row.slice();
  };
}
