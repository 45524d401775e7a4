import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, firstNonBlankLine, flattenBatches, mapLines, readLines, type NumberedLine } from "@i3/data";

const dir = mkdtempSync(join(tmpdir(), "i3-formats-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(content: string | Buffer, name = `f${counter++}.txt`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function collect(path: string): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of readLines(path)) out.push(l);
  return out;
}

describe("readLines", () => {
  it("yields every line with its number, strips \\r\\n and reads a last line without newline", async () => {
    const lines = await collect(file("a\r\n\nb c\n  \nlast"));
    expect(lines).toEqual([
      { line: "a", lineNo: 1 },
      { line: "", lineNo: 2 },
      { line: "b c", lineNo: 3 },
      { line: "  ", lineNo: 4 },
      { line: "last", lineNo: 5 },
    ]);
  });

  it("does not invent a line after a final newline, and reads an empty file as no lines", async () => {
    expect(await collect(file("x\ny\n"))).toEqual([
      { line: "x", lineNo: 1 },
      { line: "y", lineNo: 2 },
    ]);
    expect(await collect(file(""))).toEqual([]);
  });

  it("drops a UTF-8 byte order mark and decodes multi-byte characters", async () => {
    const lines = await collect(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("é\t🙂\n")])));
    expect(lines).toEqual([{ line: "é\t🙂", lineNo: 1 }]);
  });

  it("reads gzip by its magic bytes, whatever the name, the same as the plain file", async () => {
    const text = "one\ntwo\r\nthree";
    const plain = await collect(file(text));
    expect(plain.length).toBe(3);
    expect(await collect(file(gzipSync(text), "x.txt.gz"))).toEqual(plain);
    expect(await collect(file(gzipSync(text), "misnamed.txt"))).toEqual(plain);
    expect(await collect(file(text, "plain-named.gz"))).toEqual(plain);
    expect(await collect(file("", "empty.gz"))).toEqual([]);
  });

  it("reads concatenated gzip members in full and rejects a truncated gzip file", async () => {
    const members = Buffer.concat([gzipSync("a\nb\n"), gzipSync("c\n")]);
    expect((await collect(file(members, "multi.gz"))).map((l) => l.line)).toEqual(["a", "b", "c"]);
    const whole = gzipSync("x\n".repeat(10_000));
    const truncated = file(whole.subarray(0, whole.length - 20), "truncated.gz");
    await expect(collect(truncated)).rejects.toThrow(/truncated\.gz: cannot read gzip data/);
  });

  it("keeps line numbers and multi-byte characters right across 1 MiB chunk boundaries", async () => {
    // Lines of varying length with multi-byte characters, several MiB in total.
    const expected: string[] = [];
    for (let i = 0; i < 60_000; i++) expected.push(`${i}\t${"ü€🙂x".repeat(i % 17)}${i % 5 === 0 ? "" : "tail"}`);
    const text = expected.join("\n");
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 << 20);
    const lines = await collect(file(text));
    expect(lines.length).toBe(expected.length);
    expect(lines.every((l, i) => l.line === expected[i] && l.lineNo === i + 1)).toBe(true);
    const gz = await collect(file(gzipSync(text), "big.gz"));
    expect(gz.every((l, i) => l.line === expected[i] && l.lineNo === i + 1)).toBe(true);
  });

  it("reads lines cut at, before and after a chunk boundary, empty lines included", async () => {
    const chunk = 1 << 20; // the read size of plain files (INPUT_CHUNK_BYTES)
    // Chunk 1 ends inside "ab"; chunk 2 starts with the newline closing it, then an empty line.
    let text = `${"x".repeat(chunk - 3)}\nab\n\nc\n`;
    // Chunk 2 ends exactly on a newline; chunk 3 starts with an empty line, then a line cut again.
    text += `${"y".repeat(2 * chunk - text.length - 1)}\n\nd${"z".repeat(chunk)}\n\nlast`;
    expect(text.slice(chunk - 2, chunk + 2)).toBe("ab\n\n");
    expect(text.slice(2 * chunk - 1, 2 * chunk + 2)).toBe("\n\nd");
    const lines = await collect(file(text));
    expect(lines.map((l) => l.line)).toEqual(text.split("\n"));
    expect(lines.map((l) => l.lineNo)).toEqual(text.split("\n").map((_, i) => i + 1));
  });

  it("reads a single line longer than several read chunks", async () => {
    const long = "x".repeat(3 << 20) + "é";
    const lines = await collect(file(`a\n${long}\nb`));
    expect(lines.map((l) => [l.line.length, l.lineNo])).toEqual([
      [1, 1],
      [long.length, 2],
      [1, 3],
    ]);
    expect(lines[1]!.line).toBe(long);
  });

  it("reports invalid UTF-8 with the file and line", async () => {
    const path = file(Buffer.concat([Buffer.from("ok\nfine\nbad "), Buffer.from([0xff, 0xfe]), Buffer.from("\nafter\n")]));
    await expect(collect(path)).rejects.toThrow(`${path}:3: invalid UTF-8`);
  });

  it("reports a missing file and a corrupt gzip file as InputError", async () => {
    const missing = join(dir, "nope.txt");
    await expect(collect(missing)).rejects.toBeInstanceOf(InputError);
    await expect(collect(missing)).rejects.toThrow(missing);
    const corrupt = file(Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]), "corrupt.gz");
    await expect(collect(corrupt)).rejects.toThrow(/corrupt\.gz: cannot read gzip data/);
  });
});

describe("firstNonBlankLine", () => {
  it("skips blank lines and returns undefined for a blank file", async () => {
    expect(await firstNonBlankLine(file("\n  \n\tx y\nz"))).toEqual({ line: "\tx y", lineNo: 3 });
    expect(await firstNonBlankLine(file("\n \n"))).toBeUndefined();
  });
});

describe("InputError", () => {
  it("formats file, line and field, and exposes them", () => {
    const err = new InputError("runs/x.trec", 17, "score", '"abc" is not a number');
    expect(err.message).toBe('runs/x.trec:17: field "score": "abc" is not a number');
    expect([err.file, err.line, err.field]).toEqual(["runs/x.trec", 17, "score"]);
    expect(new InputError("a", undefined, undefined, "empty").message).toBe("a: empty");
    expect(err).toBeInstanceOf(Error);
  });
});

describe("mapLines", () => {
  it("drops undefined results and reports parse errors with their line", async () => {
    const path = file("a\n#skip\nb\n");
    const out: string[] = [];
    for await (const x of mapLines(path, (line, lineNo) => (line.startsWith("#") ? undefined : `${lineNo}:${line}`))) out.push(x);
    expect(out).toEqual(["1:a", "3:b"]);
    const failing = mapLines(path, (line, lineNo) => {
      if (line === "b") throw new InputError(path, lineNo, "x", "bad");
      return line;
    });
    await expect(collectAll(failing)).rejects.toThrow(`${path}:3: field "x": bad`);
  });
});

async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("flattenBatches", () => {
  async function* source(log: string[], fail = false) {
    try {
      yield [1, 2];
      yield [];
      yield [3];
      if (fail) throw new Error("source failed");
      yield [4, 5];
    } finally {
      log.push("closed");
    }
  }

  it("yields every item in order, skipping empty batches, and closes the source at the end", async () => {
    const log: string[] = [];
    expect(await collectAll(flattenBatches(source(log)))).toEqual([1, 2, 3, 4, 5]);
    expect(log).toEqual(["closed"]);
  });

  it("closes the source on break and propagates source errors", async () => {
    const log: string[] = [];
    for await (const x of flattenBatches(source(log))) if (x === 2) break;
    expect(log).toEqual(["closed"]);
    await expect(collectAll(flattenBatches(source([], true)))).rejects.toThrow("source failed");
  });

  it("keeps order when next() is called again before the previous call settled", async () => {
    const it = flattenBatches(source([]));
    const results = await Promise.all([it.next(), it.next(), it.next(), it.next(), it.next(), it.next()]);
    expect(results.map((r) => (r.done ? "done" : r.value))).toEqual([1, 2, 3, 4, 5, "done"]);
  });
});
