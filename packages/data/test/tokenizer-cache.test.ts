// Token caches: binary round trip, invalidation on tokenizer/maxLength change, atomic writes.
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Passage } from "../src/types.js";
import {
  I3Tokenizer,
  TokenCacheMismatchError,
  bertTokenizerJson,
  buildTokenCache,
  buildTokenLookup,
  ensureTokenCache,
  loadTokenizer,
  openTokenCache,
} from "../src/tokenizer/index.js";

const fixtures = join(import.meta.dirname, "fixtures", "tokenizer");
// hf-test-vocab ids: [UNK]0 [CLS]1 [SEP]2 [PAD]3 [MASK]4 want5 ##want6 ##ed7 wa8 un9 runn10 ##ing11 ,12 low13 lowest14
let tiny: I3Tokenizer;
let tmp: string;

const passages: Passage[] = [
  { id: "p1", title: "", text: "unwanted running" },
  { id: "p2", title: "Lowest", text: "low, low" },
  { id: "p3", title: "", text: "" },
  { id: "dé jà", title: "", text: "want want want want want want want" },
];
async function* stream(list: Passage[]): AsyncGenerator<Passage> {
  yield* list;
}

beforeAll(async () => {
  tiny = await loadTokenizer(join(fixtures, "hf-test-vocab"));
  tmp = await mkdtemp(join(tmpdir(), "i3-tok-cache-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("buildTokenCache / openTokenCache", () => {
  it("round-trips hand-checked ids without padding, with [CLS]/[SEP]", async () => {
    const file = join(tmp, "c1", "corpus.tok");
    const header = await buildTokenCache(stream(passages), tiny, { maxLength: 6, file });
    expect(header).toMatchObject({ count: 4, maxLength: 6, dtype: "uint16", totalTokens: 6 + 6 + 2 + 6, specialPrefix: 1, specialSuffix: 1 });
    expect(await readdir(join(tmp, "c1"))).toEqual(["corpus.tok"]);
    const cache = await openTokenCache(file, { tokenizer: tiny, maxLength: 6 });
    expect(cache.size).toBe(4);
    expect(Array.from(cache.get("p1"))).toEqual([1, 9, 6, 7, 10, 2]);
    expect(Array.from(cache.get("p2"))).toEqual([1, 14, 13, 12, 13, 2]);
    expect(Array.from(cache.get("p3"))).toEqual([1, 2]);
    expect(Array.from(cache.lookup("dé jà"))).toEqual([1, 5, 5, 5, 5, 2]);
    expect(Array.from(cache.getContent("p1"))).toEqual([9, 6, 7, 10]);
    expect(cache.get("p1")).toBeInstanceOf(Int32Array);
    expect(cache.has("p2")).toBe(true);
    expect(cache.has("p9")).toBe(false);
    expect(() => cache.get("p9")).toThrow(/corpus\.tok: passage "p9" is not in the token cache/);
    expect(cache.ids()).toEqual(["p1", "p2", "p3", "dé jà"]);
    for (const p of passages) expect(Array.from(cache.get(p.id))).toEqual(Array.from(tiny.encode(p.title ? `${p.title} ${p.text}` : p.text, 6).ids));
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("I3TOKCAC");
  });

  it("stores int32 ids when the vocabulary exceeds 65536 tokens", async () => {
    const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", ...Array.from({ length: 70000 }, (_, i) => `w${i}`)];
    const big = I3Tokenizer.fromJson(bertTokenizerJson(vocab, { specialTokens: { pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]" } }));
    const file = join(tmp, "big.tok");
    const header = await buildTokenCache([{ id: "a", title: "", text: "w69999 w1 w65536" }], big, { maxLength: 16, file });
    expect(header.dtype).toBe("int32");
    expect(Array.from((await openTokenCache(file)).get("a"))).toEqual([2, 70003, 5, 65540, 3]);
  });

  it("refuses a cache built for another tokenizer or maxLength", async () => {
    const file = join(tmp, "c2.tok");
    await buildTokenCache(passages, tiny, { maxLength: 6, file });
    await expect(openTokenCache(file, { maxLength: 8 })).rejects.toThrow(TokenCacheMismatchError);
    await expect(openTokenCache(file, { maxLength: 8 })).rejects.toThrow(/maxLength is 6, expected 8/);
    const other = await loadTokenizer(join(fixtures, "tiny-bert-json"));
    await expect(openTokenCache(file, { tokenizer: other })).rejects.toThrow(/fingerprint/);
  });

  it("ensureTokenCache reuses a matching cache and rebuilds a stale one", async () => {
    const file = join(tmp, "c3.tok");
    await buildTokenCache(passages, tiny, { maxLength: 6, file });
    const untouchable: Iterable<Passage> = {
      [Symbol.iterator]() {
        throw new Error("passages read although the cache matches");
      },
    };
    expect((await ensureTokenCache(untouchable, tiny, { maxLength: 6, file })).header.maxLength).toBe(6);
    const rebuilt = await ensureTokenCache(passages, tiny, { maxLength: 4, file });
    expect(rebuilt.header.maxLength).toBe(4);
    expect(Array.from(rebuilt.get("p1"))).toEqual([1, 9, 6, 2]);
    const fresh = await ensureTokenCache(passages, tiny, { maxLength: 4, file: join(tmp, "new", "c4.tok") });
    expect(fresh.size).toBe(4);
  });

  it("reports duplicate ids and leaves no file behind", async () => {
    const dir = join(tmp, "dup");
    const dup = [passages[0]!, passages[1]!, { ...passages[0]!, text: "low" }];
    await expect(buildTokenCache(stream(dup), tiny, { maxLength: 6, file: join(dir, "d.tok") })).rejects.toThrow(
      /passage id "p1" appears twice \(passages 1 and 3\)/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("detects truncated and foreign files", async () => {
    const file = join(tmp, "c5.tok");
    await buildTokenCache(passages, tiny, { maxLength: 6, file });
    const size = (await readFile(file)).length;
    await truncate(file, size - 3);
    await expect(openTokenCache(file)).rejects.toThrow(/truncated or corrupt/);
    await writeFile(file, "qid\tdocid\n");
    await expect(openTokenCache(file)).rejects.toThrow(/not an i3 token cache/);
    await expect(ensureTokenCache(passages, tiny, { maxLength: 6, file })).rejects.toThrow(/not an i3 token cache/);
  });
});

describe("buildTokenLookup", () => {
  it("encodes once, truncates, hands out copies and rejects unknown or duplicate ids", () => {
    const lookup = buildTokenLookup(tiny, [{ id: "q1", text: "unwanted running" }, { id: "q2", text: "low" }], 4);
    expect(Array.from(lookup("q1"))).toEqual([1, 9, 6, 2]);
    lookup("q2")[1] = 99;
    expect(Array.from(lookup("q2"))).toEqual([1, 13, 2]);
    expect(() => lookup("q3")).toThrow(/"q3" is unknown/);
    expect(() => buildTokenLookup(tiny, [{ id: "a", text: "" }, { id: "a", text: "" }], 4)).toThrow(/"a" appears twice/);
  });
});
