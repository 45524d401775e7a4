/**
 * `FilesCollection.fingerprint()` identifies content, not location: the same bytes in another
 * folder with other mtimes give the same fingerprint (a copied or re-provisioned dataset keeps
 * its caches); one changed byte in the corpus, a queries file or a qrels file changes it.
 */
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BeirCollection } from "@i3/data";

const FILES = {
  "corpus.jsonl": '{"_id": "d1", "title": "T", "text": "alpha text"}\n{"_id": "d2", "text": "beta text"}\n',
  "queries.jsonl": '{"_id": "q1", "text": "alpha?"}\n{"_id": "q2", "text": "beta?"}\n',
  "qrels/test.tsv": "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n",
  "qrels/train.tsv": "query-id\tcorpus-id\tscore\nq1\td2\t1\n",
};

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "i3-fingerprint-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function folder(name: string, edits: Partial<Record<keyof typeof FILES, string>> = {}): Promise<string> {
  const dir = path.join(tmp, name);
  for (const [file, content] of Object.entries({ ...FILES, ...edits })) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

const fingerprintOf = async (dir: string) => (await BeirCollection.open(dir, "mini")).fingerprint();

describe("FilesCollection.fingerprint", () => {
  it("is the same for the same bytes in another folder with other mtimes", async () => {
    const a = await folder("a");
    const b = path.join(tmp, "b");
    await cp(a, b, { recursive: true });
    const past = new Date("2020-01-01T00:00:00Z");
    await utimes(path.join(b, "corpus.jsonl"), past, past);
    await utimes(path.join(b, "qrels", "test.tsv"), past, past);
    const fa = await fingerprintOf(a);
    expect(fa).toMatch(/^[0-9a-f]{16}$/);
    expect(await fingerprintOf(b)).toBe(fa);
    expect(await fingerprintOf(a)).toBe(fa);
  });

  it("changes with one byte of the corpus, the queries or a qrels file", async () => {
    const base = await fingerprintOf(await folder("base"));
    const variants = [
      await folder("corpus", { "corpus.jsonl": FILES["corpus.jsonl"].replace("alpha", "alphA") }),
      await folder("queries", { "queries.jsonl": FILES["queries.jsonl"].replace("beta?", "beta!") }),
      await folder("qrels", { "qrels/train.tsv": FILES["qrels/train.tsv"].replace("d2\t1", "d2\t2") }),
    ];
    const seen = new Set([base]);
    for (const dir of variants) seen.add(await fingerprintOf(dir));
    expect(seen.size).toBe(4);
  });

  it("follows a file rewritten in place", async () => {
    const dir = await folder("rewrite");
    const before = await fingerprintOf(dir);
    await writeFile(path.join(dir, "qrels", "test.tsv"), FILES["qrels/test.tsv"] + "q2\td1\t1\n");
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(dir, "qrels", "test.tsv"), later, later);
    expect(await fingerprintOf(dir)).not.toBe(before);
  });
});
