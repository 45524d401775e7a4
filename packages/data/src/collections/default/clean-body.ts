/**
 * Cleaning rules that turn a decoded mail body into a passage: quoted replies, attributions,
 * forwarded headers, PGP armour, signatures and mailing-list footers are removed, and whitespace
 * is collapsed to single spaces.
 */

/** Lines that start a mailing-list footer or an appended advert; everything from there is cut. */
const FOOTER_START = [
  /^This sf\.net email is sponsored by/i,
  /^-+ ?Yahoo! Groups Sponsor/i,
  /^To unsubscribe from this group, send an email to:/i,
  /^Your use of Yahoo! Groups is subject to/i,
  /^You have received this message because you subscribed to it/i,
  /^Irish Linux Users' Group:/i,
  /^Do You Yahoo!\?/i,
  /^Get your FREE download of MSN Explorer/i,
];

/** Lines after which the rest is a quoted earlier message (top-posting clients). */
const QUOTED_REST_START = [
  /^-{2,}\s*Original Message\s*-{2,}/i,
  /^_{5,}\s*Reply Separator\s*_{5,}/i,
  /^-{2,}\s*In [^\s@]+@[^\s,]+,.*wrote:?\s*$/i, // Yahoo! Groups "--- In list@y..., X wrote:"
];

/** An attribution line: "X wrote:", "On <date>, X writes:", "Quoting X:", "X said:", "X posted:". */
const ATTRIBUTION = /(?:\b(?:wrote|writes|said|says|posted)|^\s*quoting\b.*)\s*:\s*$/i;
/** A header-like line inside a body (attribution blocks, forwarded messages). */
const HEADER_LINE =
  /^\s*(?:from|date|sent|to|cc|bcc|subject|message-id|reply-to|organization|newsgroups|url|return-path|received|delivered-to|in-reply-to|references|mime-version|content-[a-z-]+|precedence|errors-to|sender|list-[a-z-]+|x-[a-z0-9-]+)\s*:\s/i;
/** A quoted line: `>`, supercite `GS>`, or `| ` (one to four letters of initials allowed). */
const QUOTED_LINE = /^\s*(?:[A-Za-z]{0,4}>|\|(?:\s|$))/;
/** Control characters and U+FFFD (undecodable bytes), replaced by spaces. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g;
/** A separator line made only of punctuation. */
const RULE_LINE = /^\s*[-=_~*#+.]{3,}\s*$/;

/** Options of `cleanBody`. */
export interface CleanBodyOptions {
  /** Drop text after `-----Original Message-----` style markers (default true). */
  cutQuotedRest?: boolean;
}

/**
 * Cleans a decoded mail body into one line of text. Rules, in order: PGP armour out; cut at the
 * first list footer / advert marker and at the first signature delimiter (`-- `) that follows
 * some content; cut at `-----Original Message-----` markers; drop quoted lines (`>`, `GS>`, `| `), attribution
 * lines ("X wrote:", with the "On <date>," line before it when it was wrapped), runs of two or
 * more header-like lines (`From:`, `Date:`, `URL:`...), punctuation-only rules; collapse whitespace.
 */
export function cleanBody(text: string, options: CleanBodyOptions = {}): string {
  const cutQuotedRest = options.cutQuotedRest ?? true;
  let lines = stripPgp(text.replace(/\r\n?/g, "\n")).split("\n");
  lines = cutAtFooter(lines);
  lines = cutAtSignature(lines);
  if (cutQuotedRest) lines = cutAtQuotedRest(lines);
  lines = dropQuotesAndAttributions(lines);
  lines = dropHeaderRuns(lines);
  return lines
    .filter((line) => !RULE_LINE.test(line))
    .join(" ")
    .replace(CONTROL_CHARS, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function stripPgp(text: string): string {
  return text
    .replace(/^-----BEGIN PGP SIGNATURE-----[\s\S]*?^-----END PGP SIGNATURE-----\s*$/gm, "")
    .replace(/^-----BEGIN PGP SIGNED MESSAGE-----\n(?:Hash:.*\n)?/gm, "")
    .replace(/^- (?=-)/gm, ""); // dash-escaping of clear-signed text
}

function hasContent(lines: string[], end: number): boolean {
  for (let i = 0; i < end; i++) if (/[A-Za-z0-9]/.test(lines[i]!) && !QUOTED_LINE.test(lines[i]!)) return true;
  return false;
}

/** A Mailman footer: a line of underscores followed within 3 lines by "... mailing list" or a listinfo URL. */
function isMailmanFooter(lines: string[], i: number): boolean {
  if (!/^_{20,}\s*$/.test(lines[i]!)) return false;
  const next = lines.slice(i + 1, i + 4).join("\n");
  return /mailing list|\/listinfo\b|\/mailman\//i.test(next);
}

function cutAtFooter(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if ((isMailmanFooter(lines, i) || FOOTER_START.some((re) => re.test(line))) && hasContent(lines, i)) {
      let start = i;
      while (start > 0 && (RULE_LINE.test(lines[start - 1]!) || lines[start - 1]!.trim() === "")) start--;
      return lines.slice(0, start);
    }
  }
  return lines;
}

function cutAtSignature(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    if (/^--\s?$/.test(lines[i]!) && hasContent(lines, i)) return lines.slice(0, i);
  }
  return lines;
}

function cutAtQuotedRest(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (QUOTED_REST_START.some((re) => re.test(line)) && hasContent(lines, i)) return lines.slice(0, i);
  }
  return lines;
}

function dropQuotesAndAttributions(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (QUOTED_LINE.test(line)) continue;
    if (ATTRIBUTION.test(line) && line.trim().length <= 200) {
      // A wrapped "On Tue, 3 Sep 2002, Joe\nBloggs wrote:" attribution: drop the "On ..." line too.
      const prev = out[out.length - 1];
      if (prev !== undefined && /^\s*(?:on|at|am|le|el)\s/i.test(prev) && !/[.!?]\s*$/.test(prev)) out.pop();
      continue;
    }
    out.push(line);
  }
  return out;
}

function dropHeaderRuns(lines: string[]): string[] {
  const keep = lines.map(() => true);
  for (let i = 0; i < lines.length; ) {
    let j = i;
    let headerLines = 0;
    // A run: header lines, plus indented continuation lines once the run has started.
    while (j < lines.length && (HEADER_LINE.test(lines[j]!) || (headerLines > 0 && /^[ \t]+\S/.test(lines[j]!)))) {
      if (HEADER_LINE.test(lines[j]!)) headerLines++;
      j++;
    }
    if (headerLines >= 2) for (let k = i; k < j; k++) keep[k] = false;
    i = j > i ? j : i + 1;
  }
  return lines.filter((_, i) => keep[i]);
}
