/**
 * Mail subject normalisation: the thread key that groups a conversation, and the readable text
 * that becomes the query.
 */

const REPLY_PREFIX = /^(?:re|fw|fwd|aw|sv|antw|rv)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*:\s*/i;
const LIST_TAG = /^\[[^\]]*\]\s*/;
const TRAILING_FWD = /\s*\((?:fwd|fw)\)\s*$/i;
const TRAILING_WAS = /\s*[([]\s*was\b:?[^)\]]*[)\]]?\s*$/i;

/**
 * The readable subject: reply/forward prefixes (`Re:`, `RE[2]:`, `Fwd:`, `AW:`...), list tags
 * (`[ILUG]`) anywhere in the prefix chain, a trailing `(fwd)` and a trailing `(was: old subject)`
 * removed; whitespace collapsed; casing kept. Returns "" when nothing is left.
 */
export function normaliseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, " ").trim();
  for (;;) {
    const before = s;
    s = s.replace(REPLY_PREFIX, "").replace(LIST_TAG, "");
    s = s.replace(TRAILING_FWD, "");
    const withoutWas = s.replace(TRAILING_WAS, "");
    if (withoutWas.trim() !== "") s = withoutWas;
    s = s.trim();
    if (s === before) return s;
  }
}

/** The grouping key of a subject: `normaliseSubject`, case-folded, whitespace collapsed. */
export function threadKey(subject: string): string {
  return normaliseSubject(subject).toLowerCase().replace(/\s+/g, " ").trim();
}
