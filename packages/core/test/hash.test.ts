import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fmix32, fnv1a32, hashString32, sha256File, sha256FileUncached } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "i3-core-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("32-bit string hashes", () => {
  it("FNV-1a matches the published test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    expect(fnv1a32("é😀")).toBe(60646348); // UTF-8 bytes (recorded from @i3/data's fnv1a32)
  });

  it("fmix32 and hashString32 = fmix32(fnv1a32)", () => {
    expect([0, 1, 0xdeadbeef, 0xffffffff].map(fmix32)).toEqual([0, 1364076727, 233162409, 2180083513]);
    // 444641715 computed with an independent Python implementation of FNV-1a + fmix32.
    expect(hashString32("a")).toBe(444641715);
    expect(hashString32("query-order")).toBe(3107877437);
    expect(hashString32("é😀")).toBe(fmix32(fnv1a32("é😀")));
  });
});

describe("sha256File", () => {
  it("hashes the bytes (FIPS 180-2 test vector) and notices a changed file", async () => {
    const file = join(dir, "abc.txt");
    writeFileSync(file, "abc");
    expect(await sha256File(file)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    writeFileSync(file, "");
    expect(await sha256File(file)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("fails on a missing file", async () => {
    await expect(sha256File(join(dir, "missing"))).rejects.toThrow(/ENOENT/);
    await expect(sha256FileUncached(join(dir, "missing"))).rejects.toThrow(/ENOENT/);
  });

  it("sha256FileUncached reads the bytes every time, also after a same-size rewrite with the old mtime put back", async () => {
    const file = join(dir, "same-size.txt");
    writeFileSync(file, "abc");
    const { atime, mtime } = statSync(file);
    expect(await sha256FileUncached(file)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    writeFileSync(file, "abd");
    utimesSync(file, atime, mtime);
    // sha256("abd"), computed independently with Python's hashlib.
    expect(await sha256FileUncached(file)).toBe("a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9");
  });
});
