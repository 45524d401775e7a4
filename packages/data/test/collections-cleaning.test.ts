/**
 * The default collection's text pipeline, against hand-checked expectations: subject
 * normalisation, MIME decoding, quote/attribution/signature/footer stripping, and real sample
 * messages of the source package.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  assignSplit,
  cleanBody,
  decodeEntities,
  htmlToText,
  locateSource,
  messageToPassage,
  normaliseSubject,
  stableUnitHash,
  threadKey,
} from "@i3/data";

const mail = (headers: string, body: string): Buffer => Buffer.from(`${headers}\n\n${body}`, "latin1");

describe("subject normalisation", () => {
  it.each([
    ["Re: New Sequences Window", "New Sequences Window"],
    ["RE: Re: FW: Fwd: hello   world", "hello world"],
    ["Re[2]: Selling Wedded Bliss (was Re: Ouch...)", "Selling Wedded Bliss"],
    ["Re: [ILUG-Social] Re: [ILUG] Fwd: Linux Beer Hike", "Linux Beer Hike"],
    ["[Spambayes] test sets?", "test sets?"],
    ["A moment of silence for the First Amendment (fwd)", "A moment of silence for the First Amendment"],
    ["[ILUG] Sparc Solaris (was: Dell GX260 V Redhat 7.3)", "Sparc Solaris"],
    ["AW: Sv: Antw: Termin", "Termin"],
    ["Re:", ""],
    ["(was: only an old subject)", "(was: only an old subject)"],
  ])("%j -> %j", (raw, want) => {
    expect(normaliseSubject(raw)).toBe(want);
  });

  it("groups case and spacing variants under one key, keeps readable casing in the text", () => {
    expect(threadKey("Re: [SAtalk]  Forged WHITELIST spam")).toBe("forged whitelist spam");
    expect(threadKey("forged whitelist  spam")).toBe(threadKey("RE: Forged Whitelist Spam"));
    expect(normaliseSubject("Re: [SAtalk]  Forged WHITELIST spam")).toBe("Forged WHITELIST spam");
  });
});

describe("cleanBody", () => {
  it("drops quoted lines, attributions (also wrapped ones) and the signature", () => {
    const body = [
      "On Wed, 21 Aug 2002 10:54:46 -0500, Chris",
      "Garrigues wrote:",
      "> I can't reproduce this error.",
      "> > Nested quote.",
      "GS> supercite quote",
      "For me it is very",
      "repeatable.",
      "",
      "-- ",
      "Robert Elz  kre@munnari.OZ.AU",
    ].join("\n");
    expect(cleanBody(body)).toBe("For me it is very repeatable.");
  });

  it("cuts Mailman, SourceForge and Yahoo! Groups footers but keeps decorative underscore rules", () => {
    const mailman = "Real content here.\n\n_______________________________________________\nExmh-workers mailing list\nExmh-workers@redhat.com\nhttps://listman.redhat.com/mailman/listinfo/exmh-workers\n";
    expect(cleanBody(mailman)).toBe("Real content here.");
    const sf = "Text.\n\n-------------------------------------------------------\nThis sf.net email is sponsored by:ThinkGeek\nWelcome to geek heaven.\n";
    expect(cleanBody(sf)).toBe("Text.");
    const yahoo = "So is it granite?\n\n------------------------ Yahoo! Groups Sponsor ---------------------~-->\n4 DVDs Free\n";
    expect(cleanBody(yahoo)).toBe("So is it granite?");
    const newsletter = "______________________\n\nTHE NEWSLETTER - EDITION 4\n______________________\n\nWelcome to the fourth edition.";
    expect(cleanBody(newsletter)).toBe("THE NEWSLETTER - EDITION 4 Welcome to the fourth edition.");
  });

  it("cuts a top-posted reply at -----Original Message----- and drops forwarded header blocks", () => {
    expect(cleanBody("Agreed, ship it.\n\n-----Original Message-----\nFrom: a@b.c\nSent: Monday\nShall we ship?")).toBe("Agreed, ship it.");
    expect(cleanBody("FYI\n\nFrom: Joe <j@x.org>\nDate: Tue, 3 Sep 2002\nSubject: news\n\nThe news itself.")).toBe("FYI The news itself.");
    // A single "Date:" line inside prose is not a header block.
    expect(cleanBody("Date: tomorrow at noon works for me.")).toBe("Date: tomorrow at noon works for me.");
  });

  it("removes PGP armour and collapses whitespace", () => {
    const signed = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nSigned   text\there.\n-----BEGIN PGP SIGNATURE-----\nVersion: GnuPG\n\niD8DBQE9\n-----END PGP SIGNATURE-----\n";
    expect(cleanBody(signed)).toBe("Signed text here.");
  });
});

describe("HTML to text", () => {
  it("drops head/script/style, breaks blocks, decodes entities", () => {
    const html = "<html><head><title>T</title><style>p{}</style></head><body><p>Caf&eacute; &amp; bar&nbsp;&#8212; &#x41;</p><div>two<br>lines</div><script>x()</script></body></html>";
    expect(htmlToText(html)).toBe("Café & bar — A\ntwo\nlines");
    expect(decodeEntities("&lt;b&gt; &unknown; &#0;")).toBe("<b> &unknown;  ");
  });
});

describe("messageToPassage (MIME decoding)", () => {
  it("decodes quoted-printable latin-1 and RFC 2047 subjects", () => {
    const raw = mail(
      "Subject: =?iso-8859-1?Q?Re:_Caf=E9_menu?=\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable",
      "Le caf=E9 est tr=E8s bon, et le menu aus=\nsi.\n",
    );
    const out = messageToPassage("x-1", raw);
    expect(out).toEqual({ ok: true, passage: { docId: "x-1", subject: "Re: Café menu", text: "Le café est très bon, et le menu aussi.", fromHtml: false } });
  });

  it("prefers text/plain in multipart/alternative and skips the signature part of multipart/signed", () => {
    const alt = mail(
      'Subject: alt\nContent-Type: multipart/alternative; boundary="XX"',
      "preamble\n--XX\nContent-Type: text/html\n\n<p>html version words here</p>\n--XX\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" +
        Buffer.from("plain version words here\n").toString("base64") +
        "\n--XX--\nepilogue",
    );
    expect(messageToPassage("a", alt)).toMatchObject({ ok: true, passage: { text: "plain version words here", fromHtml: false } });
    const signed = mail(
      'Subject: s\nContent-Type: multipart/signed; boundary="==S"; protocol="application/pgp-signature"',
      "--==S\nContent-Type: text/plain; charset=us-ascii\n\nThe signed body text.\n\n--==S\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n--==S--\n",
    );
    expect(messageToPassage("s", signed)).toMatchObject({ ok: true, passage: { text: "The signed body text." } });
  });

  it("decodes numeric character references in plain text", () => {
    const raw = mail("Subject: q", "She said &#8220;fine&#x201D; &amp; left.");
    expect(messageToPassage("n", raw)).toMatchObject({ ok: true, passage: { text: "She said \u201cfine\u201d &amp; left." } });
  });

  it("converts HTML-only mail and counts unusable bodies as drops", () => {
    const html = mail("Subject: h\nContent-Type: text/html", "<html><body><p>Only an html body here.</p></body></html>");
    expect(messageToPassage("h", html)).toMatchObject({ ok: true, passage: { text: "Only an html body here.", fromHtml: true } });
    expect(messageToPassage("t", mail("Subject: t", "Done"))).toEqual({ ok: false, docId: "t", reason: "too-short" });
    expect(messageToPassage("q", mail("Subject: q", "> all quoted\n> nothing new"))).toEqual({ ok: false, docId: "q", reason: "empty-after-cleaning" });
    const attachmentOnly = mail('Subject: a\nContent-Type: multipart/mixed; boundary="B"', "--B\nContent-Type: image/png\n\nxxxx\n--B--\n");
    expect(messageToPassage("a", attachmentOnly)).toEqual({ ok: false, docId: "a", reason: "no-text-part" });
  });

  it("cleans real messages of the source package as checked by hand", async () => {
    const source = await locateSource();
    const dir = path.join(source.packageDir, "data", "easy-ham-1");
    const names = (await readdir(dir)).filter((n) => n.endsWith(".txt")).sort();
    const load = async (prefix: string): Promise<Buffer> => readFile(path.join(dir, names.find((n) => n.startsWith(prefix))!));

    // 00001: kre's reply. The indented Date/From/Message-ID block and the "  | " quote go, the
    // Mailman footer goes, the message itself stays.
    const m1 = messageToPassage("easy-ham-1-00001", await load("00001."));
    if (!m1.ok) throw new Error("00001 dropped");
    expect(m1.passage.subject).toBe("Re: New Sequences Window");
    expect(m1.passage.text.startsWith("For me it is very repeatable... (like every time, without fail).")).toBe(true);
    expect(m1.passage.text.endsWith("(local routing issue I think).")).toBe(true);
    expect(m1.passage.text).not.toMatch(/Message-ID|I can't reproduce|mailing list|listinfo/);

    // 00002: "Martin A posted:" attribution and the Yahoo! Groups footer go.
    const m2 = messageToPassage("easy-ham-1-00002", await load("00002."));
    if (!m2.ok) throw new Error("00002 dropped");
    expect(threadKey(m2.passage.subject)).toBe("alexander");
    expect(m2.passage.text.startsWith("Tassos Papadopoulos, the Greek sculptor")).toBe(true);
    expect(m2.passage.text.endsWith("If it's limestone, it'll weather pretty fast.")).toBe(true);
    expect(m2.passage.text).not.toMatch(/Yahoo|unsubscribe|posted:/);
  });
});

describe("split rule", () => {
  it("is a pure function of the id with the configured fractions", () => {
    expect(assignSplit("q123")).toBe(assignSplit("q123"));
    const rule = { seed: "s", splits: [{ name: "a", fraction: 0.5 }, { name: "b", fraction: 0.5 }] };
    for (const id of ["x", "y", "z", "w"]) expect(assignSplit(id, rule)).toBe(stableUnitHash("s", id) < 0.5 ? "a" : "b");
    // `printf s:x | sha256sum` starts with b9cc0508.
    expect(stableUnitHash("s", "x")).toBe(0xb9cc0508 / 2 ** 32);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) counts.set(assignSplit(`q${i}`), (counts.get(assignSplit(`q${i}`)) ?? 0) + 1);
    expect(counts.get("train")! / 2000).toBeGreaterThan(0.65);
    expect(counts.get("dev")! / 2000).toBeGreaterThan(0.12);
    expect(counts.get("test")! / 2000).toBeGreaterThan(0.12);
  });
});
