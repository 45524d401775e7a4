/**
 * HTML to plain text for mail bodies: drops head/script/style/comments, turns block elements into
 * line breaks, removes the remaining tags and decodes character references.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  copy: "\u00a9",
  reg: "\u00ae",
  trade: "\u2122",
  hellip: "\u2026",
  mdash: "\u2014",
  ndash: "\u2013",
  lsquo: "\u2018",
  rsquo: "\u2019",
  ldquo: "\u201c",
  rdquo: "\u201d",
  bull: "\u2022",
  middot: "\u00b7",
  eacute: "\u00e9",
  egrave: "\u00e8",
  aacute: "\u00e1",
  agrave: "\u00e0",
  ouml: "\u00f6",
  uuml: "\u00fc",
  auml: "\u00e4",
  szlig: "\u00df",
  pound: "\u00a3",
  euro: "\u20ac",
  cent: "\u00a2",
  deg: "\u00b0",
  laquo: "\u00ab",
  raquo: "\u00bb",
};

/** Decodes numeric (`&#233;`, `&#xE9;`) and common named character references; unknown ones stay. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?/g, (all, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return " ";
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? all;
  });
}

/** Converts an HTML document or fragment to text with one line per non-empty block element. */
export function htmlToText(html: string): string {
  let s = html;
  s = s.replace(/<!--[\s\S]*?-->/g, " ");
  s = s.replace(/<(head|script|style|title|xml)\b[\s\S]*?<\/\1\s*>/gi, " ");
  s = s.replace(/<(br|p|div|tr|li|h[1-6]|table|blockquote|hr|dt|dd|pre)\b[^>]*>/gi, "\n");
  s = s.replace(/<\/(p|div|tr|li|h[1-6]|table|blockquote|pre|td|th)\s*>/gi, "\n");
  s = s.replace(/<[^>]*>/g, " ");
  s = decodeEntities(s);
  return s
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n");
}
