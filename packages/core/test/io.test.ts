import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  copyFileAtomic,
  removeStaleTemps,
  removeStaleTempsSync,
  replaceFileAtomic,
  tempPathFor,
  writeDirAtomic,
  writeDirAtomicSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeFileFlushed,
  writeFileFlushedSync,
} from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "i3-core-io-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh empty folder for one test. */
const fresh = () => {
  const dir = join(root, `t${n++}`);
  mkdirSync(dir);
  return dir;
};

describe("atomic file writes", () => {
  it("writeFileAtomic creates parent folders, replaces the target, and writes bytes verbatim", async () => {
    const dir = fresh();
    const path = join(dir, "deep", "er", "f.bin");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await writeFileAtomic(path, "é\n");
    expect([...readFileSync(path)]).toEqual([0xc3, 0xa9, 0x0a]);
    expect(readdirSync(join(dir, "deep", "er"))).toEqual(["f.bin"]);
  });

  it("writeFileAtomicSync does the same synchronously", () => {
    const dir = fresh();
    const path = join(dir, "sub", "state.json");
    writeFileAtomicSync(path, "old");
    writeFileAtomicSync(path, new TextEncoder().encode("new"));
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(join(dir, "sub"))).toEqual(["state.json"]);
  });

  it("replaceFileAtomic leaves the old file and no temp file when the writer fails", async () => {
    const dir = fresh();
    const path = join(dir, "out.txt");
    writeFileSync(path, "previous\n");
    const failing = replaceFileAtomic(path, async (temp) => {
      await writeFile(temp, "half");
      throw new Error("source broke");
    });
    await expect(failing).rejects.toThrow("source broke");
    expect(readFileSync(path, "utf8")).toBe("previous\n");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
    expect(await replaceFileAtomic(path, async (temp) => (await writeFile(temp, "next"), 7))).toBe(7);
    expect(readFileSync(path, "utf8")).toBe("next");
  });

  it("copyFileAtomic copies through a temp name", async () => {
    const dir = fresh();
    writeFileSync(join(dir, "a"), "content");
    await copyFileAtomic(join(dir, "a"), join(dir, "b", "c"));
    expect(readFileSync(join(dir, "b", "c"), "utf8")).toBe("content");
    await expect(copyFileAtomic(join(dir, "missing"), join(dir, "b", "c"))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(join(dir, "b"))).toEqual(["c"]);
  });

  it("writeFileFlushed refuses to overwrite; temp paths are hidden siblings naming the process", async () => {
    const dir = fresh();
    await writeFileFlushed(join(dir, "x"), "1");
    await expect(writeFileFlushed(join(dir, "x"), "2")).rejects.toThrow(/EEXIST/);
    expect(() => writeFileFlushedSync(join(dir, "x"), "2")).toThrow(/EEXIST/);
    writeFileFlushedSync(join(dir, "y"), new Uint8Array([9]));
    expect([...readFileSync(join(dir, "y"))]).toEqual([9]);
    const temp = tempPathFor(join(dir, "run.trec"));
    expect(temp.startsWith(join(dir, `.run.trec.${process.pid}.`))).toBe(true);
    expect(temp).toMatch(/\.[0-9a-f]{8}\.tmp$/);
    expect(tempPathFor(join(dir, "run.trec"))).not.toBe(temp);
  });
});

describe("atomic folder writes", () => {
  it("writeDirAtomic fills a temp folder, moves it into place, and replaces an existing one", async () => {
    const parent = fresh();
    const dir = join(parent, "index");
    expect(await writeDirAtomic(dir, async (temp) => (writeFileSync(join(temp, "a"), "1"), "done"))).toBe("done");
    await writeDirAtomic(dir, async (temp) => writeFileSync(join(temp, "b"), "2"));
    expect(readdirSync(dir)).toEqual(["b"]);
    expect(readdirSync(parent)).toEqual(["index"]);
  });

  it("writeDirAtomic keeps the old folder and removes the temp one when filling fails", async () => {
    const parent = fresh();
    const dir = join(parent, "index");
    await writeDirAtomic(dir, async (temp) => writeFileSync(join(temp, "a"), "1"));
    const failing = writeDirAtomic(dir, async (temp) => {
      writeFileSync(join(temp, "a"), "half");
      throw new Error("disk full");
    });
    await expect(failing).rejects.toThrow("disk full");
    expect(readFileSync(join(dir, "a"), "utf8")).toBe("1");
    expect(readdirSync(parent)).toEqual(["index"]);
  });

  it("writeDirAtomic with replace: false keeps an existing folder and fails with rename's error", async () => {
    const parent = fresh();
    const dir = join(parent, "collection");
    await writeDirAtomic(dir, async (temp) => writeFileSync(join(temp, "a"), "first"), { replace: false });
    const second = writeDirAtomic(dir, async (temp) => writeFileSync(join(temp, "a"), "second"), { replace: false });
    await expect(second).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTEMPTY|EEXIST)$/) });
    expect(readFileSync(join(dir, "a"), "utf8")).toBe("first");
    expect(readdirSync(parent)).toEqual(["collection"]);
  });

  it("writeDirAtomicSync replaces a folder and cleans up after a failure", () => {
    const parent = fresh();
    const dir = join(parent, "step-1");
    writeDirAtomicSync(dir, (temp) => writeFileSync(join(temp, "a"), "1"));
    expect(writeDirAtomicSync(dir, (temp) => (writeFileSync(join(temp, "b"), "2"), 3))).toBe(3);
    expect(readdirSync(dir)).toEqual(["b"]);
    expect(() =>
      writeDirAtomicSync(dir, () => {
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(readdirSync(parent)).toEqual(["step-1"]);
    expect(existsSync(join(dir, "b"))).toBe(true);
  });
});

describe("temps left by killed writers", () => {
  const dead = 999_999_999; // above Linux's pid_max (4194304): no such process
  /** Litter beside `target` in `dir`: what a cleanup removes, and what it must keep. */
  const litter = (dir: string, target: string) => {
    const removed = [`.${target}.${dead}.0a1b2c3d.tmp`, `.${target}.${dead}.ffff0000.old`];
    const kept = [
      `.${target}.${process.pid}.0a1b2c3d.tmp`, // a live writer (this process)
      `.${target}.1.0a1b2c3d.tmp`, // pid 1 is alive
      `.other.${dead}.0a1b2c3d.tmp`, // another target
      `.${target}.${dead}.notes`, // not a temp name
    ];
    for (const name of [removed[0]!, ...kept]) writeFileSync(join(dir, name), "partial");
    mkdirSync(join(dir, removed[1]!)); // a folder left mid-replace
    return kept;
  };

  it("every atomic writer removes them for its own target, and nothing else", async () => {
    const writers: [string, (path: string) => unknown][] = [
      ["file", (path) => writeFileAtomic(path, "x")],
      ["sync", (path) => writeFileAtomicSync(path, "x")],
      ["dir", (path) => writeDirAtomic(path, async () => undefined)],
      ["dirSync", (path) => writeDirAtomicSync(path, () => undefined)],
    ];
    for (const [target, write] of writers) {
      const dir = fresh();
      const kept = litter(dir, target);
      await write(join(dir, target));
      expect(readdirSync(dir).sort()).toEqual([target, ...kept].sort());
    }
  });

  it("removeStaleTemps(Sync) return what they removed; a missing folder is not an error", async () => {
    const dir = fresh();
    litter(dir, "run.trec");
    expect((await removeStaleTemps(join(dir, "run.trec"))).map((p) => p.slice(dir.length + 1)).sort()).toEqual([
      `.run.trec.${dead}.0a1b2c3d.tmp`,
      `.run.trec.${dead}.ffff0000.old`,
    ]);
    expect(removeStaleTempsSync(join(dir, "run.trec"))).toEqual([]);
    expect(await removeStaleTemps(join(dir, "missing", "x"))).toEqual([]);
    expect(removeStaleTempsSync(join(dir, "missing", "x"))).toEqual([]);
  });
});
