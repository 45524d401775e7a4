// Batch encoding: truncation keeping special tokens, HF "longest_first" pairs, padding layout.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type I3Tokenizer,
  encodeBatch,
  encodePairs,
  encodePassages,
  encodeQueries,
  loadTokenizer,
  longestFirstLengths,
  padBatch,
  trainWordPiece,
} from "../src/tokenizer/index.js";

const fixtures = join(import.meta.dirname, "fixtures", "tokenizer");
// hf-test-vocab ids: [UNK]0 [CLS]1 [SEP]2 [PAD]3 [MASK]4 want5 ##want6 ##ed7 wa8 un9 runn10 ##ing11 ,12 low13 lowest14
let tiny: I3Tokenizer;

beforeAll(async () => {
  tiny = await loadTokenizer(join(fixtures, "hf-test-vocab"));
});

describe("longestFirstLengths", () => {
  it("matches HF tokenizers' truncate_encodings_longest_first table (max_length 7)", () => {
    // [len1, len2, n1, n2] from tokenizers/src/utils/truncation.rs
    const table = [
      [0, 0, 0, 0], [0, 2, 0, 2], [0, 4, 0, 4], [0, 8, 0, 7],
      [2, 0, 2, 0], [2, 2, 2, 2], [2, 4, 2, 4], [2, 8, 2, 5],
      [4, 0, 4, 0], [4, 2, 4, 2], [4, 4, 3, 4], [4, 8, 3, 4],
      [8, 0, 7, 0], [8, 2, 5, 2], [8, 4, 4, 3], [8, 8, 3, 4],
    ];
    for (const [l1, l2, n1, n2] of table) expect(longestFirstLengths(l1!, l2!, 7), `${l1},${l2}`).toEqual([n1, n2]);
    expect(longestFirstLengths(4, 4, 0)).toEqual([0, 0]);
  });

  it("cuts a (query, passage) pair as a 512-token cross-encoder input needs (budget 509), by hand", () => {
    expect(longestFirstLengths(10, 200, 509)).toEqual([10, 200]); // fits: untouched
    expect(longestFirstLengths(10, 600, 509)).toEqual([10, 499]); // only the long passage is cut
    expect(longestFirstLengths(600, 10, 509)).toEqual([499, 10]); // only the long query is cut
    expect(longestFirstLengths(300, 400, 509)).toEqual([254, 255]); // both: 509 / 2, the longer keeps the odd token
    expect(longestFirstLengths(400, 300, 509)).toEqual([255, 254]);
    expect(longestFirstLengths(300, 400, 508)).toEqual([254, 254]);
    // A tie: the second keeps the odd token. Removing one token at a time, the second on a tie
    // (transformers' Python truncate_sequences), would give [255, 254] instead.
    expect(longestFirstLengths(300, 300, 509)).toEqual([254, 255]);
  });
});

describe("single-sequence encoding", () => {
  it("truncates the content and keeps [SEP]", () => {
    expect(Array.from(tiny.encode("unwanted running", 4).ids)).toEqual([1, 9, 6, 2]);
    expect(Array.from(tiny.encode("unwanted running", 100).ids)).toEqual([1, 9, 6, 7, 10, 11, 2]);
    expect(Array.from(tiny.encode("", 4).ids)).toEqual([1, 2]);
    expect(() => tiny.encode("low", 1)).toThrow(/maxLength 1 is smaller than the 2 special tokens/);
  });
});

describe("pair encoding", () => {
  it("equals @huggingface/tokenizers' pair encoding when nothing is truncated", async () => {
    const dir = join(fixtures, "tiny-bert-json");
    const tok = await loadTokenizer(dir);
    const hf = new Tokenizer(JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")), {});
    const texts = ["Hello world!", "hello Worlds.", "", "W W W", "Hello [MASK] world"];
    for (const a of texts) {
      for (const b of texts) {
        if (b === "") continue; // the library treats an empty pair text as no pair (see below)
        const ours = tok.encodePair(a, b, 512);
        const theirs = hf.encode(a, { text_pair: b, return_token_type_ids: true });
        expect(Array.from(ours.ids)).toEqual(theirs.ids);
        expect(Array.from(ours.typeIds)).toEqual(theirs.token_type_ids);
      }
    }
    // An empty second text still gets its [SEP], as in HF tokenizers (Rust) and transformers.
    expect(Array.from(tok.encodePair("Hello", "").ids)).toEqual([2, 5, 3, 3]);
  });

  it("truncates longest_first: hand-checked ids and token types", () => {
    // 5 query tokens + 7 passage tokens into 10 - 3 specials = 7: both cut, 3 and 4.
    const q = "unwanted running";
    const p = "lowest low lowest low lowest low lowest";
    const { ids, typeIds } = tiny.encodePair(q, p, 10);
    expect(Array.from(ids)).toEqual([1, 9, 6, 7, 2, 14, 13, 14, 13, 2]);
    expect(Array.from(typeIds)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // 2 + 8 into 7: only the longer side is cut.
    expect(Array.from(tiny.encodePair("un,", "low low low low low low low low", 10).ids)).toEqual([1, 9, 12, 2, 13, 13, 13, 13, 13, 2]);
  });

  it("is a prefix of the untruncated HF pair encoding on each side, for every maxLength", async () => {
    const tok = await trainWordPiece(
      (await readFile(join(fixtures, "corpus.txt"), "utf8")).split("\n"),
      { vocabSize: 300 },
    );
    const hf = new Tokenizer(tok.json, tok.config);
    const q = "neural passage retrieval with implicit interaction";
    const p = "Hard negatives are mined from a first-stage run such as BM25, with positives removed.";
    const a = hf.encode(q, { add_special_tokens: false }).ids;
    const b = hf.encode(p, { add_special_tokens: false }).ids;
    for (let max = 3; max <= a.length + b.length + 5; max++) {
      const [n1, n2] = longestFirstLengths(a.length, b.length, max - 3);
      const expected = [2, ...a.slice(0, n1), 3, ...b.slice(0, n2), 3];
      const got = tok.encodePair(q, p, max);
      expect(Array.from(got.ids), `max ${max}`).toEqual(expected);
      expect(got.ids.length).toBe(Math.min(max, a.length + b.length + 3));
    }
  });
});

describe("batches", () => {
  it("pads to the longest row, row-major, with the [PAD] id and a mask", () => {
    const batch = encodeBatch(tiny, ["low", "unwanted running", ""], { maxLength: 6 });
    expect(batch.batchSize).toBe(3);
    expect(batch.seqLength).toBe(6);
    expect(Array.from(batch.inputIds)).toEqual([1, 13, 2, 3, 3, 3, 1, 9, 6, 7, 10, 2, 1, 2, 3, 3, 3, 3]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(batch.tokenTypeIds)).toEqual(new Array(18).fill(0));
  });

  it("pads every row to maxLength with padding max_length", () => {
    const batch = encodeBatch(tiny, ["low", "want"], { maxLength: 5, padding: "max_length" });
    expect(batch.seqLength).toBe(5);
    expect(Array.from(batch.inputIds)).toEqual([1, 13, 2, 3, 3, 1, 5, 2, 3, 3]);
    const short = encodeBatch(tiny, ["low", "want"], { maxLength: 5 });
    expect(short.seqLength).toBe(3);
  });

  it("uses 32 tokens for queries and 128 for passages by default, passages as `title text`", () => {
    const long = Array(200).fill("low").join(" ");
    expect(encodeQueries(tiny, [long]).seqLength).toBe(32);
    expect(encodePassages(tiny, [long]).seqLength).toBe(128);
    expect(encodeQueries(tiny, [long], { queryMaxLength: 8 }).seqLength).toBe(8);
    const titled = encodePassages(tiny, [{ id: "p1", title: "Lowest", text: "want" }]);
    expect(Array.from(titled.inputIds)).toEqual([1, 14, 5, 2]);
  });

  it("builds pair batches with token types and checks lengths", () => {
    const batch = encodePairs(tiny, ["low", "want"], ["want", { id: "x", title: "", text: "lowest low" }], { maxLength: 8 });
    expect(batch.seqLength).toBe(6);
    expect(Array.from(batch.inputIds)).toEqual([1, 13, 2, 5, 2, 3, 1, 5, 2, 14, 13, 2]);
    expect(Array.from(batch.tokenTypeIds)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1]);
    expect(() => encodePairs(tiny, ["a"], [], { maxLength: 8 })).toThrow(/1 queries but 0 passages/);
  });

  it("padBatch refuses rows longer than maxLength", () => {
    const row = { ids: Int32Array.of(1, 2, 3), typeIds: new Int32Array(3) };
    expect(() => padBatch([row], 0, { maxLength: 2 })).toThrow(/row 0 has 3 tokens, more than maxLength 2/);
    expect(padBatch([], 0, { maxLength: 4 }).inputIds.length).toBe(0);
  });
});
