/**
 * A small RFC 822 / MIME reader for the SpamAssassin mail: headers (unfolded, RFC 2047 words
 * decoded), multipart bodies, quoted-printable and base64 transfer encodings, and charsets.
 * It extracts the readable text of a message; it is not a general-purpose mail library.
 */

/** A header block: lower-cased field name -> values in file order. */
export type Headers = Map<string, string[]>;

/** A parsed message or MIME part: its headers and its raw (still transfer-encoded) body bytes. */
export interface MimeEntity {
  headers: Headers;
  body: Buffer;
}

/** The readable text of a message and how it was obtained. */
export interface ExtractedText {
  /** Decoded text (plain, or HTML converted to text); "" when the message has no text part. */
  text: string;
  /** `plain`, `html` (converted), or `none` (no usable text part). */
  source: "plain" | "html" | "none";
}

/** Splits raw message bytes into unfolded headers and the body (everything after the first blank line). */
export function parseEntity(raw: Buffer): MimeEntity {
  const sep = findHeaderEnd(raw);
  const headerText = raw.subarray(0, sep.headerEnd).toString("latin1");
  const body = raw.subarray(sep.bodyStart);
  return { headers: parseHeaders(headerText), body };
}

function findHeaderEnd(raw: Buffer): { headerEnd: number; bodyStart: number } {
  if (raw.length > 0 && (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a))) {
    return { headerEnd: 0, bodyStart: raw[0] === 0x0a ? 1 : 2 };
  }
  const lf = raw.indexOf("\n\n");
  const crlf = raw.indexOf("\r\n\r\n");
  if (lf < 0 && crlf < 0) return { headerEnd: raw.length, bodyStart: raw.length };
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  return { headerEnd: lf, bodyStart: lf + 2 };
}

/** Parses a header block (continuation lines unfolded). The mbox `From ` line is ignored. */
export function parseHeaders(block: string): Headers {
  const headers: Headers = new Map();
  const lines = block.split(/\r?\n/);
  let name: string | undefined;
  let value = "";
  const flush = (): void => {
    if (name === undefined) return;
    const list = headers.get(name) ?? [];
    list.push(value.trim());
    headers.set(name, list);
    name = undefined;
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && name !== undefined) {
      value += " " + line.trim();
      continue;
    }
    flush();
    const m = /^([!-9;-~]+):(.*)$/.exec(line);
    if (m) {
      name = m[1]!.toLowerCase();
      value = m[2]!;
    }
  }
  flush();
  return headers;
}

/** The first value of a header field, or undefined. */
export function header(headers: Headers, name: string): string | undefined {
  return headers.get(name.toLowerCase())?.[0];
}

/** A parsed `Content-Type`: lower-cased media type and parameters. */
export interface ContentType {
  type: string;
  params: Map<string, string>;
}

/** Parses a `Content-Type` value; a missing value means `text/plain` (RFC 2045). */
export function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (value === undefined || value.trim() === "") return { type: "text/plain", params };
  const semi = value.indexOf(";");
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of value.matchAll(re)) {
    params.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1"));
  }
  return { type: type.includes("/") ? type : "text/plain", params };
}

/** Decodes a quoted-printable body (soft line breaks removed) to bytes. */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const s = input.toString("latin1").replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(c & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Undoes a part's `Content-Transfer-Encoding` (base64, quoted-printable; others pass through). */
export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? "").trim().toLowerCase();
  if (enc === "base64") return Buffer.from(body.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (enc === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

/**
 * Decodes bytes in a declared charset. Without a (known) charset, valid UTF-8 is read as UTF-8
 * and anything else as windows-1252, the de-facto charset of unlabelled 2002 mail.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? "").trim().toLowerCase();
  if (label !== "" && label !== "us-ascii" && label !== "ascii") {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Unknown label: fall through to the heuristic.
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Decodes RFC 2047 encoded words (`=?charset?Q|B?text?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g, (_all, cs: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : decodeQuotedPrintable(Buffer.from(text.replace(/_/g, " "), "latin1"));
      return decodeCharset(bytes, cs.split("*")[0]);
    });
}

/** Splits a multipart body at its boundary lines; the preamble and epilogue are dropped. */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString("latin1");
  const delimiter = "--" + boundary;
  const lines = text.split("\n");
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.replace(/\r$/, "").trimEnd();
    if (trimmed === delimiter + "--") {
      if (current) parts.push(current);
      current = undefined;
      break;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current); // unterminated last part: keep what there is
  return parts.map((p) => Buffer.from(p.join("\n"), "latin1"));
}

/**
 * The readable text of a message or part. multipart/alternative prefers text/plain; other
 * multiparts concatenate their text parts (attachments and signatures skipped); message/rfc822
 * recurses into the enclosed message; text/html is converted with `htmlToText`.
 */
export function extractText(entity: MimeEntity, htmlToText: (html: string) => string, depth = 0): ExtractedText {
  if (depth > 8) return { text: "", source: "none" };
  const ct = parseContentType(header(entity.headers, "content-type"));
  const disposition = (header(entity.headers, "content-disposition") ?? "").toLowerCase();
  if (ct.type.startsWith("multipart/")) {
    const boundary = ct.params.get("boundary");
    if (boundary === undefined || boundary === "") return { text: "", source: "none" };
    const parts = splitMultipart(entity.body, boundary).map((p) => extractText(parseEntity(p), htmlToText, depth + 1));
    const usable = parts.filter((p) => p.source !== "none" && p.text.trim() !== "");
    if (ct.type === "multipart/alternative") {
      return usable.find((p) => p.source === "plain") ?? usable[0] ?? { text: "", source: "none" };
    }
    if (usable.length === 0) return { text: "", source: "none" };
    return {
      text: usable.map((p) => p.text).join("\n\n"),
      source: usable.some((p) => p.source === "plain") ? "plain" : "html",
    };
  }
  if (ct.type === "message/rfc822") {
    return extractText(parseEntity(decodeTransfer(entity.body, header(entity.headers, "content-transfer-encoding"))), htmlToText, depth + 1);
  }
  if (disposition.startsWith("attachment")) return { text: "", source: "none" };
  if (ct.type !== "text/plain" && ct.type !== "text/html") return { text: "", source: "none" };
  const bytes = decodeTransfer(entity.body, header(entity.headers, "content-transfer-encoding"));
  const text = decodeCharset(bytes, ct.params.get("charset"));
  if (ct.type === "text/html") return { text: htmlToText(text), source: "html" };
  if (looksLikeHtml(text)) return { text: htmlToText(text), source: "html" };
  return { text, source: "plain" };
}

/** True for text/plain bodies that are really an HTML document (common in 2002 newsletters). */
function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 2000).toLowerCase();
  return /<html[\s>]/.test(head) || (/<body[\s>]/.test(head) && /<\/(p|div|table|td)>/.test(text.toLowerCase()));
}
