/**
 * One raw mail message -> one passage candidate (id, subject, cleaned body), or the reason it
 * was dropped.
 */
import { CONTROL_CHARS, cleanBody } from "./clean-body.js";
import { decodeEntities, htmlToText } from "./html-to-text.js";
import { decodeEncodedWords, extractText, header, parseEntity } from "./mime.js";

/** Fewest words a cleaned body needs to become a passage. */
export const MIN_PASSAGE_WORDS = 3;

/** Why a message did not become a passage (counted in stats.json). */
export type DropReason = "no-text-part" | "empty-after-cleaning" | "too-short" | "not-text";

/** A message that became a passage candidate. */
export interface MailPassage {
  docId: string;
  /** The decoded `Subject:` header, whitespace collapsed ("" when absent). */
  subject: string;
  /** The cleaned body, one line. */
  text: string;
  /** Whether the text came from an HTML part. */
  fromHtml: boolean;
}

/** The outcome for one message. */
export type MessageOutcome = { ok: true; passage: MailPassage } | { ok: false; docId: string; reason: DropReason };

/** Parses, decodes and cleans one message. */
export function messageToPassage(docId: string, raw: Buffer): MessageOutcome {
  const entity = parseEntity(raw);
  const subject = decodeEncodedWords(header(entity.headers, "subject") ?? "")
    .replace(CONTROL_CHARS, " ")
    .replace(/\s+/g, " ")
    .trim();
  const extracted = extractText(entity, htmlToText);
  if (extracted.source === "none") return { ok: false, docId, reason: "no-text-part" };
  // Feed items and some clients put numeric character references (&#8220;) in plain text.
  const decoded = extracted.source === "plain" ? extracted.text.replace(/&#(?:[0-9]{2,7}|[xX][0-9a-fA-F]{2,6});/g, (m) => decodeEntities(m)) : extracted.text;
  const text = cleanBody(decoded);
  if (text === "") return { ok: false, docId, reason: "empty-after-cleaning" };
  const words = text.split(" ");
  if (words.length < MIN_PASSAGE_WORDS) return { ok: false, docId, reason: "too-short" };
  if (!looksLikeText(text)) return { ok: false, docId, reason: "not-text" };
  return { ok: true, passage: { docId, subject, text, fromHtml: extracted.source === "html" } };
}

/** Rejects undecoded binary or base64 residue: at least 30% of the non-space characters must be letters. */
function looksLikeText(text: string): boolean {
  const chars = text.replace(/\s/g, "");
  const letters = chars.match(/\p{L}/gu)?.length ?? 0;
  return letters >= chars.length * 0.3;
}
